"""People for the notification tests, stored without the password hashing the tests do not need."""

from __future__ import annotations

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
