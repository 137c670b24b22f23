"""Rate-limit counters in the database, so that every web process and host counts the same attempts.

One row per key (e.g. "complaint:10.0.0.9"): how many attempts its current window holds and when
that window began. A window begins at the first attempt counted after the previous one ended, so
at most `limit` attempts are counted within `window` seconds of that first one, whichever process
receives them. Each counted attempt is one upsert (INSERT .. ON CONFLICT DO UPDATE .. RETURNING),
atomic on PostgreSQL and SQLite alike; an expired window restarts in the same statement, and
`prune` deletes the rows of windows that ended long ago.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import String, case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, UTCDateTime, execute, utcnow


class RateCount(Base):
    """The attempts one key has made in its current window."""

    __tablename__ = "rate_counts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int]


def _upsert(session: Session, key: str, window: float, limit: int | None, now: datetime) -> int | None:
    """Count one attempt for the key (only while under `limit`, when given); its count, or None if refused."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(RateCount).values(key=key, window_start=now, count=1)
    expired = RateCount.window_start <= now - timedelta(seconds=window)
    statement = statement.on_conflict_do_update(
        index_elements=[RateCount.key],
        set_={"count": case((expired, 1), else_=RateCount.count + 1),
              "window_start": case((expired, literal(now, UTCDateTime())), else_=RateCount.window_start)},
        where=None if limit is None else (expired | (RateCount.count < limit)))
    return session.execute(statement.returning(RateCount.count)).scalar_one_or_none()


def hit(session: Session, key: str, limit: int, window: float, now: datetime | None = None) -> int:
    """Count one attempt if the key is under its limit: 0 when counted, else the seconds to wait."""
    now = now or utcnow()
    if _upsert(session, key, window, limit, now) is not None:
        return 0
    return wait(session, key, limit, window, now) or 1  # the window ended between the two statements


def add(session: Session, key: str, window: float, now: datetime | None = None) -> None:
    """Count one attempt for the key, whatever its count (e.g. a failure after the check passed)."""
    _upsert(session, key, window, None, now or utcnow())


def wait(session: Session, key: str, limit: int, window: float, now: datetime | None = None) -> int:
    """Seconds until the key may make an attempt again, 0 when it is under its limit now (nothing is counted)."""
    now = now or utcnow()
    row = session.execute(select(RateCount.window_start, RateCount.count).where(RateCount.key == key)).first()
    if row is None or row[1] < limit:
        return 0
    # Another process may have started the window a moment after this request's `now` (each request
    # reads its own clock before its statements run): the wait is never longer than the window itself.
    left = min(window, (row[0] + timedelta(seconds=window) - now).total_seconds())
    return max(0, math.ceil(left)) if left > 0 else 0


def prune(session: Session, longest_window: float, now: datetime | None = None) -> int:
    """Delete the rows whose window ended before the longest window could still count them; how many."""
    cutoff = (now or utcnow()) - timedelta(seconds=longest_window)
    return execute(session, delete(RateCount).where(RateCount.window_start < cutoff)).rowcount or 0
