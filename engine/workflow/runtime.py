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
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine import calendar
from engine.calendar import WIB as WIB  # where many modules import the office time zone from
from engine.db import utcnow
from engine.errors import EngineFailure, NotFound
from engine.models import Definition, Instance, InstanceStatus, Task
from engine.workflow import scripts, storage
from engine.workflow.projection import add_search, plan_projection
from engine.workflow.projection import item_of as item_of  # the names callers import from here
from engine.workflow.projection import project as project
from engine.workflow.projection import properties as properties
from engine.workflow.walk import all_tasks
from engine.workflow.walk import find_task as find_task

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
            add_search(instance, changes["title"], changes)
            return


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


