"""Completing, claiming and listing tasks through the engine functions."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine import audit, calendar, tasks
from engine.db import run_in_transaction
from engine.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationFailed
from engine.models import AuditEvent, Instance, Task
from engine.workflow import action, runtime, storage
from tests.engine.helpers import (
    ADMIN,
    KABID,
    LIMITS,
    MITRA,
    PETUGAS,
    PETUGAS2,
    complete,
    deploy,
    instance,
    open_names,
    open_task,
    start,
)


@pytest.fixture
def approval(factory):
    deploy(factory, "approval.bpmn")
    return start(factory, "approval", PETUGAS)


def test_lane_decides_who_starts(factory):
    deploy(factory, "approval.bpmn")
    with pytest.raises(Forbidden):
        start(factory, "approval", MITRA)
    assert open_names(factory, start(factory, "approval", PETUGAS)) == ["submit"]


def test_gateway_and_script_run_after_review(factory, approval):
    complete(factory, open_task(factory, approval, "submit"), PETUGAS, {"amount": 21, "visit_date": "2027-02-01"})
    result = complete(factory, open_task(factory, approval, "review"), KABID, {"decision": "setuju"})
    assert result.status == "completed"
    row = instance(factory, approval)
    assert row.status == "completed" and row.ended_at is not None and row.open_tasks == 0
    with factory() as s:
        top = storage.stored_texts(s, row.id)[0]
    state = json.loads(top)
    assert '"total":42' in top.replace(" ", "") and '"approved_on":"2027-01-03"' in top.replace(" ", "")
    assert "spec" not in state  # the spec lives once per definition, not in every instance


def test_default_flow_when_no_condition_holds(factory, approval):
    complete(factory, open_task(factory, approval, "submit"), PETUGAS, {"amount": 1, "visit_date": "2027-02-01"})
    complete(factory, open_task(factory, approval, "review"), KABID, {"decision": "tolak"})
    assert instance(factory, approval).status == "completed"
    with factory() as s:
        assert '"total"' not in storage.stored_texts(s, approval)[0]


def test_wrong_role_is_refused(factory, approval):
    with pytest.raises(Forbidden):
        complete(factory, open_task(factory, approval, "submit"), KABID, {"amount": 1, "visit_date": "2027-02-01"})
    assert open_names(factory, approval) == ["submit"]


def test_keys_the_form_does_not_declare_or_the_engine_reserves_are_refused_and_change_nothing(factory, approval):
    task_id = open_task(factory, approval, "submit")
    with factory() as s:
        stored_before = storage.stored_state(s, approval)
    hostile = {"amount": 2, "visit_date": "2027-02-01", "title": "Judul palsu", "len": 0, "__builtins__": {},
               "datetime": "x", "typename": "timedelta", "days": "boom"}
    with pytest.raises(ValidationFailed) as err:
        complete(factory, task_id, PETUGAS, hostile)
    assert sorted(d["path"] for d in err.value.details) == ["__builtins__", "datetime", "days", "len", "title",
                                                            "typename"]
    with factory() as s:
        assert storage.stored_state(s, approval) == stored_before
        assert [e.action for e in audit.history(s, approval)] == ["start"]
    complete(factory, task_id, PETUGAS, {"amount": 2, "visit_date": "2027-02-01"})
    assert open_names(factory, approval) == ["review"]


def test_start_data_follows_the_start_form_or_is_refused(factory):
    deploy(factory, "approval.bpmn")
    deploy(factory, "parallel.bpmn")
    with pytest.raises(ValidationFailed) as err:
        start(factory, "approval", PETUGAS, {"title": "Persetujuan Baki", "jadwal": [], "len": 1})
    assert sorted(d["path"] for d in err.value.details) == ["jadwal", "len"]
    with pytest.raises(ValidationFailed) as err:
        start(factory, "parallel", PETUGAS, {"a_done": True})
    assert [d["path"] for d in err.value.details] == ["a_done"]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Instance)) == 0
    assert instance(factory, start(factory, "approval", PETUGAS, {"title": "Persetujuan Baki"})).title \
        == "Persetujuan Baki"


def test_a_typename_in_stored_task_data_does_not_stop_the_instance_loading(factory):
    """Defence in depth: data that reached the state with SpiffWorkflow's marker still restores, as a dict."""
    deploy(factory, "parallel.bpmn")
    iid = start(factory, "parallel", PETUGAS)
    task_id = open_task(factory, iid, "a")
    poison = {"typename": "timedelta", "days": "boom", "rows": [{"typename": "Nope"}]}

    def smuggle(s):
        loaded = runtime.load(s, s.get(Instance, iid), LIMITS)
        found = runtime.find_task(loaded.workflow, task_id)
        action.act(s, loaded, PETUGAS, LIMITS,
                   completing=action.Completing(found, task_id, "a", "petugas", {"a_done": poison}))
    run_in_transaction(factory, smuggle)
    with factory() as s:
        restored = runtime.restore(s, s.get(Instance, iid)).workflow
        assert runtime.find_task(restored, task_id).data["a_done"] == poison
    complete(factory, open_task(factory, iid, "b"), PETUGAS, {"b_done": 1})
    assert open_names(factory, iid) == ["c"]


def test_invalid_form_data_lists_field_errors_and_changes_nothing(factory, approval):
    task_id = open_task(factory, approval, "submit")
    before = instance(factory, approval)
    with factory() as s:
        stored_before = storage.stored_state(s, approval)
    with pytest.raises(ValidationFailed) as err:
        complete(factory, task_id, PETUGAS, {"amount": 0, "visit_date": "31-12-2027", "note": "x" * 501})
    paths = {d["path"]: (d["code"], d["params"]) for d in err.value.details}
    assert paths == {"amount": ("minimum", {"limit": 1}), "visit_date": ("invalid_date", {}),
                     "note": ("max_length", {"limit": 500})}
    with pytest.raises(ValidationFailed) as err:
        complete(factory, task_id, PETUGAS, {})
    assert {d["path"] for d in err.value.details} == {"amount", "visit_date"}
    after = instance(factory, approval)
    assert after.row_version == before.row_version
    with factory() as s:
        assert storage.stored_state(s, approval) == stored_before
    with factory() as s:
        assert [e.action for e in audit.history(s, approval)] == ["start"]


def test_completed_task_cannot_be_completed_again(factory, approval):
    task_id = open_task(factory, approval, "submit")
    complete(factory, task_id, PETUGAS, {"amount": 3, "visit_date": "2027-02-01"})
    with pytest.raises(Conflict):
        complete(factory, task_id, PETUGAS, {"amount": 3, "visit_date": "2027-02-01"})
    assert open_names(factory, approval) == ["review"]


def test_non_ready_task_id_is_not_found(factory, approval):
    with pytest.raises(NotFound):
        complete(factory, "00000000-0000-0000-0000-000000000000", PETUGAS, {})


def test_audit_keeps_a_snapshot_of_submitted_data(factory, approval):
    data = {"amount": 5, "visit_date": "2027-02-01", "note": "catatan"}
    complete(factory, open_task(factory, approval, "submit"), PETUGAS, data)
    data["note"] = "changed by caller"
    with factory() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "complete")).one()
    assert event.actor == "petugas" and event.data["note"] == "catatan" and event.task_name == "submit"


def test_due_duration_counts_working_hours_of_the_office_calendar(factory, approval):
    with factory() as s:
        task = tasks.get(s, open_task(factory, approval, "submit"))
        office = calendar.of_settings(s)
    assert task.due_at is not None
    assert office.working_hours_between(task.created_at, task.due_at) == pytest.approx(7)
    assert office.is_working_day(task.due_at.astimezone(calendar.WIB).date())


def test_claim_unclaim_and_conflicting_claim(factory, approval):
    task_id = open_task(factory, approval, "submit")
    run_in_transaction(factory, lambda s: tasks.claim(s, task_id, PETUGAS))
    with pytest.raises(Conflict):
        run_in_transaction(factory, lambda s: tasks.claim(s, task_id, PETUGAS2))
    with pytest.raises(Conflict):
        complete(factory, task_id, PETUGAS2, {"amount": 1, "visit_date": "2027-02-01"})
    with factory() as s:
        assert [t.id for t in tasks.inbox(s, PETUGAS).items] == [task_id]
        assert tasks.queue(s, PETUGAS2).total == 0
    run_in_transaction(factory, lambda s: tasks.unclaim(s, task_id, PETUGAS))
    with factory() as s:
        assert tasks.inbox(s, PETUGAS).total == 0 and tasks.queue(s, PETUGAS2).total == 1


def test_assign_needs_supervisor_reason_and_fitting_role(factory, approval):
    from engine.people import users
    run_in_transaction(factory, lambda s: users.create_user(s, "budi", "rahasia-uji", ["petugas"]))
    run_in_transaction(factory, lambda s: users.create_user(s, "mitra1", "rahasia-uji", ["mitra"]))
    task_id = open_task(factory, approval, "submit")
    with pytest.raises(Forbidden):
        run_in_transaction(factory, lambda s: tasks.assign(s, task_id, PETUGAS, "budi", "cuti"))
    with pytest.raises(BadRequest, match="reason_required"):
        run_in_transaction(factory, lambda s: tasks.assign(s, task_id, KABID, "budi", " "))
    with pytest.raises(ValidationFailed, match="user_not_in_lane"):
        run_in_transaction(factory, lambda s: tasks.assign(s, task_id, KABID, "mitra1", "coba"))
    run_in_transaction(factory, lambda s: tasks.assign(s, task_id, KABID, "budi", "petugas cuti"))
    with factory() as s:
        assert tasks.get(s, task_id).assignee == "budi"
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "assign")).one()
    assert event.reason == "petugas cuti" and event.data == {"from": None, "to": "budi"}


def test_draft_is_kept_without_validation(factory, approval):
    task_id = open_task(factory, approval, "submit")
    run_in_transaction(factory, lambda s: tasks.save_draft(s, task_id, PETUGAS, {"amount": "belum"}))
    with factory() as s:
        assert tasks.get(s, task_id).draft == {"amount": "belum"}
    assert open_names(factory, approval) == ["submit"]


def test_archive_lists_what_i_completed(factory, approval):
    complete(factory, open_task(factory, approval, "submit"), PETUGAS, {"amount": 2, "visit_date": "2027-02-01"})
    with factory() as s:
        assert [t.name for t in tasks.archive(s, PETUGAS).items] == ["submit"]
        assert tasks.archive(s, KABID).total == 0
        assert [t.name for t in tasks.queue(s, KABID).items] == ["review"]


def test_other_roles_cannot_see_a_task(factory, approval):
    task_id = open_task(factory, approval, "submit")
    with factory() as s, pytest.raises(NotFound):
        tasks.get(s, task_id, MITRA)
    with factory() as s:
        assert tasks.get(s, task_id, ADMIN).id == task_id


def test_parallel_branches_join(factory):
    deploy(factory, "parallel.bpmn")
    iid = start(factory, "parallel", PETUGAS)
    assert open_names(factory, iid) == ["a", "b"]
    complete(factory, open_task(factory, iid, "b"), PETUGAS)
    assert open_names(factory, iid) == ["a"]
    complete(factory, open_task(factory, iid, "a"), PETUGAS)
    assert open_names(factory, iid) == ["c"]


def test_multi_instance_tasks_carry_their_library(factory):
    deploy(factory, "multi.bpmn")
    libraries = [{"library": 7, "library_name": "Perpustakaan Contoh Baki", "visit_date": "2027-03-01"},
                 {"library": 9, "library_name": "TBM Contoh Weru", "visit_date": "2027-03-02"}]
    iid = start(factory, "multi", PETUGAS, {"libraries": libraries})
    with factory() as s:
        rows = sorted(tasks.queue(s, PETUGAS).items, key=lambda t: t.item_key or "")
        assert [(t.item_key, t.item_label) for t in rows] == [("7", "Perpustakaan Contoh Baki"),
                                                            ("9", "TBM Contoh Weru")]
        assert [t.due_at.date().isoformat() for t in rows] == ["2027-03-01", "2027-03-02"]
        found = s.get(Instance, iid)
        assert found is not None and "tbm contoh weru" in found.search_text
    for row in rows:
        complete(factory, row.id, PETUGAS, {"result": row.item_key})
    assert instance(factory, iid).status == "completed"



def test_task_rows_carry_every_column_but_the_draft_with_their_cycle_and_library():
    assert set(tasks.TaskRow._fields) == ({c.key for c in Task.__table__.columns} - {"draft"}
                                          | {"instance_title", "library_name", "kecamatan"})


def test_list_pages_follow_each_other_and_count_the_whole_list(factory):
    deploy(factory, "multi.bpmn")
    libraries = [{"library": n, "library_name": f"Perpustakaan {n}", "visit_date": f"2027-03-0{n}"}
                 for n in range(1, 6)]
    start(factory, "multi", PETUGAS, {"libraries": libraries})
    with factory() as s:
        pages = [tasks.queue(s, PETUGAS, page, 2) for page in (1, 2, 3, 4)]
        assert [[t.item_key for t in p.items] for p in pages] == [["1", "2"], ["3", "4"], ["5"], []]
        assert {p.total for p in pages} == {5}
        first_two = [t.id for t in pages[0].items]
    for task_id in first_two:
        run_in_transaction(factory, lambda s, task_id=task_id: tasks.claim(s, task_id, PETUGAS))
    with factory() as s:
        inbox = tasks.inbox(s, PETUGAS, 1, 1)
        assert [t.id for t in inbox.items] == first_two[:1] and inbox.total == 2
        assert tasks.inbox(s, PETUGAS2).total == 0 and tasks.queue(s, PETUGAS2, 2, 2).total == 3

def test_call_activity_runs_the_called_process(factory):
    deploy(factory, "callee.bpmn")
    deploy(factory, "caller.bpmn")
    iid = start(factory, "caller", KABID)
    assert open_names(factory, iid) == ["inner"]
    with factory() as s:
        assert tasks.get(s, open_task(factory, iid, "inner")).lane == "petugas"
    complete(factory, open_task(factory, iid, "inner"), PETUGAS)
    assert open_names(factory, iid) == ["after"]


def test_the_task_lists_are_named_scopes(factory, approval):
    with factory() as s:
        assert [t.name for t in tasks.in_scope(s, PETUGAS, "queue").items] == ["submit"]
        assert tasks.in_scope(s, PETUGAS, "inbox").total == 0 and tasks.in_scope(s, KABID, "queue").total == 0
        with pytest.raises(BadRequest):
            tasks.in_scope(s, PETUGAS, "everything")


def test_a_form_shows_the_draft_until_completed_then_what_was_submitted(factory, approval):
    task_id = open_task(factory, approval, "submit")
    run_in_transaction(factory, lambda s: tasks.save_draft(s, task_id, PETUGAS, {"amount": 3}))
    with factory() as s:
        task = tasks.get(s, task_id)
        assert tasks.values_of(task, tasks.events_of(s, task)) == {"amount": 3}
    complete(factory, task_id, PETUGAS, {"amount": 5, "visit_date": "2027-01-01"})
    with factory() as s:
        task = tasks.get(s, task_id)
        events = tasks.events_of(s, task)
        assert [e.action for e in events] == ["complete"]
        assert tasks.values_of(task, events) == {"amount": 5, "visit_date": "2027-01-01"}


def test_who_may_work_or_give_back_a_task(factory, approval):
    task_id = open_task(factory, approval, "submit")
    with factory() as s:
        task = tasks.get(s, task_id)
        instance = s.get(Instance, task.instance_id)
        assert tasks.may_work(task, instance, PETUGAS) and not tasks.may_work(task, instance, MITRA)
        assert not tasks.may_unclaim(task, PETUGAS)
    run_in_transaction(factory, lambda s: tasks.claim(s, task_id, PETUGAS))
    with factory() as s:
        task = tasks.get(s, task_id)
        instance = s.get(Instance, task.instance_id)
        assert not tasks.may_work(task, instance, PETUGAS2)
        assert tasks.may_unclaim(task, PETUGAS) and tasks.may_unclaim(task, KABID)
        assert not tasks.may_unclaim(task, PETUGAS2)
