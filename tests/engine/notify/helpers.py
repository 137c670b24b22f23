"""People for the notification tests, stored without the password hashing the tests do not need."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import User
from engine.notify.notices import Notification


def add_people(factory: sessionmaker[Session], *people: tuple[str, str, str | None]) -> None:
    """Store (username, role, email) users."""
    with factory() as session, session.begin():
        for username, role, email in people:
            session.add(User(username=username, name=username.title(), password_hash="-", roles=[role],
                             email=email))


def notices(factory: sessionmaker[Session], **where: object) -> list[Notification]:
    """Stored notifications matching column values, oldest first."""
    with factory() as session:
        query = select(Notification).order_by(Notification.id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        return list(session.scalars(query))


def database_url(engine: sa.Engine) -> str:
    """The test database's URL for another process (on PostgreSQL with the test's private schema)."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url
    with engine.connect() as conn:
        search_path = conn.execute(sa.text("SHOW search_path")).scalar()
    return f"{url.replace('postgresql+psycopg://', 'postgresql://')}?options=-csearch_path%3D{search_path}"
