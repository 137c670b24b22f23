"""The events that tell people something, called in the transaction of the action that causes them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Instance, Task, TaskStatus
from engine.notify.notices import Kind, notify
from engine.people.users import SYSTEM, Actor


def task_params(task: Task, instance: Instance | None = None, **extra: object) -> dict[str, object]:
    """What a notice about a task shows: its title, library, instance title and due time."""
    params: dict[str, object] = {"task": task.title, "item": task.item_label or "",
                                 "due_at": task.due_at.isoformat() if task.due_at else None, **extra}
    if instance is not None:
        params["instance"] = instance.title
    return params


def assigned(session: Session, task: Task, actor: Actor) -> None:
    """Tell the new holder of a task it is theirs (not when they took it themselves)."""
    if task.assignee and task.assignee != actor.username:
        instance = session.get(Instance, task.instance_id)
        notify(session, [task.assignee], Kind.ASSIGNED, instance_id=task.instance_id, task_id=task.id,
               params=task_params(task, instance, by=actor.username))


def opened(session: Session, instance: Instance, tasks: Iterable[Task], actor: Actor) -> None:
    """Tell the holders of tasks the engine opened already assigned to them."""
    for task in tasks:
        if task.assignee and task.assignee != actor.username:
            notify(session, [task.assignee], Kind.ASSIGNED, instance_id=instance.id, task_id=task.id,
                   params=task_params(task, instance, by=actor.username))


def holders(session: Session, instance_id: int) -> list[str]:
    """Who holds the open tasks of an instance (read before a cancel withdraws them)."""
    return [name for name in session.scalars(
        select(Task.assignee).where(Task.instance_id == instance_id, Task.status == TaskStatus.OPEN,
                                    Task.assignee.is_not(None)).distinct()) if name]


def stopped(session: Session, instance: Instance, kind: Kind, actor: Actor, reason: str,
            held_by: list[str]) -> None:
    """Tell who holds the open tasks of an instance and who started it that it was suspended or cancelled."""
    people = {*held_by, instance.started_by} - {actor.username, SYSTEM}
    notify(session, people, kind, instance_id=instance.id,
           params={"instance": instance.title, "reason": reason, "by": actor.username})
