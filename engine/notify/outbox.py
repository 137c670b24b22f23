"""The email outbox: each pending notification is claimed by one worker, sent, and marked, or retried later.

A worker claims one row at a time with `SELECT … FOR UPDATE SKIP LOCKED` and keeps the row lock
while it talks to the SMTP server; the row is marked sent in that same transaction. So two
workers never send the same row at once, a failed send leaves the row pending with a later
`next_attempt_at` (backoff), and a worker that dies before committing leaves the row as it was
for another worker to take: nothing is lost.

What this cannot give is exactly-once delivery across a crash: a worker killed after the SMTP
server accepted a message but before its COMMIT reached the database leaves the row pending,
and the message is sent again. That window is one message per killed worker (a worker holds one
row at a time) and lasts from the server's "250 OK" to the commit, a millisecond or so; the copy
carries the same Message-ID, which lets a receiving server or mail client recognise it.
On SQLite (one writer, no SKIP LOCKED) the conditional claim below keeps a second worker off a
row another has taken; several workers are meant for PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.db import utcnow
from engine.notify.mailer import Mailer, MailFailure
from engine.notify.notices import MailStatus, Notification

log = logging.getLogger(__name__)

Compose = Callable[[Notification], EmailMessage]
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)  # the longest wait between tries: a pending email is never given up


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed try: 1, 2, 4 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(0, min(attempts - 1, 20)), LAST_RETRY)


class Handled(NamedTuple):
    """One outbox row a worker took: its id, and whether the SMTP server accepted its email."""

    id: int
    sent: bool


def send_next(session: Session, mailer: Mailer, compose: Compose, now: datetime | None = None) -> Handled | None:
    """Claim the next pending email no other worker holds, send it and record the outcome; None when none is due."""
    now = now or utcnow()
    row = session.scalars(select(Notification)
                          .where(Notification.mail_status == MailStatus.PENDING, Notification.next_attempt_at <= now)
                          .order_by(Notification.next_attempt_at, Notification.id).limit(1)
                          .with_for_update(skip_locked=True)).first()
    if row is None:
        return None
    tries = row.attempts + 1
    claimed = session.execute(update(Notification)
                              .where(Notification.id == row.id, Notification.mail_status == MailStatus.PENDING,
                                     Notification.attempts == row.attempts)
                              .values(attempts=tries, next_attempt_at=now + backoff(tries))
                              .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return Handled(row.id, False)  # SQLite: another worker took it between our read and our write
    session.refresh(row)
    try:
        mailer.send(compose(row))
    except MailFailure as failure:
        log.warning("email of notification %s not sent (try %s): %s", row.id, tries, failure)
        row.last_error = str(failure)
        return Handled(row.id, False)
    row.mail_status = MailStatus.SENT
    row.sent_at = utcnow()
    row.last_error = ""
    return Handled(row.id, True)


def deliver(factory: sessionmaker[Session], mailer: Mailer, compose: Compose, *, limit: int = 1000) -> int:
    """Send pending emails, one per transaction, until none is due (or `limit`); how many were sent."""
    sent = 0
    seen: set[int] = set()
    for _ in range(limit):
        with factory() as session, session.begin():
            handled = send_next(session, mailer, compose)
        if handled is None or handled.id in seen:
            break
        seen.add(handled.id)
        sent += handled.sent
    return sent
