"""Timers fired by workers: boundary escalation, stored due times, and exactly-once firing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from engine.models import AuditEvent, Instance
from engine.workflow import storage, timers
from tests.engine.helpers import KABID, PETUGAS, complete, context, deploy, instance, open_names, open_task, start


def test_due_time_is_stored_and_nothing_fires_early(factory):
    deploy(factory, "escalation.bpmn")
    iid = start(factory, "escalation", PETUGAS)
    due = instance(factory, iid).next_due_at
    assert due is not None and timedelta(minutes=59) < due - datetime.now(UTC) <= timedelta(hours=1)
    assert timers.run_due(context(factory)) == 0
    assert open_names(factory, iid) == ["work"]


def test_overdue_task_raises_an_escalation_without_cancelling_it(factory):
    deploy(factory, "escalation.bpmn")
    iid = start(factory, "escalation", PETUGAS)
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2), tick=True):
        assert timers.run_due(context(factory)) == 1
    assert open_names(factory, iid) == ["escalate", "work"]
    assert instance(factory, iid).next_due_at is None
    complete(factory, open_task(factory, iid, "work"), PETUGAS)
    complete(factory, open_task(factory, iid, "escalate"), KABID)
    assert instance(factory, iid).status == "completed"


def test_finishing_in_time_withdraws_the_timer(factory):
    deploy(factory, "escalation.bpmn")
    iid = start(factory, "escalation", PETUGAS)
    complete(factory, open_task(factory, iid, "work"), PETUGAS)
    row = instance(factory, iid)
    assert (row.status, row.next_due_at) == ("completed", None)


def test_two_workers_fire_each_of_50_timers_exactly_once(factory):
    deploy(factory, "timed.bpmn")
    ids = [start(factory, "timed", KABID, {"fired": 0}) for _ in range(50)]
    barrier = threading.Barrier(2)
    handled: list[int] = []

    def worker() -> None:
        barrier.wait()
        handled.append(timers.run_due(context(factory)))

    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2), tick=True):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert sum(handled) == 50
    with factory() as s:
        timer_events = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "timer"))
        states = [storage.stored_texts(s, row.id)[0]
                  for row in s.scalars(select(Instance).where(Instance.id.in_(ids)))]
    assert timer_events == 50
    assert all('"fired":1' in state for state in states)
    assert all(open_names(factory, i) == ["after"] for i in ids)
