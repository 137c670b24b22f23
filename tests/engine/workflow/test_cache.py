"""Workflows kept between actions: used only while the stored state is exactly what they were saved as."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bench import sop
from engine import instances, tasks
from engine.db import make_engine, make_session_factory, run_in_transaction
from engine.migrate import upgrade
from engine.models import AuditEvent, Instance, InstancePart, InstanceStatus
from engine.workflow import cache as workflow_cache
from engine.workflow import check
from engine.workflow import runtime as execution
from engine.workflow import storage as instance_state
from engine.workflow.spiff import full_state
from tests.engine.helpers import KABID, LIMITS, PETUGAS, complete, deploy, instance, open_task, start


def kept(factory: sessionmaker[Session]) -> workflow_cache.WorkflowCache:
    """The workflows this process keeps for the database of `factory`."""
    with factory() as s:
        return workflow_cache.of(s)


def elsewhere(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """A factory on the same database, as another process would have: its own kept workflows."""
    return make_session_factory(factory.kw["bind"])


def test_every_stored_state_of_a_whole_cycle_is_the_full_state_of_the_running_workflow(factory):
    """Subprocesses left untouched are stored from their earlier text; none may fall out of date."""
    library_ids = sop.prepare(factory, 3)
    iid = sop.start(factory)
    steps = top_kept = 0
    top_before = None
    while sop.complete_next(factory, iid, library_ids) is not None:
        steps += 1
        with factory() as s:
            row = s.get(Instance, iid)
            assert row is not None
            definition = execution.get_definition(s, row.definition_id)
            stored = instance_state.stored_state(s, row.id)
            restored = execution.restore(s, row).workflow
            top = instance_state.stored_texts(s, row.id)[0]
        key = (definition.hash, iid)
        running = kept(factory).take(key, row.row_version)
        assert running is not None, f"step {steps}: the saved workflow was not kept"
        assert stored == full_state(running) == full_state(restored), f"step {steps}: stored state differs"
        top_kept += top == top_before
        top_before = top
        if steps % 3:  # every third action instead starts from the stored parts, as another process would
            kept(factory).put(key, row.row_version, running)
    assert steps > 10 and instance(factory, iid).status == InstanceStatus.COMPLETED
    assert top_kept >= 3  # steps inside one library's track leave the top text as it was, unwritten
    with factory() as s:
        assert check.check(s, [iid]) == []


@pytest.mark.parametrize(("fixture", "steps"), [("parallel.bpmn", {"a": {"a_done": 1}, "b": {"b_done": 2}, "c": {}}),
                                               ("loop.bpmn", {"done": {"ok": True}}),
                                               ("escalation.bpmn", None)])
def test_every_stored_state_of_the_fixture_processes_is_the_full_state(factory, fixture, steps):
    """Joins, loops and boundary events, saved from the running workflow step by step."""
    definition = deploy(factory, fixture)
    key = definition.key
    iid = start(factory, key, KABID if key == "loop" else PETUGAS, {"rounds": 3} if key == "loop" else None)
    for _ in range(12):
        with factory() as s:
            row = s.get(Instance, iid)
            assert row is not None
            stored = instance_state.stored_state(s, row.id)
            open_rows = tasks.of_instance(s, iid, status="open")
        running = kept(factory).take((definition.hash, iid), row.row_version)
        assert running is not None and stored == full_state(running)
        kept(factory).put((definition.hash, iid), row.row_version, running)
        if not open_rows:
            break
        row_task = open_rows[0]
        data = (steps or {}).get(row_task.name, {})
        actor = {None: KABID, "kabid": KABID}.get(row_task.lane, PETUGAS)
        complete(factory, row_task.id, actor, data)


def test_a_data_object_written_from_a_nested_subprocess_is_stored(factory):
    """The inner subprocess writes a data object of the outer one, whose own tasks do not move."""
    definition = deploy(factory, "nested.bpmn")
    iid = start(factory, "nested", PETUGAS)
    complete(factory, open_task(factory, iid, "isi"), PETUGAS, {"catatan": "koleksi perlu disiangi"})
    with factory() as s:
        row = s.get(Instance, iid)
        assert row is not None
        stored = instance_state.stored_state(s, row.id)
    running = kept(factory).take((definition.hash, iid), row.row_version)
    assert running is not None
    assert stored == full_state(running)
    assert {"data_objects": {"catatan": "koleksi perlu disiangi"}} in [sub["data"] for sub in
                                                                       stored["subprocesses"].values()]


def test_an_action_elsewhere_that_leaves_the_top_text_is_still_seen(factory):
    """Another process moves one library's track only: same top text, a newer row version."""
    library_ids = sop.prepare(factory, 2)
    iid = sop.start(factory)
    while len(visits := [t for t in sop.open_tasks(factory, iid) if t.name == "Kunjungan_Monev"]) < 2:
        sop.complete_next(factory, iid, library_ids)
    sop.complete(factory, visits[0], library_ids)  # this process keeps the workflow it saved

    def top() -> str:
        with factory() as s:
            return instance_state.stored_texts(s, iid)[0]

    before = top()
    sop.complete(elsewhere(factory), visits[1], library_ids)
    assert top() == before  # the other library's visit left the top text as it was
    while sop.complete_next(factory, iid, library_ids) is not None:
        pass
    with factory() as s:
        row = s.get(Instance, iid)
        assert row is not None and row.status == InstanceStatus.COMPLETED
        visited = s.scalars(select(AuditEvent.task_id).where(AuditEvent.instance_id == iid,
                                                             AuditEvent.task_name == "Kunjungan_Monev")).all()
        assert {visits[0].id, visits[1].id} <= set(visited)
        assert check.check(s, [iid]) == []


def test_a_workflow_kept_for_another_database_is_not_taken(factory, tmp_path):
    """Two databases in one process (tests, a restored copy) reuse instance ids and versions."""
    other_engine = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other_engine)
    other = make_session_factory(other_engine)
    try:
        for each, value in ((factory, "here"), (other, "there")):
            deploy(each, "parallel.bpmn")
            assert start(each, "parallel", PETUGAS) == 1
            complete(each, open_task(each, 1, "a"), PETUGAS, {"a_done": value})
        here, there = instance(factory, 1), instance(other, 1)
        assert (here.definition_id, here.row_version) == (there.definition_id, there.row_version)
        # The process kept the other database's workflow last: this database's row must not take it.
        complete(factory, open_task(factory, 1, "b"), PETUGAS, {"b_done": "here"})
        with factory() as s:
            row = s.get(Instance, 1)
            assert row is not None
            key = (execution.get_definition(s, row.definition_id).hash, 1)
            assert execution.restore(s, row).workflow.last_task.data["a_done"] == "here"
        running = kept(factory).take(key, row.row_version)
        assert running is not None and running.last_task.data["a_done"] == "here"
    finally:
        other_engine.dispose()


def test_parts_missing_from_the_database_are_stored_again_by_the_next_save(factory):
    library_ids = sop.prepare(factory, 2)
    iid = sop.start(factory)
    while True:
        with factory() as s:
            names = {t.name for t in tasks.of_instance(s, iid, status="open")}
        if "Kunjungan_Monev" in names:
            break
        sop.complete_next(factory, iid, library_ids)
    run_in_transaction(factory, lambda s: s.execute(delete(InstancePart).where(InstancePart.instance_id == iid)))
    sop.complete_next(factory, iid, library_ids)  # a visit: its library's track changes
    with factory() as s:
        row = s.get(Instance, iid)
        assert row is not None
        stored = instance_state.stored_state(s, row.id)
        key = (execution.get_definition(s, row.definition_id).hash, iid)
    running = kept(factory).take(key, row.row_version)
    assert running is not None and stored == full_state(running)
    # per library: its track, the visit-and-monev subprocess in it, and the visit subprocess in that
    assert len(stored["subprocesses"]) == 6


def test_a_state_changed_elsewhere_is_restored_instead_of_using_the_kept_workflow(factory):
    """Another web process completes branch B; this one must see it when it completes the join."""
    deploy(factory, "parallel.bpmn")
    iid = start(factory, "parallel", PETUGAS)
    complete(factory, open_task(factory, iid, "a"), PETUGAS, {"a_done": True})
    other = elsewhere(factory)
    complete(other, open_task(other, iid, "b"), PETUGAS, {"b_done": True})  # this one still keeps the state after A
    complete(factory, open_task(factory, iid, "c"), PETUGAS, {"c_done": True})
    assert instance(factory, iid).status == InstanceStatus.COMPLETED
    with factory() as s:
        row = s.get(Instance, iid)
        assert row is not None
        data = execution.restore(s, row).workflow.last_task.data
    assert data["a_done"] and data["b_done"] and data["c_done"]


def test_a_rolled_back_completion_leaves_the_task_to_be_done_again(factory):
    deploy(factory, "parallel.bpmn")
    iid = start(factory, "parallel", PETUGAS)
    task_a = open_task(factory, iid, "a")

    def complete_then_fail(s: Any) -> None:
        tasks.complete(s, task_a, PETUGAS, {"a_done": "first"}, limits=LIMITS)
        raise RuntimeError("the transaction fails after the engine ran")

    with pytest.raises(RuntimeError):
        run_in_transaction(factory, complete_then_fail)
    assert open_task(factory, iid, "a") == task_a
    complete(factory, task_a, PETUGAS, {"a_done": "second"})
    complete(factory, open_task(factory, iid, "b"), PETUGAS, {})
    complete(factory, open_task(factory, iid, "c"), PETUGAS, {})
    with factory() as s:
        row = s.get(Instance, iid)
        assert row is not None
        assert execution.restore(s, row).workflow.last_task.data["a_done"] == "second"


def test_the_cache_is_bounded_and_forgets_the_least_recently_used():
    cache = workflow_cache.WorkflowCache(capacity=2)
    workflows = [object() for _ in range(3)]
    for n, workflow in enumerate(workflows):
        cache.put(("h", n), n, workflow)  # type: ignore[arg-type]
    assert len(cache) == 2
    assert cache.take(("h", 0), 0) is None
    assert cache.take(("h", 1), 2) is None  # taken out, and not the same version
    assert cache.take(("h", 1), 1) is None  # a take removes the entry either way
    cache.put(("h", 2), 2, workflows[2])  # type: ignore[arg-type]
    assert cache.take(("h", 2), 3) is None  # another version
    cache.put(("h", 2), 2, workflows[2])  # type: ignore[arg-type]
    assert cache.take(("h", 2), 2) is workflows[2]


def test_a_workflow_read_after_an_uncommitted_write_of_its_row_is_not_kept(factory):
    """The version such a read sees may never be committed, and another process may commit it with other state."""
    definition = deploy(factory, "parallel.bpmn")
    iid = start(factory, "parallel", PETUGAS)

    def write_read_then_fail(s: Any) -> None:
        row = s.get(Instance, iid)
        row.title = "judul baru"
        s.flush()  # the row's version counts up, not committed
        instances.progress(s, row)
        raise RuntimeError("the transaction fails after the read")

    with pytest.raises(RuntimeError):
        run_in_transaction(factory, write_read_then_fail)
    assert kept(factory).take((definition.hash, iid), instance(factory, iid).row_version + 1) is None
