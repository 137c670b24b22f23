"""Races with real threads released together by a barrier, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from engine import tasks
from engine.db import run_in_transaction
from engine.errors import Conflict
from engine.models import AuditEvent
from tests.engine.helpers import PETUGAS, PETUGAS2, complete, deploy, instance, open_names, open_task, race, start


def completions(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "complete")) or 0


def test_same_task_by_two_people_at_once_gives_one_success_and_one_conflict(factory):
    deploy(factory, "parallel.bpmn")
    for _ in range(3):
        iid = start(factory, "parallel", PETUGAS)
        task_id = open_task(factory, iid, "a")
        results = race(lambda t=task_id: complete(factory, t, PETUGAS),
                       lambda t=task_id: complete(factory, t, PETUGAS2))
        assert sorted(type(r).__name__ for r in results) == ["Completion", "Conflict"]
        assert open_names(factory, iid) == ["b"]
    assert completions(factory) == 3


def test_two_parallel_tasks_of_one_instance_both_succeed(factory):
    deploy(factory, "parallel.bpmn")
    for _ in range(3):
        iid = start(factory, "parallel", PETUGAS)
        a, b = open_task(factory, iid, "a"), open_task(factory, iid, "b")
        results = race(lambda a=a: complete(factory, a, PETUGAS), lambda b=b: complete(factory, b, PETUGAS2))
        assert [type(r).__name__ for r in results] == ["Completion", "Completion"], results
        assert open_names(factory, iid) == ["c"]  # the join saw both branches: no lost update
    assert completions(factory) == 6


def test_many_libraries_of_one_cycle_completed_at_once_all_succeed(factory):
    deploy(factory, "multi.bpmn")
    libraries = [{"library": n, "library_name": f"Perpustakaan Contoh {n}"} for n in range(6)]
    iid = start(factory, "multi", PETUGAS, {"libraries": libraries})
    with factory() as s:
        ids = [t.id for t in tasks.queue(s, PETUGAS).items]
    results = race(*[lambda t=t: complete(factory, t, PETUGAS, {"result": t}) for t in ids])
    assert all(type(r).__name__ == "Completion" for r in results), results
    assert instance(factory, iid).status == "completed"


def test_two_claims_at_once_one_wins(factory):
    deploy(factory, "parallel.bpmn")
    iid = start(factory, "parallel", PETUGAS)
    task_id = open_task(factory, iid, "a")
    results = race(lambda: run_in_transaction(factory, lambda s: tasks.claim(s, task_id, PETUGAS).assignee),
                   lambda: run_in_transaction(factory, lambda s: tasks.claim(s, task_id, PETUGAS2).assignee))
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1 and sum(isinstance(r, Conflict) for r in results) == 1
    with factory() as s:
        assert tasks.get(s, task_id).assignee == winners[0]


def test_a_unit_that_keeps_losing_its_race_ends_in_a_conflict(factory):
    from engine.errors import StaleState

    calls = []

    def always_stale(session):
        calls.append(1)
        raise StaleState()

    try:
        run_in_transaction(factory, always_stale, attempts=3)
    except Conflict as exc:
        assert isinstance(exc.__cause__, StaleState)
    else:
        raise AssertionError("expected a Conflict")
    assert len(calls) == 3
