"""The BPMN messages Senapas delivers to one track, and the one way they are delivered.

A message is caught by a waiting message event (a boundary event around a visit) named by its
BPMN id; its payload lands in the catching task's data under the message's variable, where the
process reads it. The supervisor's visit change (`engine.visits`) and the scenario runner
(`engine.workflow.rehearsal`) both deliver through `deliver`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

_NULLABLE_TEXT: dict[str, Any] = {"type": ["string", "null"], "maxLength": 64}


@dataclass(frozen=True)
class Message:
    """A message Senapas delivers: the BPMN id of its catching event, its payload variable and payload schema."""

    event: str
    variable: str
    schema: dict[str, Any]


VISIT_CHANGE = Message("Perubahan_Kunjungan", "perubahan_kunjungan", {
    "type": "object",
    "required": ["tindak_lanjut", "alasan", "oleh"],
    "additionalProperties": False,
    "properties": {
        "tindak_lanjut": {"enum": ["jadwal_ulang", "tarik"]},
        "tanggal_baru": {"type": ["string", "null"], "format": "date"},
        "officer": _NULLABLE_TEXT,
        "members": {"type": "array", "maxItems": 10, "items": {"type": "string", "minLength": 1, "maxLength": 64}},
        "alasan": {"type": "string", "minLength": 1, "maxLength": 4000},
        "oleh": {"type": "string", "minLength": 1, "maxLength": 64},
    },
})
# Every message some action of Senapas delivers, by the BPMN id of its catching event.
KNOWN: dict[str, Message] = {VISIT_CHANGE.event: VISIT_CHANGE}


def is_waiting(task: SpiffTask, event: str) -> bool:
    """Whether `task` is the waiting message event `event` (a BPMN id), ready to catch its message."""
    return (task.state == TaskState.WAITING and task.task_spec.bpmn_id == event
            and isinstance(getattr(task.task_spec, "event_definition", None), MessageEventDefinition))


def deliver(workflow: BpmnWorkflow, waiting: SpiffTask, message: Message, payload: dict[str, Any]) -> None:
    """Deliver `message` with `payload` to the one waiting event `waiting` (only its track catches it)."""
    # The event names the workflow its boundary waits in, so no other library's track catches it.
    workflow.catch(BpmnEvent(waiting.task_spec.event_definition, payload=payload, target=waiting.workflow))
    waiting.data[message.variable] = payload  # the message's payload, as the process reads it
