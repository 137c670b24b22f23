"""Who is told what: assignments, suspended and cancelled instances, due and overdue tasks, reading them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from engine import instances, tasks
from engine.calendar import WIB
from engine.db import run_in_transaction
from engine.errors import NotFound
from engine.notify import deadlines, notices
from engine.people.users import Actor
from tests.engine.helpers import KABID, PETUGAS, PETUGAS2, deploy, open_task, start
from tests.engine.notify.helpers import add_people
from tests.engine.notify.helpers import notices as stored

SUBKOOR = Actor("subkoor", frozenset({"subkoor"}))


def act(factory, fn, *args, **kwargs):
    return run_in_transaction(factory, lambda s: fn(s, *args, **kwargs))


@pytest.fixture
def office(factory):
    add_people(factory, ("kabid", "kabid", "kabid@dispusip.test"), ("subkoor", "subkoor", None),
               ("petugas", "petugas", "petugas@dispusip.test"), ("petugas2", "petugas", None),
               ("admin", "admin", "admin@dispusip.test"))
    deploy(factory, "approval.bpmn")
    return factory


def test_an_assignment_tells_the_new_holder_once_with_the_task_and_the_email_queued(office):
    iid = start(office, "approval", PETUGAS, {"title": "Monev Tahap I"})
    task_id = open_task(office, iid, "submit")
    act(office, tasks.assign, task_id, KABID, "petugas", "wilayah Anda")
    act(office, tasks.assign, task_id, KABID, "petugas", "tetap Anda")  # no change of holder: no new notice
    [notice] = stored(office, username="petugas")
    assert (notice.kind, notice.task_id, notice.instance_id) == ("assigned", task_id, iid)
    assert notice.params["task"] == "Ajukan" and notice.params["instance"] == "Monev Tahap I"
    assert notice.params["by"] == "kabid"
    assert (notice.email, notice.mail_status, notice.read_at) == ("petugas@dispusip.test", "pending", None)


def test_a_person_without_email_is_told_in_the_app_only(office):
    iid = start(office, "approval", PETUGAS)
    act(office, tasks.assign, open_task(office, iid, "submit"), KABID, "petugas2", "bergantian")
    [notice] = stored(office, username="petugas2")
    assert (notice.email, notice.mail_status, notice.next_attempt_at) == (None, "none", None)


def test_taking_a_task_oneself_tells_nobody(office):
    iid = start(office, "approval", PETUGAS)
    act(office, tasks.claim, open_task(office, iid, "submit"), PETUGAS)
    assert stored(office) == []


def test_the_engine_assigning_an_opened_task_tells_its_holder(office, monkeypatch):
    from engine.workflow import projection

    project = projection.project

    def assigned_by_engine(instance, task, now, office=None):
        row = project(instance, task, now, office)
        row.assignee = "petugas2"
        return row

    monkeypatch.setattr(projection, "project", assigned_by_engine)
    iid = start(office, "approval", PETUGAS)
    [notice] = stored(office, username="petugas2")
    assert (notice.kind, notice.task_id, notice.params["by"]) == ("assigned", open_task(office, iid, "submit"),
                                                                  "petugas")


def test_suspend_and_cancel_tell_holders_and_the_starter_with_the_reason(office):
    iid = start(office, "approval", PETUGAS)
    act(office, tasks.assign, open_task(office, iid, "submit"), KABID, "petugas2", "bergantian")
    act(office, instances.suspend, iid, KABID, "menunggu anggaran")
    act(office, instances.resume, iid, KABID, "anggaran ada")
    act(office, instances.cancel, iid, KABID, "program dihentikan")
    told = [(n.username, n.kind, n.params.get("reason")) for n in stored(office) if n.kind != "assigned"]
    assert sorted(told) == [("petugas", "cancelled", "program dihentikan"),
                            ("petugas", "suspended", "menunggu anggaran"),
                            ("petugas2", "cancelled", "program dihentikan"),
                            ("petugas2", "suspended", "menunggu anggaran")]


def test_the_supervisor_who_acts_is_not_told_about_their_own_action(office):
    iid = start(office, "approval", KABID.__class__("kabid", frozenset({"kabid", "petugas"})))
    act(office, instances.cancel, iid, KABID, "salah mulai")
    assert stored(office) == []


# A Monday in office hours (WIB): "Ajukan", due in 7 working hours, falls due at 15:00 the same day.
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=WIB)


def _tell_at(factory, when):
    with time_machine.travel(when, tick=False):
        return run_in_transaction(factory, lambda s: deadlines.tell_due(s))


def test_due_soon_tells_the_holder_once_and_overdue_tells_holder_and_overseers_once(office):
    with time_machine.travel(MONDAY, tick=False):
        iid = start(office, "approval", PETUGAS)
    task_id = open_task(office, iid, "submit")
    act(office, tasks.claim, task_id, PETUGAS)
    assert _tell_at(office, MONDAY + timedelta(hours=4)) == 0  # 3 working hours left: not yet
    assert _tell_at(office, MONDAY + timedelta(hours=5, minutes=30)) == 1
    assert _tell_at(office, MONDAY + timedelta(hours=6)) == 0  # once per task
    assert _tell_at(office, MONDAY + timedelta(hours=8)) == 3
    assert _tell_at(office, MONDAY + timedelta(hours=9)) == 0
    told = sorted((n.kind, n.username) for n in stored(office))
    assert told == [("due_soon", "petugas"), ("overdue", "kabid"), ("overdue", "petugas"), ("overdue", "subkoor")]
    assert all(n.task_id == task_id for n in stored(office))


def test_an_unheld_task_due_soon_tells_who_may_take_it(office):
    with time_machine.travel(MONDAY, tick=False):
        start(office, "approval", PETUGAS)
    _tell_at(office, MONDAY + timedelta(hours=6))
    assert sorted(n.username for n in stored(office, kind="due_soon")) == ["petugas", "petugas2"]


def test_two_workers_finding_the_same_overdue_task_tell_it_once(office):
    from tests.engine.helpers import race

    with time_machine.travel(MONDAY, tick=False):
        start(office, "approval", PETUGAS)
    later = MONDAY + timedelta(hours=8)
    with time_machine.travel(later, tick=False):
        race(*[lambda: run_in_transaction(office, lambda s: deadlines.tell_due(s), attempts=5)] * 2)
    assert sorted(n.username for n in stored(office, kind="overdue")) == ["kabid", "subkoor"]


def test_suspended_instances_are_not_chased(office):
    with time_machine.travel(MONDAY, tick=False):
        iid = start(office, "approval", PETUGAS)
    act(office, instances.suspend, iid, KABID, "menunggu")
    assert _tell_at(office, MONDAY + timedelta(hours=8)) == 0


def test_reading_marks_one_notice_and_nobody_reads_another_persons(office):
    iid = start(office, "approval", PETUGAS)
    act(office, tasks.assign, open_task(office, iid, "submit"), KABID, "petugas2", "bergantian")
    act(office, instances.suspend, iid, KABID, "menunggu")
    first, second = stored(office, username="petugas2")
    assert act(office, notices.unread_count, PETUGAS2) == 2
    with pytest.raises(NotFound):
        act(office, notices.mark_read, first.id, PETUGAS)
    act(office, notices.mark_read, first.id, PETUGAS2)
    act(office, notices.mark_read, first.id, PETUGAS2)
    assert act(office, notices.unread_count, PETUGAS2) == 1
    page = act(office, lambda s: notices.for_user(s, PETUGAS2))
    assert [n.id for n in page.items] == [second.id, first.id] and page.total == 2
    assert act(office, notices.mark_all_read, PETUGAS2) == 1
    assert act(office, notices.unread_count, PETUGAS2) == 0
