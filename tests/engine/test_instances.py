"""Instances: supervisor actions, incidents from engine errors, and the engine's blind spots."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import audit, instances, tasks
from engine.db import run_in_transaction
from engine.errors import BadRequest, Conflict, Forbidden, NotFound
from engine.models import Instance
from engine.people.users import SYSTEM_ACTOR
from engine.workflow import runtime, spiff, storage
from engine.workflow.runtime import Limits
from tests.engine.helpers import (
    ADMIN,
    KABID,
    LIMITS,
    MITRA,
    PETUGAS,
    complete,
    deploy,
    deploy_before_the_policy,
    instance,
    open_names,
    open_task,
    start,
)


def act(factory, fn, *args, **kwargs):
    return run_in_transaction(factory, lambda s: fn(s, *args, **kwargs))


def test_suspend_blocks_work_and_resume_allows_it(factory):
    deploy(factory, "approval.bpmn")
    iid = start(factory, "approval", PETUGAS)
    task_id = open_task(factory, iid, "submit")
    act(factory, instances.suspend, iid, KABID, "menunggu anggaran")
    with pytest.raises(Conflict, match="instance_not_running.*suspended"):
        complete(factory, task_id, PETUGAS, {"amount": 1, "visit_date": "2027-01-01"})
    act(factory, instances.resume, iid, KABID, "anggaran tersedia")
    complete(factory, task_id, PETUGAS, {"amount": 1, "visit_date": "2027-01-01"})
    with factory() as s:
        events = [(e.action, e.reason) for e in audit.history(s, iid)]
    assert events[:3] == [("start", ""), ("suspend", "menunggu anggaran"), ("resume", "anggaran tersedia")]


def test_supervisor_actions_need_a_supervisor_and_a_reason(factory):
    deploy(factory, "approval.bpmn")
    iid = start(factory, "approval", PETUGAS)
    with pytest.raises(Forbidden):
        act(factory, instances.cancel, iid, PETUGAS, "bosan")
    with pytest.raises(BadRequest):
        act(factory, instances.cancel, iid, KABID, "   ")
    with pytest.raises(Conflict):
        act(factory, instances.resume, iid, KABID, "tidak sedang ditangguhkan")
    assert instance(factory, iid).status == "running"


def test_supervisor_actions_run_by_name_and_each_status_offers_its_own(factory):
    deploy(factory, "approval.bpmn")
    iid = start(factory, "approval", PETUGAS)
    with factory() as s:
        assert instances.offered(instances.get(s, iid), KABID) == ("suspend", "cancel")
        assert instances.offered(instances.get(s, iid), PETUGAS) == ()
    def supervise(s, *args):
        return instances.supervise(s, *args, limits=LIMITS)

    assert act(factory, lambda s, *a: supervise(s, *a).status, iid, KABID, "suspend", "rapat") == "suspended"
    with factory() as s:
        assert instances.offered(instances.get(s, iid), KABID) == ("resume", "cancel")
    with pytest.raises(BadRequest, match="reason_required"):
        act(factory, supervise, iid, KABID, "resume", " ")
    with pytest.raises(BadRequest, match="unknown_action"):
        act(factory, supervise, iid, KABID, "delete", "alasan")
    with pytest.raises(Conflict, match="retry_needs_incident"):
        act(factory, supervise, iid, KABID, "retry", "alasan")


def test_cancel_withdraws_open_tasks_and_is_final(factory):
    deploy(factory, "parallel.bpmn")
    iid = start(factory, "parallel", PETUGAS)
    act(factory, instances.cancel, iid, KABID, "salah mulai")
    row = instance(factory, iid)
    assert (row.status, row.open_tasks) == ("cancelled", 0) and row.ended_at is not None
    assert open_names(factory, iid) == []
    with pytest.raises(Conflict):
        act(factory, instances.resume, iid, KABID, "kembalikan")


@pytest.mark.parametrize("mode", ["import", "open"])
def test_forbidden_script_becomes_an_incident_and_retry_replays_it(factory, monkeypatch, mode):
    """The whole script is refused, whichever of its branches the data selects."""
    message = "import tidak diizinkan"
    deploy_before_the_policy(factory, "forbidden.bpmn", monkeypatch)
    iid = start(factory, "forbidden", KABID)
    go = open_task(factory, iid, "go")
    with factory() as s:
        before = storage.stored_state(s, iid)
    result = complete(factory, go, KABID, {"mode": mode})
    row = instance(factory, iid)
    assert result.status == "error" and row.status == "error"
    assert message in row.incident["message"] and row.incident["task"] == "run"
    with factory() as s:
        assert storage.stored_state(s, iid) == before
    assert open_names(factory, iid) == ["go"]  # the failed step was rolled back
    with pytest.raises(Conflict):
        complete(factory, go, KABID, {"mode": "ok"})
    act(factory, instances.retry, iid, KABID, "coba lagi", limits=Limits())  # replays the same data: fails again
    assert instance(factory, iid).status == "error"
    with factory() as s:
        actions = [e.action for e in audit.history(s, iid)]
    assert actions == ["start", "incident", "retry", "incident"]


def test_retry_after_the_cause_is_fixed_completes_the_step(factory):
    deploy(factory, "script_error.bpmn")
    iid = start(factory, "script_error", KABID)
    go = open_task(factory, iid, "go")
    complete(factory, go, KABID, {"mode": "forever"}, limits=Limits(script_time_limit=0.3))
    row = instance(factory, iid)
    assert row.status == "error" and "batas waktu" in row.incident["message"]
    act(factory, instances.retry, iid, KABID, "batas waktu dinaikkan", limits=Limits())  # default limit: still endless
    assert instance(factory, iid).status == "error"


def test_an_endless_script_does_not_stop_other_instances(factory):
    deploy(factory, "script_error.bpmn")
    stuck, fine = start(factory, "script_error", KABID), start(factory, "script_error", KABID)
    limits = Limits(script_time_limit=0.3)
    complete(factory, open_task(factory, stuck, "go"), KABID, {"mode": "forever"}, limits=limits)
    complete(factory, open_task(factory, fine, "go"), KABID, {"mode": "ok"}, limits=limits)
    assert instance(factory, stuck).status == "error"
    assert open_names(factory, fine) == ["after"] and instance(factory, fine).status == "running"


@pytest.mark.parametrize("limits", [Limits(), Limits(max_engine_steps=100_000)], ids=["step-cap", "depth"])
def test_a_loop_of_300_rounds_is_not_reported_complete(factory, limits):
    deploy(factory, "loop.bpmn")
    iid = run_in_transaction(factory, lambda s: instances.start(s, "loop", KABID, {"rounds": 300}, limits=limits).id)
    row = instance(factory, iid)
    assert row.status == "error" and row.status != "completed"
    assert ("langkah" in row.incident["message"])


def test_a_short_loop_runs_to_its_user_task(factory):
    deploy(factory, "loop.bpmn")
    iid = start(factory, "loop", KABID, {"rounds": 20})
    with factory() as s:
        top = storage.stored_texts(s, iid)[0]
    assert open_names(factory, iid) == ["done"] and '"i":20' in top


def test_restricted_script_engine_survives_a_save_load_round_trip(factory, monkeypatch):
    deploy_before_the_policy(factory, "forbidden.bpmn", monkeypatch)
    iid = start(factory, "forbidden", KABID)
    with factory() as s:
        row = s.get(Instance, iid)
        loaded = runtime.load(s, row)
    assert isinstance(loaded.workflow.script_engine, spiff.RestrictedScriptEngine)
    with pytest.raises(Exception, match="import tidak diizinkan"):
        loaded.workflow.script_engine.environment.execute("import os", {})
    # and through a real completion after a reload from the database
    complete(factory, open_task(factory, iid, "go"), KABID, {"mode": "import"})
    assert instance(factory, iid).status == "error"


def test_start_from_the_public_lane_needs_the_public_flag(factory):
    deploy(factory, "public.bpmn")
    with pytest.raises(Forbidden):
        start(factory, "public", ADMIN)
    iid = start(factory, "public", SYSTEM_ACTOR, {"message": "buku rusak"}, public=True)
    assert open_names(factory, iid) == ["triage"] and instance(factory, iid).started_by == "sistem"
    deploy(factory, "approval.bpmn")
    with pytest.raises(Forbidden):
        start(factory, "approval", SYSTEM_ACTOR, public=True)


def test_lists_filter_search_and_hide_what_a_role_may_not_see(factory):
    deploy(factory, "approval.bpmn")
    deploy(factory, "multi.bpmn")
    a = start(factory, "approval", PETUGAS, {"title": "Monev Perpustakaan 2027 Tahap I"})
    b = start(factory, "multi", PETUGAS, {"libraries": [{"library": 1, "library_name": "TBM Contoh Weru"}]})
    act(factory, instances.suspend, b, KABID, "jeda")
    with factory() as s:
        assert instances.list_instances(s, KABID).total == 2
        assert [i.id for i in instances.list_instances(s, KABID, q="tahap i").items] == [a]
        assert [i.id for i in instances.list_instances(s, KABID, q="weru").items] == [b]
        assert [i.id for i in instances.list_instances(s, KABID, status="suspended").items] == [b]
        assert [i.id for i in instances.list_instances(s, KABID, definition="approval").items] == [a]
        assert instances.list_instances(s, KABID, q="%").total == 0
        assert instances.list_instances(s, MITRA).total == 0
        with pytest.raises(NotFound):
            instances.get(s, a, MITRA)
        with pytest.raises(BadRequest):
            instances.list_instances(s, KABID, status="kacau")
        for bad in [(0, 10), (1, 201), ("1; DROP TABLE tasks", 10), (-5, 10)]:
            with pytest.raises(BadRequest):
                instances.list_instances(s, KABID, page=bad[0], per_page=bad[1])


def test_instance_state_stays_small_without_the_spec(factory):
    definition = deploy(factory, "approval.bpmn")
    iid = start(factory, "approval", PETUGAS)
    with factory() as s:
        top, parts = storage.stored_texts(s, iid)
    state = "".join([top, *parts.values()])
    assert len(state) < len(definition.spec) and '"spec"' not in state


def test_completion_of_a_task_that_is_not_ready_is_refused(factory):
    deploy(factory, "approval.bpmn")
    iid = start(factory, "approval", PETUGAS)
    with factory() as s:
        loaded = runtime.load(s, s.get(Instance, iid))
    future = next(t for t in runtime.all_tasks(loaded.workflow) if t.task_spec.name == "review")
    version = instance(factory, iid).row_version
    with factory() as s:  # a projection row pointing at a FUTURE task, as a stale or forged id would
        row = tasks.get(s, open_task(factory, iid, "submit"))
    with factory() as s, s.begin():
        s.add(type(row)(id=str(future.id), instance_id=iid, definition_key="approval", name="review",
                        title="Tinjau", lane="kabid", status="open"))
    with pytest.raises(Conflict, match="task_not_ready"):
        complete(factory, str(future.id), KABID, {"decision": "setuju"})
    assert open_names(factory, iid) == ["review", "submit"] and instance(factory, iid).row_version == version
    with factory() as s:
        assert s.scalars(select(Instance.status)).all() == ["running"]


def test_progress_shows_script_results_and_every_element_that_ran(factory):
    deploy(factory, "approval.bpmn")
    iid = start(factory, "approval", PETUGAS)
    complete(factory, open_task(factory, iid, "submit"), PETUGAS, {"amount": 4, "visit_date": "2027-01-01"})
    with factory() as s:
        running = instances.progress(s, instance(factory, iid))
    assert running.active == {"review"} and {"start", "submit"} <= running.done
    assert running.data["amount"] == 4
    complete(factory, open_task(factory, iid, "review"), KABID, {"decision": "setuju"})
    with factory() as s:
        done = instances.progress(s, instance(factory, iid))
        submitted = tasks.of_instance(s, iid, status="completed")
        seen = tasks.data_of(s, submitted[0])
    assert done.active == set() and {"gw", "record", "end_ok"} <= done.done and "end_no" not in done.done
    assert done.data["total"] == 8 and done.data["approved_on"] == "2027-01-03"  # set by the script task
    assert [t.name for t in submitted] == ["submit", "review"] and seen["amount"] == 4
