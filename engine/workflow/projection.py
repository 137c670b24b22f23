"""The task projection: the task-table rows that mirror a workflow's READY manual tasks.

Each save closes the rows of tasks no longer READY and opens one row per new READY manual task, with
its form, the multi-instance item (library) it works on and its due time from the office calendar.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from engine import calendar
from engine.calendar import WIB, OfficeCalendar
from engine.db import execute, utcnow
from engine.models import Instance, Task, TaskStatus
from engine.workflow import teams
from engine.workflow.walk import all_tasks, find_task

if TYPE_CHECKING:
    from engine.workflow.runtime import Loaded

log = logging.getLogger(__name__)


def add_search(instance: Instance, text: str, changes: dict[str, Any]) -> None:
    """Add `text` to the instance's search text (in `changes`) unless it is there already."""
    current = changes.get("search_text", instance.search_text) or ""
    if text and text.lower() not in current:
        changes["search_text"] = (current + " " + text.lower()).strip()


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
            add_search(instance, row.item_label, changes)
    changes["open_tasks"] = len(ready)
    return Projection(closing, created, members)


def _columns(row: Task) -> dict[str, Any]:
    """The INSERT values of a new projection row (no draft yet: left SQL NULL, not JSON null)."""
    return {column.key: getattr(row, column.key) for column in _TASKS.columns if column.key != "draft"}


def project(instance: Instance, task: SpiffTask, now: datetime, office: OfficeCalendar | None = None) -> Task:
    """The task-table row for one READY manual task (not added to any session); due dates follow `office`."""
    spec = task.task_spec
    props = properties(task)
    item = item_value(task)
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
    return _item_key_label(item_value(task))


def item_value(task: SpiffTask) -> Any:
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
