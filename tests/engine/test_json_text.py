"""JSON text as Senapas writes it: every value the standard library can store is stored, and read back the same."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine import json_text
from engine.models import AuditEvent, Instance
from engine.workflow import runtime
from tests.engine.helpers import PETUGAS, complete, deploy, open_task, start

AWKWARD = "RTL \u202egnirts\u202c, zero\u200bwidth, emoji 📚, aksara ꦱꦸꦏꦺꦴꦲꦂꦗ"


@pytest.mark.parametrize("value", [
    {"nilai": 82.5, "ok": True, "kosong": None, "daftar": [1, "dua", [3.0]], "teks": AWKWARD},
    {"besar": 2**80, "negatif": -(2**70)},           # beyond orjson's 64 bits: the standard library writes it
    {1: "kunci angka", "2": "kunci teks"},          # keys that are not strings: likewise
    {"tupel": (1, 2), "bersarang": {"a": {"b": {"c": [{"d": 1e-7}]}}}},
])
def test_text_reads_back_as_the_standard_library_writes_it(value: Any) -> None:
    assert json.loads(json_text.dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize("value", [
    {"besar": 2**80, "teks": AWKWARD, "waktu": datetime(2026, 11, 29, 8, 30, tzinfo=UTC)},
    {1: [date(2026, 11, 29), {"a": None}], "b": (1.5, True)},
])
def test_a_round_trip_gives_what_the_standard_library_gives(value: Any) -> None:
    copied = json_text.round_trip(value, default=str)
    assert copied == json.loads(json.dumps(value, default=str))
    assert copied is not value


def test_dates_go_to_default_as_with_the_standard_library() -> None:
    value = {"waktu": datetime(2026, 11, 29, 8, 30, tzinfo=UTC), "tanggal": date(2026, 11, 29)}
    assert json.loads(json_text.dumps(value, default=str)) == json.loads(json.dumps(value, default=str))
    with pytest.raises(TypeError):
        json_text.dumps({"himpunan": object()})


def test_a_huge_integer_and_awkward_text_survive_the_stored_state_and_the_audit(factory) -> None:
    """Submitted values come back exactly from the database: the workflow restored, and the audit event."""
    deploy(factory, "parallel.bpmn")
    iid = start(factory, "parallel", PETUGAS)
    task_id = open_task(factory, iid, "a")
    submitted = {"a_done": 2**80, "catatan": AWKWARD}
    complete(factory, task_id, PETUGAS, submitted)
    with factory() as s:
        row = s.get(Instance, iid)
        assert row is not None
        restored = runtime.restore(s, row).workflow
        task = runtime.find_task(restored, task_id)
        assert task is not None
        assert task.data["a_done"] == 2**80 and isinstance(task.data["a_done"], int)
        assert task.data["catatan"] == AWKWARD
        audited = s.scalars(select(AuditEvent.data).where(AuditEvent.task_id == task_id,
                                                          AuditEvent.action == "complete")).one()
        assert audited == submitted
