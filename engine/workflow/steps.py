"""Steps: what an action moved in a workflow, and where an instance stands, as plain values.

Listeners (library results, documents) receive StepDone values; detail views read an instance's
current data and which BPMN elements ran or wait. Spiff types stop here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from SpiffWorkflow.bpmn.specs.event_definitions.timer import DurationTimerEventDefinition, TimeDateEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from engine import json_text
from engine.models import Task
from engine.workflow.projection import item_value
from engine.workflow.runtime import all_tasks, find_task, item_of, properties


def plain(data: dict[str, Any]) -> dict[str, Any]:
    """A JSON-safe deep copy of task data (dates and other values scripts made become strings)."""
    return dict(json_text.round_trip(data, default=str))


def current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The instance's business data now: the latest top-level task's data and the workflow's own."""
    moved = [t for t in workflow.tasks.values()
             if t.task_spec.bpmn_id and t.state & (TaskState.COMPLETED | TaskState.READY | TaskState.WAITING
                                                   | TaskState.STARTED)]
    latest = max(moved, key=lambda t: t.last_state_change, default=None)
    data = dict(latest.data) if latest is not None else {}
    data.update({k: v for k, v in workflow.data.items() if k != "data_objects" or v})
    return plain(data)


def element_states(workflow: BpmnWorkflow) -> tuple[frozenset[str], frozenset[str]]:
    """BPMN ids of the elements that have run, and of those waiting for a person or an event now.

    An embedded subprocess in progress is neither (its own steps on the same diagram say it); a
    call activity in progress is active, because its steps are drawn in another file.
    """
    done: set[str] = set()
    active: set[str] = set()
    for task in all_tasks(workflow):
        bpmn_id = task.task_spec.bpmn_id
        if not bpmn_id:
            continue
        if task.state == TaskState.COMPLETED:
            done.add(bpmn_id)
        elif task.state & (TaskState.READY | TaskState.WAITING) or (
                task.state == TaskState.STARTED and not _embedded_subprocess(task.task_spec)):
            active.add(bpmn_id)
    return frozenset(done), frozenset(active)


def instance_counts(workflow: BpmnWorkflow) -> dict[str, tuple[int, int]]:
    """Per multi-instance activity (BPMN id): how many of its instances are done, of how many started."""
    counts: dict[str, tuple[int, int]] = {}
    for task in all_tasks(workflow):
        spec = task.task_spec
        if not isinstance(spec, MultiInstanceTask) or not spec.bpmn_id:
            continue
        children = [child for child in task.children if child.task_spec.name == spec.task_spec]
        done = sum(1 for child in children if child.state == TaskState.COMPLETED)
        before = counts.get(spec.bpmn_id, (0, 0))
        counts[spec.bpmn_id] = (before[0] + done, before[1] + len(children))
    return counts


def _embedded_subprocess(spec: Any) -> bool:
    """True for an embedded subprocess, or a multi-instance over one, as opposed to a call activity."""
    if isinstance(spec, MultiInstanceTask):
        spec = spec._wf_spec.task_specs.get(spec.task_spec)
    return isinstance(spec, SubWorkflowTask) and not isinstance(spec, CallActivity)


@dataclass(frozen=True)
class StepDone:
    """A task that completed (or, with `opened`, became READY) during one action, as plain values."""

    task_id: str
    name: str
    title: str
    properties: dict[str, str]
    data: dict[str, Any]
    item_key: str | None
    item_label: str | None
    opened: bool = False

    def listed(self, prop: str) -> list[str]:
        """The comma-separated values of one property (e.g. the `documents` kinds)."""
        return [v.strip() for v in self.properties.get(prop, "").split(",") if v.strip()]


def steps_opened(workflow: BpmnWorkflow, rows: list[Task]) -> list[StepDone]:
    """The newly projected human tasks as opened steps (e.g. a visit whose surat tugas is due now)."""
    opened = []
    for row in rows:
        task = find_task(workflow, row.id)
        if task is not None:
            opened.append(StepDone(row.id, row.name, row.title, properties(task), dict(task.data), row.item_key,
                                   row.item_label, opened=True))
    return opened


# The keys that name a multi-instance item in a scenario's `item` (engine.workflow.rehearsal matches them).
ITEM_KEYS = ("library", "id", "key")


def item_marker(task: SpiffTask) -> dict[str, Any] | None:
    """The one key/value naming the multi-instance item a task works on (`{"library": 2}`), if it has one."""
    value = item_value(task)
    if not isinstance(value, dict):
        return None
    key = next((k for k in ITEM_KEYS if value.get(k) is not None), None)
    return None if key is None else {key: value[key]}


@dataclass(frozen=True)
class TimerFired:
    """A date or duration timer event that fell due during one action: its task id, BPMN id and item."""

    task_id: str
    name: str
    item: dict[str, Any] | None


class Moved(NamedTuple):
    """What one action moved: the steps with extension properties it completed, and the timers that fired."""

    done: list[StepDone]
    fired: list[TimerFired]


def moved(workflow: BpmnWorkflow, since: float) -> Moved:
    """The steps and the date or duration timer events completed at or after `since` (a time.time() value).

    One walk over the tasks serves both, as it runs on every action.
    """
    done: list[StepDone] = []
    fired: list[TimerFired] = []
    for task in all_tasks(workflow):
        if task.state != TaskState.COMPLETED or task.last_state_change < since:
            continue
        spec = task.task_spec
        if isinstance(getattr(spec, "event_definition", None), TimeDateEventDefinition | DurationTimerEventDefinition):
            fired.append(TimerFired(str(task.id), str(spec.bpmn_id or spec.name), item_marker(task)))
        props = properties(task)
        if props:
            key, label = item_of(task)
            done.append(StepDone(str(task.id), spec.bpmn_id or spec.name, spec.bpmn_name or spec.name, props,
                                 dict(task.data), key, label))
    return Moved(sorted(done, key=lambda step: step.name), sorted(fired, key=lambda t: (t.name, str(t.item))))
