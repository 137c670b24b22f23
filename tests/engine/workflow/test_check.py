"""The consistency check finds nothing after normal work and names what a broken row breaks."""

from __future__ import annotations

from sqlalchemy import update

from engine.models import Instance, Task
from engine.workflow import check
from tests.engine.helpers import KABID, PETUGAS, complete, deploy, open_task, start


def findings(factory) -> list[str]:
    with factory() as s:
        return [f.message for f in check.check(s)]


def test_normal_work_is_consistent(factory):
    deploy(factory, "approval.bpmn")
    deploy(factory, "parallel.bpmn")
    a = start(factory, "approval", PETUGAS)
    complete(factory, open_task(factory, a, "submit"), PETUGAS, {"amount": 4, "visit_date": "2027-01-01"})
    complete(factory, open_task(factory, a, "review"), KABID, {"decision": "setuju"})
    p = start(factory, "parallel", PETUGAS)
    complete(factory, open_task(factory, p, "a"), PETUGAS)
    assert findings(factory) == []


def test_a_lost_projection_row_and_a_wrong_counter_are_reported(factory):
    deploy(factory, "parallel.bpmn")
    p = start(factory, "parallel", PETUGAS)
    task_id = open_task(factory, p, "a")
    with factory() as s, s.begin():
        s.execute(update(Task).where(Task.id == task_id).values(status="cancelled"))
        s.execute(update(Instance).where(Instance.id == p).values(open_tasks=5))
    assert sorted(findings(factory)) == ["penghitung tugas terbuka 5 ≠ 1",
                                         "tugas siap di mesin tanpa baris tugas terbuka"]
