"""Deadlines the worker watches: tasks due soon and tasks overdue, each told once per task and person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.orm import Session, aliased

from engine import calendar
from engine.calendar import OfficeCalendar
from engine.config import Context
from engine.db import run_in_transaction, utcnow
from engine.models import Instance, InstanceStatus, Task, TaskStatus, User
from engine.notify import notices
from engine.notify.notices import Kind, Notification
from engine.notify.triggers import task_params
from engine.people import roles

DUE_SOON_HOURS = 2
# Who is told about every overdue task besides its holder: the people who lead the work (the
# process owner, `admin`, is a supervisor for the engine's rules but does not run the office).
OVERSEERS = frozenset({"kabid", "subkoor"})


def due_soon_until(now: datetime, office: OfficeCalendar) -> datetime:
    """The end of the "due soon" window that starts now: 2 working hours of the office calendar."""
    return office.add_working_hours(now, DUE_SOON_HOURS)


def _untold(kind: Kind, limit: int, *conditions: ColumnElement[bool]) -> Select[Task, Instance]:
    """Open tasks of running instances meeting `conditions` that nobody was told `kind` about yet."""
    told = aliased(Notification)
    query = (select(Task, Instance).join(Instance, Instance.id == Task.instance_id)
             .where(Task.status == TaskStatus.OPEN, Instance.status == InstanceStatus.RUNNING, *conditions,
                    ~exists().where(and_(told.task_id == Task.id, told.kind == kind.value)))
             .order_by(Task.due_at, Task.id).limit(limit))
    return query


def tell_due(session: Session, now: datetime | None = None, *, limit: int = 500) -> int:
    """Tell about open tasks due soon (their holder, else who may take them) and overdue (holder and
    overseers), each kind once per task and person; return how many notices were added."""
    now = now or utcnow()
    people = notices.active_people(session)
    roles_of = {name: frozenset(user_roles or ()) for name, user_roles in
                session.execute(select(User.username, User.roles).where(User.active.is_(True)))}
    overseers = [name for name, user_roles in roles_of.items() if user_roles & OVERSEERS]
    overdue = session.execute(_untold(Kind.OVERDUE, limit, Task.due_at <= now)).all()
    added = notices.notify_all(session, Kind.OVERDUE, [
        notices.Event([task.assignee, *overseers], instance.id, task.id, task_params(task, instance))
        for task, instance in overdue], people, once=True)
    soon = session.execute(_untold(Kind.DUE_SOON, limit, Task.due_at > now,
                                   Task.due_at <= due_soon_until(now, calendar.of_settings(session)))).all()
    added += notices.notify_all(session, Kind.DUE_SOON, [
        notices.Event([task.assignee] if task.assignee else
                      [name for name, user_roles in roles_of.items() if roles.may_work_lane(user_roles, task.lane)],
                      instance.id, task.id, task_params(task, instance))
        for task, instance in soon], people, once=True)
    return added


def run_due(context: Context) -> int:
    """The worker's round: tell about due and overdue tasks in one transaction; how many notices."""
    return run_in_transaction(context.factory, tell_due)
