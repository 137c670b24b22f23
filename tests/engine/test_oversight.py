"""The supervisors' overview: counts, SLA and workload over task rows, and the cycle matrix of a real cycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bench import sop
from engine import oversight, tasks
from engine.db import run_in_transaction
from engine.errors import Forbidden
from engine.libraries import registry
from engine.models import Task, TaskStatus
from engine.people import users
from tests.engine.helpers import KABID, PETUGAS
from tests.engine.task_rows import HOUR, NOW, seed_tasks


def _people(factory: sessionmaker[Session]) -> None:
    def work(session: Session) -> None:
        users.create_user(session, "petugas", "rahasia-uji-1", ["petugas"], name="Sari Petugas")
        users.create_user(session, "petugas2", "rahasia-uji-2", ["petugas"], name="Budi Petugas")
        users.create_user(session, "mitra", "rahasia-uji-3", ["mitra"], name="Mitra Dinas")
    run_in_transaction(factory, work)


def _overview(factory: sessionmaker[Session], now: datetime = NOW) -> oversight.Dashboard:
    with factory() as session:
        return oversight.dashboard(session, KABID, now=now)


def test_open_overdue_and_due_today_count_every_role(factory: sessionmaker[Session]) -> None:
    open_ = TaskStatus.OPEN
    seed_tasks(factory, [
        {"status": open_, "due_at": NOW - HOUR, "assignee": "petugas"},           # overdue, due today
        {"status": open_, "due_at": NOW - 30 * HOUR, "lane": "mitra"},            # overdue, yesterday
        {"status": open_, "due_at": NOW + 5 * HOUR, "assignee": "petugas2"},      # due today (15:00 WIB)
        {"status": open_, "due_at": NOW + 20 * HOUR},                              # tomorrow
        {"status": open_, "due_at": None},
        {"status": TaskStatus.COMPLETED, "due_at": NOW - HOUR, "completed_at": NOW - 2 * HOUR},
        {"status": TaskStatus.CANCELLED, "due_at": NOW - HOUR},
    ])
    counts = _overview(factory).tasks
    assert (counts.open, counts.overdue, counts.due_today, counts.unclaimed) == (5, 2, 2, 3)


def test_sla_is_the_share_of_tasks_with_a_due_time_completed_by_it_in_30_days(
        factory: sessionmaker[Session]) -> None:
    done = TaskStatus.COMPLETED
    seed_tasks(factory, [
        {"status": done, "due_at": NOW - 24 * HOUR, "completed_at": NOW - 30 * HOUR, "completed_by": "petugas"},
        {"status": done, "due_at": NOW - 24 * HOUR, "completed_at": NOW - 20 * HOUR, "completed_by": "petugas"},
        {"status": done, "due_at": NOW, "completed_at": NOW - HOUR, "completed_by": "petugas2"},
        {"status": done, "due_at": None, "completed_at": NOW - HOUR, "completed_by": "petugas2"},   # no due time
        {"status": done, "due_at": NOW - 40 * 24 * HOUR, "completed_at": NOW - 31 * 24 * HOUR,
         "completed_by": "petugas"},                                                               # too old
    ])
    sla = _overview(factory).sla
    assert (sla.period_days, sla.completed, sla.within, sla.rate) == (30, 3, 2, round(2 / 3, 4))


def test_no_completed_task_gives_no_rate(factory: sessionmaker[Session]) -> None:
    assert _overview(factory).sla.rate is None


def test_workload_lists_each_officer_with_open_overdue_and_completed(factory: sessionmaker[Session]) -> None:
    _people(factory)
    seed_tasks(factory, [
        {"status": TaskStatus.OPEN, "assignee": "petugas", "due_at": NOW - HOUR},
        {"status": TaskStatus.OPEN, "assignee": "petugas", "due_at": NOW + HOUR},
        {"status": TaskStatus.OPEN, "assignee": "mitra", "due_at": None},
        {"status": TaskStatus.COMPLETED, "completed_by": "petugas", "completed_at": NOW - HOUR},
        {"status": TaskStatus.COMPLETED, "completed_by": "mitra", "completed_at": NOW - 40 * 24 * HOUR},
    ])
    rows = {w.username: (w.name, w.open, w.overdue, w.completed_30d) for w in _overview(factory).workload}
    assert rows == {"petugas": ("Sari Petugas", 2, 1, 1), "mitra": ("Mitra Dinas", 1, 0, 0),
                    "petugas2": ("Budi Petugas", 0, 0, 0)}  # an idle officer is listed too
    assert [w.username for w in _overview(factory).workload][0] == "petugas"


def test_only_supervisors_see_the_overview(factory: sessionmaker[Session]) -> None:
    with factory() as session, pytest.raises(Forbidden):
        oversight.dashboard(session, PETUGAS)


def test_the_day_is_the_agencys_day_in_wib() -> None:
    late_evening_utc = datetime(2027, 3, 10, 18, 0, tzinfo=UTC)  # already 11 March, 01:00 WIB
    when = oversight.reckoning(late_evening_utc)
    assert when.today_from == datetime(2027, 3, 10, 17, 0, tzinfo=UTC)
    assert when.today_until - when.today_from == timedelta(days=1)


def test_matrix_follows_a_real_cycle_library_by_library(factory: sessionmaker[Session]) -> None:
    library_ids = sop.prepare(factory, 3)
    iid = sop.start(factory)
    for _ in range(3):  # coordination, letter, confirmation: the visits open
        sop.complete_next(factory, iid, library_ids)
    with factory() as session:
        assert [c.instance_id for c in oversight.dashboard(session, KABID).cycles] == [iid]
    waiting = sop.open_tasks(factory, iid)
    first = next(t for t in waiting if t.item_key == str(library_ids[0]))
    sop.complete(factory, first, library_ids)  # library 1: visit done, its monev report is open
    late = next(t for t in waiting if t.item_key == str(library_ids[1]))
    run_in_transaction(factory, lambda s: s.execute(update(Task).where(Task.id == late.id)
                                                    .values(due_at=datetime.now(UTC) - HOUR, assignee="petugas")))
    with factory() as session:
        cycle = oversight.dashboard(session, KABID).cycles[0]
        names = {lib.library_id: registry.get(session, lib.library_id).name for lib in cycle.libraries}
    by_id = {lib.library_id: lib for lib in cycle.libraries}
    assert set(by_id) == set(library_ids)
    assert all(lib.name == names[lib.library_id] and lib.kecamatan for lib in cycle.libraries)
    assert [(by_id[i].stage, by_id[i].overdue) for i in library_ids] == [("monev", False), ("monev", True),
                                                                        ("monev", False)]
    assert by_id[library_ids[1]].stages == {"monev": "overdue", "selection": "", "coaching": "",
                                            "accreditation": ""}
    assert by_id[library_ids[1]].officer == "petugas"

    while (waiting := sop.open_tasks(factory, iid)) and waiting[0].name != "Pemilihan_Pembinaan":
        sop.complete(factory, waiting[0], library_ids)
    with factory() as session:
        cycle = oversight.dashboard(session, KABID).cycles[0]
    assert {lib.stage for lib in cycle.libraries} == {"selection"}
    assert all(lib.stages["monev"] == "done" and lib.stages["selection"] == "open" for lib in cycle.libraries)

    chosen = library_ids[:2]
    pick = sop.open_tasks(factory, iid)[0]
    run_in_transaction(factory, lambda s: tasks.complete(
        s, pick.id, KABID, {"pembinaan": chosen, "catatan_pemilihan": "Dua layak."}, limits=sop.LIMITS))
    sop.complete_next(factory, iid, chosen)  # the coaching letter: the coaching tracks open
    with factory() as session:
        cycle = oversight.dashboard(session, KABID).cycles[0]
    stages = {lib.library_id: (lib.stage, lib.stages["coaching"]) for lib in cycle.libraries}
    assert stages == {chosen[0]: ("coaching", "open"), chosen[1]: ("coaching", "open"),
                      library_ids[2]: ("selection", "skipped")}


def test_finished_cycles_and_other_processes_stay_out_of_the_matrix(factory: sessionmaker[Session]) -> None:
    def monev(item: str, label: str) -> list[dict[str, Any]]:
        return [{"status": TaskStatus.OPEN, "name": "Monev", "item_key": item, "item_label": label}]

    seed_tasks(factory, monev("1", "X"), key=oversight.CYCLE_KEY, status="completed")
    seed_tasks(factory, monev("1", "X"), key="lain")
    shown = seed_tasks(factory, monev("7", "Pustaka"), key=oversight.CYCLE_KEY)
    overview = _overview(factory)
    assert [c.instance_id for c in overview.cycles] == [shown] and overview.cycles_running == 1
    libraries = overview.cycles[0].libraries
    assert [(lib.library_id, lib.name, lib.stage) for lib in libraries] == [(7, "Pustaka", "monev")]
