"""Who a task is for when its BPMN says so: the `assignee` (lead) and `team` task properties.

Both are Python expressions on the task's data, like `dueDate` (`kunjungan['officer']`,
`[kunjungan['officer']] + kunjungan.get('members', [])`). When a task opens, its lead holds it (it
is in their inbox, not in the shared queue) and every team member, the lead included, sees it and
may work it (`task_members`). A name that is not an active user who may do visits is left out, so a
stale schedule never hands work to a deactivated account; without a usable lead the task goes to
its lane's queue as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, cast

from SpiffWorkflow.task import Task as SpiffTask
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from engine.db import execute
from engine.models import Task, TaskMember, User
from engine.people import roles

log = logging.getLogger(__name__)

ASSIGNEE_PROPERTY = "assignee"
TEAM_PROPERTY = "team"
MAX_TEAM = 20

_MEMBERS = cast(Table, TaskMember.__table__)
_USERS = cast(Table, User.__table__)
_INSERT_MEMBERS = insert(_MEMBERS)
_PEOPLE = select(_USERS.c.username, _USERS.c.roles, _USERS.c.active).where(
    _USERS.c.username.in_(bindparam("names", expanding=True)))
_TEAMS = (select(_MEMBERS.c.task_id, _MEMBERS.c.username, _USERS.c.name)
          .join(_USERS, _USERS.c.username == _MEMBERS.c.username, isouter=True)
          .where(_MEMBERS.c.task_id.in_(bindparam("ids", expanding=True)))
          .order_by(_MEMBERS.c.task_id, _MEMBERS.c.username))
_IS_MEMBER = select(_MEMBERS.c.task_id).where(_MEMBERS.c.task_id == bindparam("task_id"),
                                              _MEMBERS.c.username == bindparam("username"))


def named(task: SpiffTask, props: dict[str, str]) -> tuple[str | None, list[str]]:
    """The lead and the team a task's properties name on its data (the lead first in the team)."""
    if not props.get(ASSIGNEE_PROPERTY) and not props.get(TEAM_PROPERTY):
        return None, []
    lead = _evaluate(task, props.get(ASSIGNEE_PROPERTY))
    team = _evaluate(task, props.get(TEAM_PROPERTY))
    lead_name = lead.strip().lower() if isinstance(lead, str) and lead.strip() else None
    names = [lead_name] if lead_name else []
    for value in team if isinstance(team, list) else [team]:
        if isinstance(value, str) and value.strip() and value.strip().lower() not in names:
            names.append(value.strip().lower())
    return lead_name, names[:MAX_TEAM]


def _evaluate(task: SpiffTask, expression: str | None) -> Any:
    if not expression:
        return None
    try:
        return task.workflow.script_engine.evaluate(task, expression)
    except Exception as exc:  # a bad expression must not stop the work; the task goes to its queue
        log.warning("assignment %r of %s not evaluated: %s", expression, task.task_spec.name, exc)
        return None


def assign_new(session: Session, planned: Iterable[tuple[Task, str | None, list[str]]]) -> list[dict[str, Any]]:
    """Set the lead of each new task row and return the member rows to insert (usable people only)."""
    wanted = [(row, lead, team) for row, lead, team in planned if lead or team]
    if not wanted:
        return []
    names = sorted({name for _, _, team in wanted for name in team})
    usable = {person.username for person in execute(session, _PEOPLE, {"names": names})
              if person.active and roles.may_visit(frozenset(person.roles or []))}
    members: list[dict[str, Any]] = []
    for row, lead, team in wanted:
        if lead in usable:
            row.assignee = lead
            row.claimed_at = row.created_at
        members += [{"task_id": row.id, "username": name} for name in team if name in usable]
    return members


def write(session: Session, members: list[dict[str, Any]]) -> None:
    """Insert the member rows of newly opened tasks."""
    if members:
        execute(session, _INSERT_MEMBERS, members)


def teams_of(session: Session, task_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """(username, full name) of each listed task's team members, by task id; tasks without a team are absent."""
    ids = sorted(set(task_ids))
    found: dict[str, list[tuple[str, str]]] = {}
    if ids:
        for row in execute(session, _TEAMS, {"ids": ids}):
            found.setdefault(row.task_id, []).append((row.username, row.name or row.username))
    return found


def is_member(session: Session, task_id: str, username: str) -> bool:
    """True when the person is on the team of the task."""
    return execute(session, _IS_MEMBER, {"task_id": task_id, "username": username}).first() is not None


def add_member(session: Session, task_id: str, username: str) -> None:
    """Put a person on a task's team (the new lead of a reassigned team task)."""
    if not is_member(session, task_id, username):
        execute(session, _INSERT_MEMBERS, [{"task_id": task_id, "username": username}])

