"""Oversight for supervisors: open, overdue and due-today tasks, the workload of each officer, the share
of tasks completed in time, and where each library of a running cycle stands.

Every figure is a SQL aggregate over the task projection (a handful of statements, whatever the
number of tasks); Python only shapes the few aggregated rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from engine.db import utcnow
from engine.errors import Forbidden
from engine.libraries.registry import Library, as_id
from engine.models import Instance, InstanceStatus, Task, TaskStatus, User
from engine.people import roles
from engine.people.users import Actor
from engine.workflow.runtime import WIB

PERIOD_DAYS = 30
CYCLE_KEY = "kitapun_senapas"
# The newest cycles shown in the matrix; older running cycles are one click away in the instance list.
MAX_CYCLES = 12
STAGES = ("monev", "selection", "coaching", "accreditation")
# The SOP stage of each human task of a cycle (BPMN ids of kitapun_senapas and the tracks it calls).
# Library tracks carry the library as their item; the selection steps are the cycle's own.
STAGE_OF_TASK: dict[str, str] = {
    "Kunjungan_Monev": "monev", "Eskalasi_Kunjungan": "monev", "Monev": "monev",
    "Pemilihan_Pembinaan": "selection", "Surat_Pemberitahuan_Pembinaan": "selection",
    "Kunjungan_Pembinaan": "coaching", "Pengajuan_Akreditasi": "accreditation",
    "Pendampingan_Akreditasi": "accreditation", "Hasil_Akreditasi": "accreditation",
    "Tindak_Lanjut_Akreditasi": "accreditation",
}
LIVE = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.ERROR)
# A cell of the matrix: not reached yet, open, open past its due time, done, or passed over
# (a library not chosen for coaching).
EMPTY, OPEN, OVERDUE, DONE, SKIPPED, WITHDRAWN = "", "open", "overdue", "done", "skipped", "withdrawn"


@dataclass(frozen=True)
class Reckoning:
    """The times the counts compare due times with."""

    now: datetime
    overdue_before: datetime
    today_from: datetime
    today_until: datetime
    period_from: datetime


def reckoning(now: datetime) -> Reckoning:
    """When a task counts as overdue, what "today" spans, and where the SLA period starts.

    The one place where working hours would enter the overview. They need not today: a due time
    is stored already counted in the office calendar's working hours (`engine.calendar`, when the
    task is projected), so "overdue" and "in time" compare with it as it is; "today" is the
    agency's calendar day in WIB.
    """
    local = now.astimezone(WIB)
    start = datetime.combine(local.date(), time.min, tzinfo=WIB)
    return Reckoning(now, now, start, start + timedelta(days=1), now - timedelta(days=PERIOD_DAYS))


@dataclass(frozen=True)
class TaskCounts:
    """Open tasks across every role: all, past due, due today, and not yet claimed."""

    open: int
    overdue: int
    due_today: int
    unclaimed: int


@dataclass(frozen=True)
class Sla:
    """Tasks with a due time completed in the period, and how many of them in time."""

    period_days: int
    completed: int
    within: int

    @property
    def rate(self) -> float | None:
        """The share completed in time (None when nothing with a due time was completed)."""
        return round(self.within / self.completed, 4) if self.completed else None


@dataclass(frozen=True)
class Workload:
    """What one person holds now and what they completed in the period."""

    username: str
    name: str
    open: int
    overdue: int
    completed_30d: int


@dataclass
class LibraryProgress:
    """Where one library of a cycle stands: a cell per stage, its holder and its next due time."""

    library_id: int | str
    name: str
    kecamatan: str = ""
    stages: dict[str, str] = field(default_factory=lambda: dict.fromkeys(STAGES, EMPTY))
    officer: str | None = None
    due_at: datetime | None = None

    @property
    def stage(self) -> str:
        """The furthest stage reached."""
        reached = [s for s in STAGES if self.stages[s] not in (EMPTY, SKIPPED)]
        return reached[-1] if reached else STAGES[0]

    @property
    def overdue(self) -> bool:
        """True when a task of this library (or the selection it waits for) is past its due time."""
        return OVERDUE in self.stages.values()


@dataclass(frozen=True)
class CycleProgress:
    """One running cycle and its libraries."""

    instance_id: int
    title: str
    status: str
    libraries: list[LibraryProgress]


@dataclass(frozen=True)
class Dashboard:
    """Everything the supervisors' overview shows, as of one moment."""

    as_of: datetime
    tasks: TaskCounts
    sla: Sla
    workload: list[Workload]
    cycles: list[CycleProgress]
    cycles_running: int


def dashboard(session: Session, actor: Actor, now: datetime | None = None) -> Dashboard:
    """The supervisors' overview; anyone else is refused."""
    if not roles.is_supervisor(actor.roles):
        raise Forbidden("supervisors_only")
    when = reckoning(now or utcnow())
    ids = list(session.execute(
        select(Instance.id).where(Instance.definition_key == CYCLE_KEY, Instance.status.in_(LIVE))
        .order_by(Instance.started_at.desc(), Instance.id.desc()).limit(MAX_CYCLES)).scalars())
    running = session.scalar(select(func.count()).select_from(Instance)
                             .where(Instance.definition_key == CYCLE_KEY, Instance.status.in_(LIVE))) or 0
    return Dashboard(when.now, task_counts(session, when), sla(session, when), workload(session, when),
                     cycles(session, ids, when), running)


def _open() -> Any:
    return Task.status == TaskStatus.OPEN


def task_counts(session: Session, when: Reckoning) -> TaskCounts:
    """Open tasks: all, overdue, due today, unclaimed (one statement; each count reads one index range)."""
    def count(*where: Any) -> Any:
        return select(func.count()).select_from(Task).where(_open(), *where).scalar_subquery()

    row = session.execute(select(
        count(), count(Task.due_at < when.overdue_before),
        count(Task.due_at >= when.today_from, Task.due_at < when.today_until),
        count(Task.assignee.is_(None)))).one()
    return TaskCounts(*(int(v) for v in row))


def sla(session: Session, when: Reckoning) -> Sla:
    """Tasks with a due time completed by a person in the period, and those completed by it."""
    within = case((Task.completed_at <= Task.due_at, 1), else_=0)
    row = session.execute(select(func.count(), func.coalesce(func.sum(within), 0))
                          .where(Task.status == TaskStatus.COMPLETED, Task.completed_at >= when.period_from,
                                 Task.completed_by.is_not(None), Task.due_at.is_not(None))).one()
    return Sla(PERIOD_DAYS, int(row[0]), int(row[1]))


def workload(session: Session, when: Reckoning) -> list[Workload]:
    """Per person: open and overdue tasks held, tasks completed in the period; busiest first."""
    def per_person(column: Any, *where: Any) -> dict[str, int]:
        query = select(column, func.count()).where(column.is_not(None), *where).group_by(column)
        return {str(row[0]): int(row[1]) for row in session.execute(query)}

    held = per_person(Task.assignee, _open())
    late = per_person(Task.assignee, _open(), Task.due_at < when.overdue_before)
    # Only a completion names a `completed_by` (a withdrawn task has none), so no status test is needed:
    # the (completed_by, completed_at) index answers alone.
    done = per_person(Task.completed_by, Task.completed_at >= when.period_from)
    people = {u.username: u for u in session.scalars(select(User))}
    names = set(held) | set(done) | {u.username for u in people.values()
                                     if u.active and set(u.roles or ()) & roles.BIDANG_ROLES}
    rows = [Workload(name, people[name].name if name in people else name, held.get(name, 0), late.get(name, 0),
                     done.get(name, 0)) for name in names]
    return sorted(rows, key=lambda w: (-w.open, -w.overdue, -w.completed_30d, w.username))


def cycles(session: Session, instance_ids: Iterable[int], when: Reckoning | None = None) -> list[CycleProgress]:
    """Where each library of these cycles stands, stage by stage (one aggregate over their tasks)."""
    ids = list(instance_ids)
    if not ids:
        return []
    when = when or reckoning(utcnow())
    open_ = case((Task.status == TaskStatus.OPEN, 1), else_=0)
    late = case(((Task.status == TaskStatus.OPEN) & (Task.due_at < when.overdue_before), 1), else_=0)
    # A library withdrawn from a running cycle has only cancelled tasks: they keep it in the list.
    cancelled = case((Task.status == TaskStatus.CANCELLED, 1), else_=0)
    holder = func.max(case((Task.status == TaskStatus.OPEN, Task.assignee), else_=literal(None)))
    rows = session.execute(
        select(Task.instance_id, Task.item_key, Task.name, func.max(Task.item_label), func.count(),
               func.sum(open_), func.sum(late), holder,
               func.min(case((Task.status == TaskStatus.OPEN, Task.due_at), else_=literal(None))),
               func.max(Task.completed_by), func.sum(cancelled))
        .where(Task.instance_id.in_(ids), Task.name.in_(list(STAGE_OF_TASK)),
               Task.status.in_((TaskStatus.OPEN, TaskStatus.COMPLETED, TaskStatus.CANCELLED)))
        .group_by(Task.instance_id, Task.item_key, Task.name)).all()
    heads = {row.id: row for row in session.execute(
        select(Instance.id, Instance.title, Instance.status).where(Instance.id.in_(ids)))}
    cells: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    selection: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    facts: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for instance_id, item, name, label, every, opened, overdue, assignee, due, completer, dropped in rows:
        stage, total = STAGE_OF_TASK[name], int(every) - int(dropped or 0)
        if stage == "selection" or item is None:
            _add(selection[instance_id], total, opened, overdue)
            continue
        if not total and heads[instance_id].status != InstanceStatus.RUNNING:
            continue  # a cancelled cycle's tasks: nothing was withdrawn
        _add(cells[instance_id][item], total, opened, overdue, prefix=stage + ":")
        known = facts[instance_id].setdefault(item, {"label": label, "officer": None, "done_by": None, "due": None,
                                                     "visit_dropped": False, "reported": False, "open": 0})
        known["visit_dropped"] = known["visit_dropped"] or (name == "Kunjungan_Monev" and bool(dropped))
        known["reported"] = known["reported"] or (name == "Monev" and total > int(opened or 0))
        known["open"] += int(opened or 0)
        known["officer"] = known["officer"] or assignee
        known["done_by"] = completer or known["done_by"]
        if due is not None and (known["due"] is None or due < known["due"]):
            known["due"] = due
    kecamatan = _kecamatan(session, {item for per in facts.values() for item in per})
    found = []
    for instance_id in ids:
        head = heads.get(instance_id)
        if head is None:
            continue
        libraries = [_library(item, facts[instance_id][item], cells[instance_id][item], selection[instance_id],
                              kecamatan) for item in facts[instance_id]]
        libraries.sort(key=lambda lib: (lib.name.casefold(), str(lib.library_id)))
        found.append(CycleProgress(instance_id, head.title, head.status, libraries))
    return found


def _add(counts: dict[str, int], total: int, opened: int, overdue: int, prefix: str = "") -> None:
    counts[prefix + "total"] += int(total)
    counts[prefix + "open"] += int(opened or 0)
    counts[prefix + "overdue"] += int(overdue or 0)


def _state(counts: dict[str, int], prefix: str = "") -> str:
    if not counts.get(prefix + "total"):
        return EMPTY
    if counts.get(prefix + "overdue"):
        return OVERDUE
    return OPEN if counts.get(prefix + "open") else DONE


def _library(item: str, facts: dict[str, Any], counts: dict[str, int], selection: dict[str, int],
             kecamatan: dict[int, str]) -> LibraryProgress:
    library_id: int | str = as_id(item) or item
    progress = LibraryProgress(library_id, facts["label"] or str(item),
                               kecamatan.get(library_id, "") if isinstance(library_id, int) else "",
                               officer=facts["officer"] or facts["done_by"], due_at=facts["due"])
    for stage in ("monev", "coaching", "accreditation"):
        progress.stages[stage] = _state(counts, stage + ":")
    if facts["visit_dropped"] and not facts["reported"] and not facts["open"]:
        # Its visit was cancelled and none replaced it (a supervisor's or an escalation's withdrawal).
        progress.stages["monev"] = WITHDRAWN
        return progress
    chosen = progress.stages["coaching"] != EMPTY
    if chosen:
        progress.stages["selection"] = DONE
    elif progress.stages["monev"] == DONE:
        progress.stages["selection"] = _state(selection)
        if progress.stages["selection"] == DONE:  # the selection is over and this library was not chosen
            progress.stages["coaching"] = progress.stages["accreditation"] = SKIPPED
    return progress


def _kecamatan(session: Session, items: set[str]) -> dict[int, str]:
    ids = sorted({as_id(item) for item in items} - {0})
    if not ids:
        return {}
    return {row[0]: row[1] for row in session.execute(select(Library.id, Library.kecamatan).where(Library.id.in_(ids)))}
