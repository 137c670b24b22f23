"""The audit trail: every action a person or the timer worker takes, with the data submitted."""

from __future__ import annotations

import json
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from engine.db import utcnow
from engine.models import AuditEvent

_INSERT = insert(cast(Table, AuditEvent.__table__))


def record(session: Session, actor: str, action: str, *, instance_id: int | None = None,
           task_id: str | None = None, task_name: str | None = None, reason: str = "",
           data: dict[str, Any] | None = None) -> None:
    """Add one audit event to the current transaction; `data` is copied (through JSON) as the snapshot.

    The event is only ever appended, never read back in the same action: it is written with one
    prepared INSERT rather than through the unit of work. The stored column is JSON, so a copy
    through JSON is what it will hold, and costs less than a deep copy.
    """
    values: dict[str, Any] = {"actor": actor, "action": action, "instance_id": instance_id, "task_id": task_id,
                              "task_name": task_name, "reason": reason or "", "at": utcnow()}
    if data is not None:
        values["data"] = json.loads(json.dumps(data))
    session.execute(_INSERT, values)


def history(session: Session, instance_id: int) -> list[AuditEvent]:
    """The audit events of one instance, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                .order_by(AuditEvent.at, AuditEvent.id)))
