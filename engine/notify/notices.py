"""In-app notifications and the email outbox they feed: one row per recipient and event.

A notification is written in the same transaction as what caused it (an assignment, a suspended
or cancelled instance, an opened task the engine assigned), so it exists exactly when that did.
A recipient with an email address also gets the row queued for `engine.notify.outbox`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ForeignKey, Index, String, Text, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, intpk, utcnow
from engine.errors import NotFound
from engine.models import User
from engine.paging import Page, clamp, paginate
from engine.people.users import Actor


class Kind(enum.StrEnum):
    """What a notification tells."""

    ASSIGNED = "assigned"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class MailStatus(enum.StrEnum):
    """Where a notification's email is: none to send, waiting in the outbox, or handed to the SMTP server."""

    NONE = "none"
    PENDING = "pending"
    SENT = "sent"


class Notification(Base):
    """One thing one person is told, read in the app and (with an address) sent once by email."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_inbox", "username", "read_at", "id"),
        Index("ix_notifications_outbox", "mail_status", "next_attempt_at"),
        Index("ix_notifications_task", "task_id", "kind"),
    )

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    # The words' ingredients (task and instance titles, due time, reason, who acted); the words
    # themselves are chosen where they are shown, in the reader's language.
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Set for notices the worker finds (due soon, overdue): the unique key makes each one once per
    # task and person, even when two workers find the same task at the same moment.
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    email: Mapped[str | None] = mapped_column(String(254))
    mail_status: Mapped[str] = mapped_column(String(16), default=MailStatus.NONE)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


class Event(NamedTuple):
    """One thing to tell: who (usernames; None and unknown ones are skipped), about which instance and task."""

    usernames: Iterable[str | None]
    instance_id: int | None = None
    task_id: str | None = None
    params: dict[str, Any] | None = None


def notify(session: Session, usernames: Iterable[str | None], kind: Kind, *, instance_id: int | None = None,
           task_id: str | None = None, params: dict[str, Any] | None = None, once: bool = False) -> int:
    """Tell each active user among `usernames` (once each) about one event; return how many rows were added.

    With `once`, a person already told this `kind` about this task is not told again.
    """
    event = Event(usernames, instance_id, task_id, params)
    wanted = {name for name in event.usernames if name}
    if not wanted:
        return 0
    return notify_all(session, kind, [event], active_people(session, wanted), once=once)


def active_people(session: Session, usernames: Iterable[str] | None = None) -> dict[str, str | None]:
    """Active users (all, or those named) with their email address, if any."""
    query = select(User.username, User.email).where(User.active.is_(True))
    if usernames is not None:
        query = query.where(User.username.in_(sorted(usernames)))
    return {username: email or None for username, email in session.execute(query)}


def notify_all(session: Session, kind: Kind, events: Iterable[Event], people: dict[str, str | None], *,
               once: bool = False) -> int:
    """Tell several events of one kind in one INSERT, to those of `people` (username → email) they name."""
    now = utcnow()
    rows = [{"username": username, "kind": kind.value, "instance_id": event.instance_id, "task_id": event.task_id,
             "params": dict(event.params or {}), "created_at": now, "email": people[username],
             "mail_status": MailStatus.PENDING if people[username] else MailStatus.NONE,
             "next_attempt_at": now if people[username] else None, "attempts": 0, "last_error": "",
             "once_key": f"{kind.value}:{event.task_id}:{username}" if once else None}
            for event in events for username in sorted({name for name in event.usernames if name in people})]
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Notification)
    if once:
        statement = statement.on_conflict_do_nothing(index_elements=["once_key"])
    # Many rows go as one executemany, which SQLAlchemy sends in batches within the drivers' limits.
    return len(session.execute(statement.returning(Notification.id), rows).all())


def for_user(session: Session, actor: Actor, *, unread: bool = False, page: Any = 1,
             per_page: Any = 50) -> Page[Notification]:
    """The actor's notifications, newest first (only the unread ones with `unread`)."""
    query = select(Notification).where(Notification.username == actor.username)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    return paginate(session, query.order_by(Notification.id.desc()), *clamp(page, per_page))


def unread_count(session: Session, actor: Actor) -> int:
    """How many of the actor's notifications are unread (the header's count)."""
    return int(session.scalar(select(func.count()).select_from(Notification)
                              .where(Notification.username == actor.username,
                                     Notification.read_at.is_(None))) or 0)


def mark_read(session: Session, notification_id: int, actor: Actor) -> Notification:
    """Mark one of the actor's notifications read (again is harmless); another person's is not found."""
    found = session.get(Notification, notification_id)
    if found is None or found.username != actor.username:
        raise NotFound("notification_not_found", id=notification_id)
    if found.read_at is None:
        found.read_at = utcnow()
    return found


def mark_all_read(session: Session, actor: Actor) -> int:
    """Mark every unread notification of the actor read; return how many."""
    result = session.execute(update(Notification)
                             .where(Notification.username == actor.username, Notification.read_at.is_(None))
                             .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
