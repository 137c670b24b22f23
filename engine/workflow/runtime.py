"""Load an instance's workflow, advance it safely, and save state plus projections in one go.

Everything here runs inside the caller's transaction. Engine rules 2, 4, 5 and 7 of the design
live here: state without spec, our own READY checks, a cap on engine steps, the "completed while
tasks are unfinished" check, and the next timer due time stored after every save.
"""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from engine import calendar
from engine.calendar import WIB, OfficeCalendar
from engine.db import execute, utcnow
from engine.errors import EngineFailure, NotFound
from engine.models import Definition, Instance, InstanceStatus, Task, TaskStatus
from engine.workflow import scripts, storage, teams

log = logging.getLogger(__name__)

# Task states that are real work not yet done (predicted MAYBE/LIKELY branches are not).
UNFINISHED = TaskState.FUTURE | TaskState.WAITING | TaskState.READY | TaskState.STARTED | TaskState.ERROR
TITLE_KEYS = ("title", "judul", "periode", "reference")
TIMER_EVENT_TYPES = frozenset(cls.__name__ for cls in (
    TimeDateEventDefinition, DurationTimerEventDefinition, CycleTimerEventDefinition))
# A due date given as a plain date means the end of that service day (by default; the office hours decide).
END_OF_SERVICE_DAY = calendar.CLOSES


@dataclass(frozen=True)
class Limits:
    """Bounds on what one user action may make the engine do."""

    max_engine_steps: int = 500
    script_time_limit: float = 2.0


DEFAULT_LIMITS = Limits()


@dataclass
class Loaded:
    """An instance row with its definition and its restored workflow."""

    instance: Instance
    definition: Definition
    workflow: BpmnWorkflow


def get_definition(session: Session, definition_id: int) -> Definition:
    """A definition by id (the session keeps what it loaded: one read per action)."""
    definition = session.get(Definition, definition_id)
    if definition is None:
        raise NotFound("definition_not_found", key=definition_id)
    return definition


def load(session: Session, instance: Instance, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """The workflow of an instance for an action (see `engine.workflow.storage.load`)."""
    definition = get_definition(session, instance.definition_id)
    workflow = storage.load(session, instance, definition, limits.script_time_limit)
    scripts.bind(workflow.script_engine, session)
    return Loaded(instance, definition, workflow)


@contextmanager
def reading(session: Session, instance: Instance) -> Iterator[BpmnWorkflow]:
    """The workflow of an instance to read from; a cached one goes back to the cache afterwards."""
    loaded = load(session, instance)
    try:
        yield loaded.workflow
    finally:
        storage.put_back(session, instance, loaded.definition, loaded.workflow)


def restore(session: Session, instance: Instance, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Restore the workflow of an instance from its stored state around its definition's cached spec."""
    definition = get_definition(session, instance.definition_id)
    workflow = storage.restore(session, instance, definition, limits.script_time_limit)
    scripts.bind(workflow.script_engine, session)
    return Loaded(instance, definition, workflow)


def all_tasks(workflow: BpmnWorkflow) -> Iterator[SpiffTask]:
    """Every task of the workflow and its subprocesses, without the depth-limited iterator."""
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def find_task(workflow: BpmnWorkflow, task_id: str) -> SpiffTask | None:
    """A task by its id string anywhere in the workflow."""
    try:
        key = UUID(task_id)
    except (TypeError, ValueError):
        return None
    found = workflow.tasks.get(key)
    if found is None:
        found = next((sub.tasks[key] for sub in workflow.subprocesses.values() if key in sub.tasks), None)
    return found


def advance(workflow: BpmnWorkflow, limits: Limits, since: float | None = None) -> None:
    """Run engine tasks until people must act; raise EngineFailure on any engine trouble.

    `since` is when the action began (the time of the call if not given): multi-instance
    activities expanded from then on are held to the agency's bounds.
    """
    since = clock.time() if since is None else since
    steps = 0

    def count(_task: SpiffTask) -> None:
        nonlocal steps
        steps += 1
        if steps > limits.max_engine_steps:
            raise EngineFailure(f"batas {limits.max_engine_steps} langkah mesin per aksi terlampaui")

    try:
        # do_engine_steps refreshes timers only after its last pass, so a timer that fires there
        # leaves its event READY but unrun: keep going while passes make progress.
        workflow.refresh_timers()
        idle_passes = 0
        while True:
            before = steps
            workflow.do_engine_steps(did_complete_task=count)
            started: list[SpiffTask] = []
            stalled = _stalled(workflow, started)
            if stalled is None:
                break
            idle_passes = idle_passes + 1 if steps == before else 0
            if idle_passes >= 2:
                raise EngineFailure(f"mesin berhenti dengan langkah otomatis belum dijalankan: "
                                    f"{stalled.task_spec.name}")
        # Events nothing in the instance caught (the notice a terminate end event sends up, an escalation
        # no one waits for) would go to other processes; Senapas delivers none, and kept they would
        # only grow the stored state with every visit.
        workflow.get_events()
    except EngineFailure:
        raise
    except Exception as exc:  # the engine's own errors and script errors alike become incidents
        raise EngineFailure(_describe(exc), _task_name(exc)) from exc
    found = scripts.expansion_problem(started, since, workflow.script_engine.bounds)
    if found is not None:
        raise EngineFailure(*found)
    check_completed(workflow)


def _stalled(workflow: BpmnWorkflow, started: list[SpiffTask]) -> SpiffTask | None:
    """The first READY task the engine should have run, if any; the STARTED tasks seen go into `started`.

    One walk serves both the stall check and, once nothing is stalled, the multi-instance bounds.
    """
    for task in all_tasks(workflow):
        if task.state == TaskState.READY and not task.task_spec.manual:
            return task
        if task.state == TaskState.STARTED:
            started.append(task)
    return None


def _task_name(exc: BaseException) -> str | None:
    task = getattr(exc, "task", None)
    return task.task_spec.name if task is not None else None


def run_task(workflow: BpmnWorkflow, task: SpiffTask, data: dict[str, Any], limits: Limits) -> None:
    """Put the submitted data on a READY manual task, run it and advance the workflow."""
    since = clock.time()
    task.data.update(data)
    try:
        task.run()
    except Exception as exc:
        raise EngineFailure(_describe(exc), task.task_spec.name) from exc
    advance(workflow, limits, since)


def check_completed(workflow: BpmnWorkflow) -> None:
    """Refuse a completion the library reports wrongly (its iterator stops at depth 1000)."""
    if workflow.is_completed():
        left = [t for t in all_tasks(workflow) if t.state & UNFINISHED]
        if left:
            raise EngineFailure(f"alur dilaporkan selesai padahal {len(left)} langkah belum selesai "
                                f"(mis. {left[0].task_spec.name})")


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    inner = getattr(exc, "error", None) or exc.__cause__
    if inner is not None and str(inner) not in text:
        text = f"{text}: {inner}"
    return f"{type(exc).__name__}: {text}"[:2000]


def save(session: Session, loaded: Loaded, *, submitted: dict[str, Any] | None = None,
         completed_by: tuple[str, str] | None = None) -> list[Task]:
    """Write the workflow's state, status, next timer and task projection; return new open tasks.

    `completed_by` is (task id, username) of the person whose completion this save records.
    """
    instance, workflow = loaded.instance, loaded.workflow
    now = utcnow()
    changes: dict[str, Any] = {"updated_at": now, "next_due_at": next_due(workflow)}
    projection = plan_projection(session, loaded, now, completed_by, changes)
    if submitted:
        _update_title(instance, submitted, changes)
    if workflow.is_completed() and instance.status == InstanceStatus.RUNNING:
        changes.update(status=InstanceStatus.COMPLETED, ended_at=now, next_due_at=None)
    # The instance row first: its version check stops a lost race before any task row is written.
    storage.save(session, instance, loaded.definition, workflow, changes)
    projection.write(session)
    return projection.created


def _update_title(instance: Instance, data: dict[str, Any], changes: dict[str, Any]) -> None:
    for key in TITLE_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            changes["title"] = value.strip()[:300]
            _add_search(instance, changes["title"], changes)
            return


def _add_search(instance: Instance, text: str, changes: dict[str, Any]) -> None:
    """Add `text` to the instance's search text (in `changes`) unless it is there already."""
    current = changes.get("search_text", instance.search_text) or ""
    if text and text.lower() not in current:
        changes["search_text"] = (current + " " + text.lower()).strip()


def next_due(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest due time among the workflow's waiting timers."""
    due: list[datetime] = []
    for event in workflow.waiting_events():
        if event.event_type not in TIMER_EVENT_TYPES or not isinstance(event.value, str):
            continue
        try:
            due.append(TimerEventDefinition.get_datetime(str(event.value)))
        except (ValueError, TypeError):
            log.warning("unreadable timer value %r", event.value)
    return min(due) if due else None


_TASKS = cast(Table, Task.__table__)
_INSERT_TASKS = insert(_TASKS)
_CLOSE_TASK = update(_TASKS).where(_TASKS.c.id == bindparam("task_id"))
_OPEN_TASK_IDS = select(_TASKS.c.id).where(_TASKS.c.instance_id == bindparam("instance_id"),
                                           _TASKS.c.status == bindparam("status"))


@dataclass
class Projection:
    """The task rows one save closes and opens, written with prepared statements, not the unit of work."""

    closing: list[dict[str, Any]]
    created: list[Task]
    members: list[dict[str, Any]]

    def write(self, session: Session) -> None:
        """One UPDATE per closed row (usually the one just completed), one INSERT for the new rows."""
        for values in self.closing:
            execute(session, _CLOSE_TASK, values)
            held = session.identity_map.get(identity_key(Task, values["task_id"]))
            if held is not None:  # a row this action already read stays in step
                for name, value in values.items():
                    if name != "task_id":
                        set_committed_value(held, name, value)
        if self.created:
            execute(session, _INSERT_TASKS, [_columns(row) for row in self.created])
            teams.write(session, self.members)


def plan_projection(session: Session, loaded: Loaded, now: datetime, completed_by: tuple[str, str] | None,
                    changes: dict[str, Any]) -> Projection:
    """The changes that make the open task rows match the workflow's READY manual tasks.

    The instance's new open-task count and search text go into `changes`; `Projection.write`
    writes the rows.
    """
    instance, workflow = loaded.instance, loaded.workflow
    ready = {str(t.id): t for t in all_tasks(workflow) if t.state == TaskState.READY and t.task_spec.manual}
    known = set(execute(session, _OPEN_TASK_IDS, {"instance_id": instance.id, "status": TaskStatus.OPEN}).scalars())
    closing = []
    for task_id in sorted(known - ready.keys()):
        spiff_task = find_task(workflow, task_id)
        finished = spiff_task is not None and spiff_task.state == TaskState.COMPLETED
        values: dict[str, Any] = {"task_id": task_id, "completed_at": now,
                                  "status": TaskStatus.COMPLETED if finished else TaskStatus.CANCELLED}
        if finished and completed_by and completed_by[0] == task_id:
            values["completed_by"] = values["assignee"] = completed_by[1]
        closing.append(values)
    new = [task for task_id, task in ready.items() if task_id not in known]
    office = calendar.of_settings(session) if new else None
    created = [project(instance, task, now, office) for task in new]
    # A task whose BPMN names its lead and team (a visit) opens held by the lead, seen by the team.
    members = teams.assign_new(session, [(row, *teams.named(task, properties(task)))
                                         for row, task in zip(created, new, strict=True)])
    for row in created:
        if row.item_label:
            _add_search(instance, row.item_label, changes)
    changes["open_tasks"] = len(ready)
    return Projection(closing, created, members)


def _columns(row: Task) -> dict[str, Any]:
    """The INSERT values of a new projection row (no draft yet: left SQL NULL, not JSON null)."""
    return {column.key: getattr(row, column.key) for column in _TASKS.columns if column.key != "draft"}


def project(instance: Instance, task: SpiffTask, now: datetime, office: OfficeCalendar | None = None) -> Task:
    """The task-table row for one READY manual task (not added to any session); due dates follow `office`."""
    spec = task.task_spec
    props = properties(task)
    item = _item_value(task)
    item_key, item_label = _item_key_label(item)
    return Task(
        id=str(task.id), instance_id=instance.id, definition_key=instance.definition_key,
        name=spec.bpmn_id or spec.name, title=spec.bpmn_name or spec.bpmn_id or spec.name,
        lane=spec.lane, status=TaskStatus.OPEN, form=props.get("formJsonSchemaFilename"),
        item_key=item_key, item_label=item_label, library_id=_library_id(item), created_at=now,
        due_at=due_at(task, props, now, office or OfficeCalendar()),
    )


def properties(task: SpiffTask) -> dict[str, str]:
    """The `spiffworkflow:properties` of a task's spec."""
    return dict((getattr(task.task_spec, "extensions", None) or {}).get("properties", {}))


def item_of(task: SpiffTask) -> tuple[str | None, str | None]:
    """The business key and label of the multi-instance item (e.g. the library) a task works on."""
    return _item_key_label(_item_value(task))


def _item_value(task: SpiffTask) -> Any:
    """The multi-instance item a task works on (a schedule row naming a library, say), or None."""
    current: SpiffTask | None = task
    while current is not None:
        parent = current.parent
        if parent is not None and isinstance(parent.task_spec, MultiInstanceTask):
            variable = parent.task_spec.input_item
            return task.data.get(variable.bpmn_id) if variable is not None else None
        if parent is None:
            owner = current.workflow
            parent_id = getattr(owner, "parent_task_id", None)
            current = owner.top_workflow.get_task_from_id(parent_id) if parent_id else None
        else:
            current = parent
    return None


def _library_id(item: Any) -> int | None:
    """The registry id an item names under `library` (the SOP's schedule rows), if it names one."""
    value = item.get("library") if isinstance(item, dict) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


def _item_key_label(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        key = next((value[k] for k in ("library", "id", "key") if value.get(k) is not None), None)
        label = next((value[k] for k in ("library_name", "name", "label", "title") if value.get(k)), None)
        return (None if key is None else str(key)[:200],
                None if label is None else str(label)[:300])
    if value is None:
        return None, None
    return str(value)[:200], str(value)[:300]


def due_at(task: SpiffTask, props: dict[str, Any], now: datetime, office: OfficeCalendar) -> datetime | None:
    """The due date from the task's `dueDate` expression or `dueDuration`, if it has one.

    A duration counts working hours of the office calendar (a day is a working day); a plain date
    means the end of that day's office hours.
    """
    try:
        if props.get("dueDate"):
            value = task.workflow.script_engine.evaluate(task, props["dueDate"])
            return _as_datetime(value, office)
        if props.get("dueDuration"):
            duration = TimerEventDefinition.parse_iso_duration(props["dueDuration"])
            hours = office.duration_hours(duration)
            if hours is not None:
                return office.add_working_hours(now, hours).astimezone(now.tzinfo)
            return now + TimerEventDefinition.get_timedelta_from_start(duration, now)
    except Exception as exc:  # a bad due date must not stop the work; it is logged and left empty
        log.warning("due date of %s not computed: %s", task.task_spec.name, exc)
    return None


def _as_datetime(value: Any, office: OfficeCalendar) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=WIB)
    if isinstance(value, date):
        return office.closing_on(value)
    if isinstance(value, timedelta):
        return utcnow() + value
    raise ValueError(f"bukan tanggal: {value!r}")
