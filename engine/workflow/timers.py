"""Timers: the worker side that fires due timer events, exactly once across workers.

The claim (the instance row, locked with FOR UPDATE SKIP LOCKED) and the effect (its state, tasks
and audit row) are one transaction: a worker killed mid-batch rolls back, its lock goes with its
connection, and another worker takes the instance.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import Context
from engine.db import run_in_transaction, utcnow
from engine.errors import Conflict
from engine.models import Instance, InstanceStatus
from engine.people.users import SYSTEM_ACTOR
from engine.workflow import action, runtime
from engine.workflow.runtime import Limits

log = logging.getLogger(__name__)


def fire_next(session: Session, now: datetime | None = None, *, limits: Limits) -> int | None:
    """Fire the timers of one due instance, locked so no other worker takes it; its id, or None."""
    now = now or utcnow()
    query = (select(Instance).where(Instance.status == InstanceStatus.RUNNING, Instance.next_due_at <= now)
             .order_by(Instance.next_due_at).limit(1).with_for_update(skip_locked=True))
    instance = session.scalars(query).first()
    if instance is None:
        return None
    outcome = action.act(session, runtime.load(session, instance, limits), SYSTEM_ACTOR, limits, event="timer")
    if outcome.incident is None and instance.next_due_at is not None and instance.next_due_at <= now:
        # The library's clock disagrees with ours (or the timer keeps firing): wait a little.
        log.warning("instance %s still due after firing its timers", instance.id)
    return instance.id


def run_due(context: Context, *, limit: int = 1000) -> int:
    """Fire every due timer, one instance per transaction; return how many instances this worker handled."""
    handled: set[int] = set()
    for _ in range(limit):
        try:
            fired = run_in_transaction(context.factory, lambda s: fire_next(s, limits=context.limits), attempts=1)
        except Conflict:
            continue  # another worker fired that instance first (SQLite has no SKIP LOCKED)
        if fired is None or fired in handled:
            break
        handled.add(fired)
    return len(handled)
