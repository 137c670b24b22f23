"""The audit trail: every action a person or the timer worker takes, with the data submitted."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent


def record(session: Session, actor: str, action: str, *, instance_id: int | None = None,
           task_id: str | None = None, task_name: str | None = None, reason: str = "",
           data: dict[str, Any] | None = None) -> AuditEvent:
    """Add one audit event to the current transaction; `data` is copied (through JSON) as the snapshot.

    The stored column is JSON: a copy through JSON is what it will hold, and costs less than a deep copy.
    """
    event = AuditEvent(actor=actor, action=action, instance_id=instance_id, task_id=task_id,
                       task_name=task_name, reason=reason or "",
                       data=json.loads(json.dumps(data)) if data is not None else None)
    session.add(event)
    return event


def history(session: Session, instance_id: int) -> list[AuditEvent]:
    """The audit events of one instance, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                .order_by(AuditEvent.at, AuditEvent.id)))
