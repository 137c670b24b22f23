"""The task lists: inbox, queue, archive and (for supervisors) every open task, searched, filtered and sorted.

Each row carries its instance's title and its library's name and kecamatan, so that a list says
which cycle and which library a task belongs to without another query per row.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Table, bindparam, func, or_, select
from sqlalchemy.orm import Session

from engine.db import utcnow
from engine.errors import BadRequest, Forbidden
from engine.libraries.fields import canonical_kecamatan
from engine.libraries.registry import Library
from engine.models import Instance, Task, TaskMember, TaskStatus
from engine.paging import Listing, Page, clamp, like_pattern, paginate
from engine.people import roles
from engine.people import scope as people_scope
from engine.people.users import Actor
from engine.workflow.runtime import WIB


class TaskRow(NamedTuple):
    """A task as the lists show it: every column but the draft, with its instance's title and its library.

    The busiest pages and API calls list tasks; a plain tuple costs a fraction of an ORM object
    (or of a SQLAlchemy row, whose attributes are looked up by name).
    """

    id: str
    instance_id: int
    definition_key: str
    name: str
    title: str
    lane: str | None
    status: str
    assignee: str | None
    form: str | None
    item_key: str | None
    item_label: str | None
    library_id: int | None
    draft_by: str | None
    draft_at: datetime | None
    created_at: datetime
    due_at: datetime | None
    claimed_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    instance_title: str
    library_name: str | None
    kecamatan: str | None


SORTS = ("due_at", "-due_at", "created_at", "-created_at")
DUE_CHOICES = ("today", "week", "none")
SCOPES = ("inbox", "queue", "archive", "all")


@dataclass(frozen=True)
class Filters:
    """What a list is narrowed to and how it is ordered; build it with `filters` from request arguments."""

    q: str | None = None
    instance_id: int | None = None
    library_id: int | None = None
    kecamatan: str | None = None
    overdue: bool = False
    due: str | None = None
    sort: str | None = None

    @property
    def active(self) -> bool:
        """True when anything narrows the list (the order alone does not)."""
        return bool(self.q or self.instance_id or self.library_id or self.kecamatan or self.overdue or self.due)


def filters(args: Mapping[str, Any]) -> Filters:
    """Filters from query arguments (q, instance_id, library_id, kecamatan, overdue, due, sort), checked."""
    def text(name: str) -> str:
        value = args.get(name)
        return value.strip() if isinstance(value, str) else ""

    kecamatan = None
    if text("kecamatan"):
        kecamatan = canonical_kecamatan(text("kecamatan"))
        if kecamatan is None:
            raise BadRequest("unknown_kecamatan", value=text("kecamatan")[:50])
    overdue = text("overdue").lower()
    if overdue not in ("", "true", "false", "1", "0"):
        raise BadRequest("filter_not_boolean", field="overdue")
    due, sort = text("due") or None, text("sort") or None
    if due is not None and due not in DUE_CHOICES:
        raise BadRequest("unknown_due_filter", choices=list(DUE_CHOICES))
    if sort is not None and sort not in SORTS:
        raise BadRequest("unknown_sort", choices=list(SORTS))
    like_pattern(text("q"))  # refuses a search too long or with control characters
    return Filters(q=text("q") or None, instance_id=_positive(text("instance_id"), "instance_id"),
                   library_id=_positive(text("library_id"), "library_id"), kecamatan=kecamatan,
                   overdue=overdue in ("true", "1"), due=due, sort=sort)


ID_MAX = 2**31 - 1  # ids are PostgreSQL `integer`s


def _positive(value: str, name: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 12 or not 1 <= int(value) <= ID_MAX:
        raise BadRequest("filter_not_integer", field=name)
    return int(value)


def inbox(session: Session, actor: Actor, page: Any = 1, per_page: Any = 50,
          where: Filters | None = None) -> Page[TaskRow]:
    """Open tasks assigned to me or to a visit team I am on, soonest due first."""
    return in_scope(session, actor, "inbox", page, per_page, where)


def queue(session: Session, actor: Actor, page: Any = 1, per_page: Any = 50,
          where: Filters | None = None) -> Page[TaskRow]:
    """Open unassigned tasks of the lanes my roles may work, soonest due first."""
    return in_scope(session, actor, "queue", page, per_page, where)


def archive(session: Session, actor: Actor, page: Any = 1, per_page: Any = 50,
            where: Filters | None = None) -> Page[TaskRow]:
    """Tasks I completed, most recent first."""
    return in_scope(session, actor, "archive", page, per_page, where)


def in_scope(session: Session, actor: Actor, scope: str, page: Any = 1, per_page: Any = 50,
             where: Filters | None = None) -> Page[TaskRow]:
    """One of the task lists by name, narrowed by `where`: inbox, queue, archive, or all (supervisors)."""
    if scope not in SCOPES:
        raise BadRequest("unknown_scope", choices=list(SCOPES))
    supervisor = roles.is_supervisor(actor.roles)
    if scope == "all" and not supervisor:
        raise Forbidden("supervisors_only")
    where = where or Filters()
    lanes = tuple(sorted(lane for lane, lane_roles in roles.LANE_ROLES.items() if lane_roles & actor.roles)) \
        if scope == "queue" else ()
    listing = _listing(scope, lanes, supervisor and scope == "queue", _shape(where))
    only = people_scope.task_filter(session, people_scope.of(session, actor)) if scope == "queue" else None
    if only is not None:
        # A pustakawan's or mitra's queue: only the tasks of its library or institution.
        listing = Listing(listing.query.where(only))
    params: dict[str, Any] = {"username": actor.username}
    if where.q:
        params["q"] = like_pattern(where.q)
    if where.instance_id:
        params["instance_id"] = where.instance_id
    if where.library_id:
        params["library_id"] = where.library_id
    if where.kecamatan:
        params["kecamatan"] = where.kecamatan
    now = utcnow()
    if where.overdue:
        params["now"] = now
    if where.due in ("today", "week"):
        start = datetime.combine(now.astimezone(WIB).date(), time(0), tzinfo=WIB)
        params["due_from"], params["due_until"] = start, start + timedelta(days=1 if where.due == "today" else 7)
    return paginate(session, listing, *clamp(page, per_page), rows=TaskRow._make, params=params)


def _shape(where: Filters) -> tuple[bool, bool, bool, bool, bool, str | None, str | None]:
    """Which filters are present (not their values): one prepared listing serves every call of a shape."""
    return (bool(where.q), bool(where.instance_id), bool(where.library_id), bool(where.kecamatan),
            where.overdue, where.due, where.sort)


_TASKS = cast(Table, Task.__table__)
_INSTANCES = cast(Table, Instance.__table__)
_MEMBERS = cast(Table, TaskMember.__table__)
_LIBRARIES = cast(Table, Library.__table__)
_ROW_COLUMNS = (*(_TASKS.c[name] for name in TaskRow._fields[:-3]), _INSTANCES.c.title.label("instance_title"),
                func.coalesce(_LIBRARIES.c.name, _TASKS.c.item_label).label("library_name"),
                _LIBRARIES.c.kecamatan)
_FROM = _TASKS.join(_INSTANCES, _INSTANCES.c.id == _TASKS.c.instance_id).outerjoin(
    _LIBRARIES, _LIBRARIES.c.id == _TASKS.c.library_id)
_ORDERS = {
    "due_at": (_TASKS.c.due_at.is_(None), _TASKS.c.due_at, _TASKS.c.created_at, _TASKS.c.id),
    "-due_at": (_TASKS.c.due_at.is_(None), _TASKS.c.due_at.desc(), _TASKS.c.created_at.desc(), _TASKS.c.id),
    "created_at": (_TASKS.c.created_at, _TASKS.c.id),
    "-created_at": (_TASKS.c.created_at.desc(), _TASKS.c.id),
    "completed": (_TASKS.c.completed_at.desc(), _TASKS.c.id),
}


# Built once per scope, set of lanes and filter shape, with every value a bound parameter: building
# and checking a statement costs more than running it on a busy list.
@functools.lru_cache(maxsize=256)
def _listing(scope: str, lanes: tuple[str, ...], supervisor: bool,
             shape: tuple[bool, bool, bool, bool, bool, str | None, str | None]) -> Listing:
    """The prepared select of one list."""
    has_q, has_instance, has_library, has_kecamatan, overdue, due, sort = shape
    conditions: list[ColumnElement[bool]] = []
    if scope == "inbox":
        # Mine: the tasks I hold, and those of a visit team I am on (held by its lead).
        on_team = select(_MEMBERS.c.task_id).where(_MEMBERS.c.username == bindparam("username"))
        conditions += [or_(_TASKS.c.assignee == bindparam("username"), _TASKS.c.id.in_(on_team)),
                       _TASKS.c.status == TaskStatus.OPEN]
    elif scope == "queue":
        lane_filter: ColumnElement[bool] = _TASKS.c.lane.in_(lanes)
        if supervisor:
            lane_filter = or_(lane_filter, _TASKS.c.lane.is_(None))
        conditions += [_TASKS.c.status == TaskStatus.OPEN, _TASKS.c.assignee.is_(None), lane_filter]
    elif scope == "archive":
        conditions.append(_TASKS.c.completed_by == bindparam("username"))
    else:
        conditions.append(_TASKS.c.status == TaskStatus.OPEN)
    if has_q:
        pattern: Any = bindparam("q")
        conditions.append(or_(*(func.lower(column).like(pattern, escape="\\") for column in (
            _TASKS.c.title, _TASKS.c.item_label, _INSTANCES.c.title, _LIBRARIES.c.name))))
    if has_instance:
        conditions.append(_TASKS.c.instance_id == bindparam("instance_id"))
    if has_library:
        conditions.append(_TASKS.c.library_id == bindparam("library_id"))
    if has_kecamatan:
        conditions.append(_LIBRARIES.c.kecamatan == bindparam("kecamatan"))
    if overdue:
        # In the archive: finished after the due time; elsewhere: open and past it.
        late = _TASKS.c.completed_at if scope == "archive" else bindparam("now")
        conditions.append(_TASKS.c.due_at < late)
    if due == "none":
        conditions.append(_TASKS.c.due_at.is_(None))
    elif due is not None:
        conditions += [_TASKS.c.due_at >= bindparam("due_from"), _TASKS.c.due_at < bindparam("due_until")]
    order = _ORDERS[sort or ("completed" if scope == "archive" else "due_at")]
    # The count joins only what the conditions read: every task has its instance, and a library adds columns.
    counted: Any = _TASKS
    if has_q:
        counted = _FROM
    elif has_kecamatan:
        counted = _TASKS.join(_LIBRARIES, _LIBRARIES.c.id == _TASKS.c.library_id)
    return Listing(select(*_ROW_COLUMNS).select_from(_FROM).where(*conditions).order_by(*order),
                   count=select(func.count()).select_from(counted).where(*conditions))


def next_for(session: Session, actor: Actor, after: Task, limit: int = 3) -> list[TaskRow]:
    """The open tasks to offer a person after they finished `after`.

    First those the completion opened that they hold or may take, then their inbox, then their queue,
    soonest due first.
    """
    opened: list[TaskRow] = []
    same = Filters(instance_id=after.instance_id)
    for scope in ("inbox", "queue"):
        opened += [row for row in in_scope(session, actor, scope, 1, 50, same).items
                   if after.completed_at is None or row.created_at >= after.completed_at]
    found = {row.id for row in opened}
    for scope in ("inbox", "queue"):
        if len(opened) >= limit:
            break
        opened += [row for row in in_scope(session, actor, scope, 1, limit).items if row.id not in found]
    return [row for row in opened if row.id != after.id][:limit]
