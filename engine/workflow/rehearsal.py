"""One scenario test run in memory on a definition version's spec: nothing is stored.

Each step completes one READY user task with data held to the task's form (JSON Schema and the
data contract, as a person's submission is), or lets one waiting timer fall due (without moving
any clock), then compares what follows with what the scenario expects. No timer falls due by
itself: the run's specs carry timers that wait until a step fires them (`frozen_clock`), so a
scenario with real dates passes the same tomorrow. Registry references and date rules are not
checked here: they depend on the agency's registry and on today's date, not on the version.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from engine.definitions import contract, forms
from engine.errors import EngineFailure, SenapasError
from engine.libraries import instrument_forms, instruments, registry
from engine.workflow import runtime, spiff
from engine.workflow.runtime import Limits
from engine.workflow.steps import current_data


@dataclass(frozen=True)
class Failure:
    """Where a scenario stopped: its step (0 = start, n + 1 = end state) and why (`code` and params)."""

    test: str
    step: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Trace:
    """What a run saw: the READY user tasks (BPMN ids, sorted) after the start (index 0) and after each step."""

    ready: list[list[str]] = field(default_factory=list)


class _FrozenDate(TimeDateEventDefinition):
    """A date timer whose date is still worked out (and checked), but that falls due only when fired."""

    def has_fired(self, my_task: SpiffTask) -> bool:
        value = my_task._get_internal_data("event_value")
        if value is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=value)
        TimerEventDefinition.parse_time_or_duration(value)
        return bool(my_task._get_internal_data("event_fired", False))


class _FrozenDuration(DurationTimerEventDefinition):
    """A duration timer whose duration is still worked out (and checked), but that falls due only when fired."""

    def has_fired(self, my_task: SpiffTask) -> bool:
        if my_task._get_internal_data("event_value") is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            TimerEventDefinition.parse_iso_duration(expression)
            my_task._set_internal_data(event_value=str(expression))
        return bool(my_task._get_internal_data("event_fired", False))


_FROZEN: dict[type, type] = {TimeDateEventDefinition: _FrozenDate, DurationTimerEventDefinition: _FrozenDuration}


def frozen_clock(specs: tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]],
                 ) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Make the date and duration timers of freshly restored specs wait for a step (never shared, cached specs)."""
    for spec in (specs[0], *specs[1].values()):
        for task_spec in spec.task_specs.values():
            event = getattr(task_spec, "event_definition", None)
            inner = event.event_definitions if isinstance(event, MultipleEventDefinition) else [event]
            for definition in inner:
                frozen = _FROZEN.get(type(definition))
                if frozen is not None:
                    definition.__class__ = frozen
    return specs


class _Stop(Exception):
    def __init__(self, step: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.step, self.code, self.params = step, code, params


def run(scenario: dict[str, Any], specs: tuple[Any, dict[str, Any]], form_schemas: dict[str, Any],
        start_form: str | None, limits: Limits, trace: Trace | None = None) -> Failure | None:
    """Play one scenario (already shape-checked by `engine.definitions.scenarios`); None when it passes.

    `specs` should come through `frozen_clock`; `trace`, when given, records what each step left READY.
    """
    try:
        _play(scenario, specs, form_schemas, start_form, limits, trace if trace is not None else Trace())
    except _Stop as stop:
        return Failure(str(scenario["name"]), stop.step, stop.code, stop.params)
    return None


def _play(scenario: dict[str, Any], specs: tuple[Any, dict[str, Any]], form_schemas: dict[str, Any],
          start_form: str | None, limits: Limits, trace: Trace) -> None:
    workflow = spiff.new_workflow(specs[0], specs[1], limits.script_time_limit)
    start = dict(scenario.get("start") or {})
    _admit(0, "start", form_schemas.get(start_form or ""), start, {})
    workflow.task_tree.data.update(copy.deepcopy(start))
    for child in workflow.task_tree.children:
        child.data.update(copy.deepcopy(start))
    _engine(0, lambda: runtime.advance(workflow, limits))
    trace.ready.append(_ready_names(workflow))
    steps = scenario.get("steps") or []
    for number, step in enumerate(steps, 1):
        if "timer" in step:
            _fire(workflow, number, step["timer"], step.get("item"))
            _engine(number, lambda: runtime.advance(workflow, limits))
            props: dict[str, str] = {}
        else:
            task = _ready_one(workflow, number, step["task"], step.get("item"))
            props = (getattr(task.task_spec, "extensions", None) or {}).get("properties", {})
            schema = _form_for(form_schemas.get(props.get("formJsonSchemaFilename") or ""), task.data)
            data = registry.copy_facts(schema, _admit(number, step["task"], schema, dict(step.get("data") or {}),
                                                      task.data), scenario.get("registry") or {})
            _engine(number, lambda task=task, data=data: runtime.run_task(workflow, task, data, limits))
        if "documents" in step:
            made = [k.strip() for k in props.get("documents", "").split(",") if k.strip()]
            if sorted(made) != sorted(step["documents"]):
                raise _Stop(number, "scenario_documents_differ", task=_named(step), expected=step["documents"],
                            actual=made)
        ready = _ready_names(workflow)
        trace.ready.append(ready)
        if "next" in step and ready != sorted(step["next"]):
            raise _Stop(number, "scenario_next_differ", task=_named(step), expected=sorted(step["next"]),
                        actual=ready)
    _check_end(scenario.get("end") or {}, workflow, len(steps) + 1)


def _form_for(schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any] | None:
    """The form as the engine shows it for this task: with the instrument chosen for its library."""
    if schema is None or not instrument_forms.variants(schema):
        return schema
    return instrument_forms.variant(schema, str(data.get(instruments.CHOICE_VARIABLE)))


def _check_end(end: dict[str, Any], workflow: BpmnWorkflow, number: int) -> None:
    status = "completed" if workflow.is_completed() else "running"
    if "status" in end and end["status"] != status:
        raise _Stop(number, "scenario_status_differs", expected=end["status"], actual=status,
                    ready=_ready_names(workflow))
    data = current_data(workflow)
    for path, expected in sorted((end.get("data") or {}).items()):
        actual = _at(data, path)
        if actual != expected:
            raise _Stop(number, "scenario_data_differs", path=path, expected=expected, actual=actual)


def _admit(number: int, task: str, schema: dict[str, Any] | None, data: dict[str, Any],
           current: Any) -> dict[str, Any]:
    """The data as the engine would admit it from a person, or the step fails with the form's findings."""
    try:
        forms.check_shape(data)
        forms.validate(schema, data)
        return contract.admit(schema, data, current)
    except SenapasError as exc:
        found = [f"{d.get('path') or '-'}: {d.get('code')}" for d in exc.details] or [exc.case]
        raise _Stop(number, "scenario_data_refused", task=task, problems=found) from exc


def _engine(number: int, work: Any) -> None:
    try:
        work()
    except EngineFailure as exc:
        raise _Stop(number, "scenario_engine_failed", task=exc.task_name or "-", detail=exc.message) from exc


def _ready(workflow: BpmnWorkflow) -> list[SpiffTask]:
    return [t for t in runtime.all_tasks(workflow) if t.state == TaskState.READY and t.task_spec.manual]


def _ready_names(workflow: BpmnWorkflow) -> list[str]:
    return sorted(str(t.task_spec.bpmn_id or t.task_spec.name) for t in _ready(workflow))


def _ready_one(workflow: BpmnWorkflow, number: int, name: str, item: dict[str, Any] | None) -> SpiffTask:
    """The one READY user task `name`, of the track whose work item matches `item` when given."""
    matches = [t for t in _ready(workflow) if (t.task_spec.bpmn_id or t.task_spec.name) == name
               and (item is None or _concerns(t, item))]
    if len(matches) != 1:
        raise _Stop(number, "scenario_task_not_ready", task=name, item=item or {}, ready=_ready_names(workflow),
                    found=len(matches))
    return matches[0]


def _fire(workflow: BpmnWorkflow, number: int, name: str, item: dict[str, Any] | None) -> None:
    """Let the one waiting timer event `name` (of `item`'s track) fall due now; a cycle timer cannot."""
    matches = [t for t in runtime.all_tasks(workflow) if t.state == TaskState.WAITING
               and (t.task_spec.bpmn_id or t.task_spec.name) == name and (item is None or _concerns(t, item))]
    event = getattr(matches[0].task_spec, "event_definition", None) if len(matches) == 1 else None
    if not isinstance(event, TimeDateEventDefinition | DurationTimerEventDefinition):
        raise _Stop(number, "scenario_timer_not_waiting", timer=name, item=item or {}, found=len(matches))
    matches[0]._set_internal_data(event_fired=True)


def _named(step: dict[str, Any]) -> str:
    return str(step.get("task") or step.get("timer"))


def _concerns(task: SpiffTask, item: dict[str, Any]) -> bool:
    """Whether one of the task's data values is a record holding every key/value of `item`."""
    return any(isinstance(value, dict) and all(value.get(k) == v for k, v in item.items())
               for value in task.data.values())


def _at(data: Any, path: str) -> Any:
    """The value at a dotted path (`konfirmasi.status`, `hasil_monev.0.library`), or None."""
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data
