"""Instance statuses: which changes are allowed, and the one function that makes them."""

from __future__ import annotations

from engine.db import utcnow
from engine.errors import Conflict
from engine.models import Instance, InstanceStatus

S = InstanceStatus
# Allowed status changes; anything else is refused by `transition`.
TRANSITIONS: dict[InstanceStatus, frozenset[InstanceStatus]] = {
    S.RUNNING: frozenset({S.SUSPENDED, S.CANCELLED, S.COMPLETED, S.ERROR}),
    S.SUSPENDED: frozenset({S.RUNNING, S.CANCELLED}),
    S.ERROR: frozenset({S.RUNNING, S.CANCELLED, S.ERROR}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}
STATUS_WORDS = {S.RUNNING: "berjalan", S.SUSPENDED: "ditangguhkan", S.COMPLETED: "selesai",
                S.CANCELLED: "dibatalkan", S.ERROR: "insiden"}


def transition(instance: Instance, target: InstanceStatus) -> None:
    """Change an instance's status, refusing a change its current status does not allow."""
    current = InstanceStatus(instance.status)
    if target not in TRANSITIONS[current]:
        raise Conflict("invalid_transition", status=current.value, target=target.value)
    instance.status = target
    if target in (S.COMPLETED, S.CANCELLED):
        instance.ended_at = utcnow()
        instance.next_due_at = None
