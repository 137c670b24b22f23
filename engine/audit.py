"""The audit trail: every action a person or the timer worker takes, with the data submitted."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from engine.db import execute, utcnow
from engine.models import AuditEvent

_INSERT = insert(cast(Table, AuditEvent.__table__))


def record(session: Session, actor: str, action: str, *, instance_id: int | None = None,
           task_id: str | None = None, task_name: str | None = None, reason: str = "",
           data: dict[str, Any] | None = None) -> None:
    """Add one audit event to the current transaction, with `data` as it is now.

    The event is only ever appended, never read back in the same action: it is written at once with
    one prepared INSERT (so later changes to `data` cannot reach it) rather than through the unit of
    work.
    """
    values: dict[str, Any] = {"actor": actor, "action": action, "instance_id": instance_id, "task_id": task_id,
                              "task_name": task_name, "reason": reason or "", "at": utcnow()}
    if data is not None:
        values["data"] = data
    execute(session, _INSERT, values)


def history(session: Session, instance_id: int) -> list[AuditEvent]:
    """The audit events of one instance, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                .order_by(AuditEvent.at, AuditEvent.id)))


def latest(session: Session, instance_id: int, action: str) -> AuditEvent | None:
    """The most recent event of one action on an instance (why it was suspended, say), or None."""
    return session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                    AuditEvent.action == action)
                           .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1)).first()
