"""A supervisor changes an open monev visit: withdraw the library from the cycle, or reschedule it.

The change is modelled in the BPMN (monev_perpustakaan): the visit subprocess carries the boundary
message event `Perubahan_Kunjungan`; this module delivers that message to the one library's track,
with the change as its payload (`perubahan_kunjungan`), and the process does the rest: a withdrawn
library's track ends without a result ("ditarik"), a rescheduled visit opens again on its new date
for its (possibly new) team, with a new surat tugas that replaces the earlier one. It runs through
the one runner (`engine.workflow.action.act`), so the save, the audit entry with its reason, the
documents and the notices happen as for any other action.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import forms, rules
from engine.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationFailed
from engine.models import Instance, InstanceStatus, Task, TaskStatus
from engine.people import roles
from engine.people.users import Actor
from engine.workflow import action, runtime
from engine.workflow.runtime import Limits

VISIT_TASK = "Kunjungan_Monev"
CHANGE_EVENT = "Perubahan_Kunjungan"
CHANGE_VARIABLE = "perubahan_kunjungan"
# The supervisor's word for the change -> the follow-up the process knows (as the escalation's choices).
ACTIONS = {"reschedule": "jadwal_ulang", "withdraw": "tarik"}
AUDIT_ACTIONS = {"reschedule": "visit_reschedule", "withdraw": "visit_withdraw"}

_OFFICER: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 64, "x-senapas-ref": "officer"}
_FIELDS: dict[str, Any] = {
    "reason": {"type": "string", "minLength": 1, "maxLength": 4000},
    "visit_date": {"type": "string", "format": "date", "x-senapas-not-past": True},
    "officer": _OFFICER,
    "members": {"type": "array", "maxItems": 10, "uniqueItems": True, "items": _OFFICER,
                "x-senapas-excludes": "officer"},
}
# What each change takes: a withdrawal only its reason; a new schedule its date, and a new team if any.
SCHEMAS: dict[str, dict[str, Any]] = {
    "withdraw": {"type": "object", "properties": {"reason": _FIELDS["reason"]}, "required": ["reason"],
                 "additionalProperties": False},
    "reschedule": {"type": "object", "properties": _FIELDS, "required": ["reason", "visit_date"],
                   "additionalProperties": False,
                   # Members come with the lead they join: a new team names its lead.
                   "allOf": [{"if": {"required": ["members"]}, "then": {"required": ["officer"]}}]},
}


def open_visits(session: Session, instance_id: int) -> list[Task]:
    """The open visit tasks of a cycle (one per library whose visit is still to be recorded)."""
    return list(session.scalars(select(Task).where(Task.instance_id == instance_id, Task.name == VISIT_TASK,
                                                   Task.status == TaskStatus.OPEN).order_by(Task.due_at, Task.id)))


def change(session: Session, instance_id: int, library_id: int, actor: Actor, what: str, data: dict[str, Any], *,
           limits: Limits, today: date | None = None) -> action.Outcome:
    """Withdraw or reschedule the open visit of one library in one cycle (supervisors), with a reason.

    A refused request (not a supervisor, unknown change, bad fields, no open visit) changes nothing.
    """
    if not roles.is_supervisor(actor.roles):
        raise Forbidden("supervisors_only")
    if what not in ACTIONS:
        raise BadRequest("unknown_visit_change", choices=sorted(ACTIONS))
    schema = SCHEMAS[what]
    details: list[dict[str, Any]] = []
    for check in (lambda: forms.validate(schema, data), lambda: rules.check(session, schema, data, {}, today)):
        try:  # every problem at once: the shape of the fields and what they must mean
            check()
        except ValidationFailed as refused:
            details += refused.details
    if details:
        raise ValidationFailed("form_invalid", details=details)
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound("instance_not_found")
    if instance.status != InstanceStatus.RUNNING:
        raise Conflict("instance_not_running", status=InstanceStatus(instance.status).value)
    row = session.scalar(select(Task).where(Task.instance_id == instance_id, Task.name == VISIT_TASK,
                                            Task.status == TaskStatus.OPEN, Task.library_id == library_id))
    if row is None:
        raise NotFound("visit_not_open", library=library_id)
    loaded = runtime.load(session, instance, limits)
    visit = runtime.find_task(loaded.workflow, row.id)
    waiting = _change_event(visit) if visit is not None else None
    if waiting is None:
        raise NotFound("visit_not_open", library=library_id)
    payload = {"tindak_lanjut": ACTIONS[what], "tanggal_baru": data.get("visit_date"),
               "officer": data.get("officer"), "members": list(data.get("members") or []),
               "alasan": data["reason"].strip(), "oleh": actor.username}

    def deliver() -> None:
        # Only this library's track catches it: the event names the workflow its boundary waits in.
        loaded.workflow.catch(BpmnEvent(waiting.task_spec.event_definition, payload=payload,
                                        target=waiting.workflow))
        waiting.data[CHANGE_VARIABLE] = payload  # the message's payload, as the process reads it

    return action.act(session, loaded, actor, limits, event=AUDIT_ACTIONS[what], trigger=deliver,
                      audited={"reason": payload["alasan"], "data": {"library": library_id, **payload},
                               "task_id": row.id, "task_name": row.name})


def _change_event(visit: SpiffTask) -> SpiffTask | None:
    """The waiting `Perubahan_Kunjungan` boundary event around the visit subprocess holding `visit`."""
    outer = getattr(visit.workflow, "parent_workflow", None)
    if outer is None:
        return None
    return next((task for task in outer.tasks.values()
                 if task.task_spec.bpmn_id == CHANGE_EVENT and task.state == TaskState.WAITING), None)
