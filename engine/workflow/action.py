"""The one runner of engine actions: run the workflow, then save, audit and listeners, or an incident.

Every action that moves a workflow (start, complete, retry, a timer) goes through `act`, inside
the caller's transaction, in this order: take the time mark, run, and then either mark an
incident (nothing of the run is saved) or save the state and task projection, record the audit
event, and hand the steps this action moved to the listeners (library results, then documents).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from SpiffWorkflow.task import Task as SpiffTask
from sqlalchemy.orm import Session

from engine import audit
from engine.db import utcnow
from engine.errors import EngineFailure
from engine.models import Instance, InstanceStatus, Task
from engine.people.users import Actor
from engine.status import transition
from engine.workflow import events, runtime, steps
from engine.workflow.runtime import Limits, Loaded


@dataclass(frozen=True)
class Completing:
    """A READY manual task this action completes: its row id and name, who completes it, with what data."""

    task: SpiffTask
    task_id: str
    task_name: str | None
    username: str
    data: dict[str, Any]

    def replay(self) -> dict[str, Any]:
        """What an incident keeps so that a retry can run this completion again."""
        return {"action": "complete", "task_id": self.task_id, "task_name": self.task_name,
                "actor": self.username, "data": self.data}


class Outcome(NamedTuple):
    """What an action led to: the task rows it opened, or the message of the incident that stopped it."""

    opened: list[Task]
    incident: str | None = None


STEPS = {"action": "steps"}  # the replay of an action that only ran engine steps


def act(session: Session, loaded: Loaded, actor: Actor, limits: Limits, *,
        completing: Completing | None = None, submitted: dict[str, Any] | None = None,
        event: str | None = None, trigger: Callable[[], None] | None = None,
        audited: dict[str, Any] | None = None) -> Outcome:
    """Run one action on a loaded instance: complete `completing`, or else run the engine steps due.

    `trigger` runs first, inside the same guard (a supervisor's message delivered to one track);
    `audited` adds `reason`, `data`, `task_id` and `task_name` to the `event`'s audit entry.
    On success the state is saved (with `submitted`, or the completion's data, for the title),
    the completion (or `event`, by `actor`) is audited, each timer event that fell due during the
    run is audited as `timer_fired` (so the path can be rebuilt from the trail), and the listeners
    see the steps completed since the action started and the tasks it opened, as `actor`. An
    instance in error that runs again is running once more. An EngineFailure instead puts the
    instance in error with one incident audit event, and nothing of the run is saved.
    """
    instance, workflow = loaded.instance, loaded.workflow
    started = time.time()  # steps.moved keeps the steps that completed from here on
    try:
        if trigger is not None:
            try:
                trigger()
            except Exception as exc:  # the library's own errors on delivering an event are incidents too
                raise EngineFailure(f"{type(exc).__name__}: {exc}"[:2000]) from exc
        if completing is None:
            runtime.advance(workflow, limits)
        else:
            runtime.run_task(workflow, completing.task, completing.data, limits)
    except EngineFailure as failure:
        mark_incident(session, instance, failure, completing.replay() if completing else STEPS)
        return Outcome([], failure.message)
    if instance.status == InstanceStatus.ERROR:
        transition(instance, InstanceStatus.RUNNING)
        instance.incident = None
    if completing is None:
        opened = runtime.save(session, loaded, submitted=submitted)
    else:
        opened = runtime.save(session, loaded, submitted=completing.data,
                              completed_by=(completing.task_id, completing.username))
        audit.record(session, completing.username, "complete", instance_id=instance.id,
                     task_id=completing.task_id, task_name=completing.task_name, data=completing.data)
    if event is not None:
        audit.record(session, actor.username, event, instance_id=instance.id, **(audited or {}))
    moved = steps.moved(workflow, started)
    for fired in moved.fired:
        audit.record(session, "sistem", "timer_fired", instance_id=instance.id, task_id=fired.task_id,
                     task_name=fired.name, data={"item": fired.item} if fired.item else None)
    events.after_action(session, loaded, actor, moved.done, opened)
    return Outcome(opened)


def mark_incident(session: Session, instance: Instance, failure: EngineFailure,
                  replay: dict[str, Any]) -> None:
    """Stop an instance on an engine error, keeping the message and what to replay on retry."""
    transition(instance, InstanceStatus.ERROR)
    instance.incident = {"message": failure.message, "task": failure.task_name, "at": utcnow().isoformat(),
                         **replay}
    instance.updated_at = utcnow()
    audit.record(session, "sistem", "incident", instance_id=instance.id, task_name=failure.task_name,
                 reason=failure.message)
