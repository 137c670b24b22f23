"""Storing and restoring workflow state: the fast path for plain data restores exactly what the full walk does."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine.models import Instance
from engine.workflow import runtime, spiff, state_text, storage
from tests.engine.helpers import PETUGAS, complete, deploy, open_task, start


def test_plain_state_restores_the_same_as_the_full_walk(factory, monkeypatch):
    definition = deploy(factory, "multi.bpmn")
    libraries = [{"library": n, "library_name": f"Perpustakaan Contoh {n}", "visit_date": "2027-03-01",
                  "nested": {"rows": [{"a": n}]}} for n in range(3)]
    iid = start(factory, "multi", PETUGAS, {"libraries": libraries})
    with factory() as s:
        task_id = next(t.id for t in s.query(runtime.Task).filter_by(instance_id=iid))
    complete(factory, task_id, PETUGAS, {"result": {"ok": True}})
    with factory() as s:
        row = s.get(Instance, iid)
        assert row is not None
        (state, parts), stored = storage.stored_texts(s, row.id), storage.stored_state(s, row.id)
    spec, subs = spiff.specs_for(definition.hash, lambda: definition.spec)
    assert set(spiff._TYPENAME.findall(state)) <= spiff.STRUCTURAL_TYPENAMES  # the fast path applies
    fast = spiff.load_state(state, parts, spec, subs, 2.0)
    monkeypatch.setattr(spiff, "STRUCTURAL_TYPENAMES", frozenset())  # every state now looks typed
    slow = spiff.load_state(state, parts, spec, subs, 2.0)
    # The running workflow may order keys differently from a restored one; the content is the same.
    assert content(spiff.dump_state(fast)) == content(spiff.dump_state(slow)) == stored


def content(dumped: state_text.Dumped) -> dict[str, Any]:
    """The whole state of a dump, subprocesses included."""
    state = json.loads(dumped.top)
    return {**state, "subprocesses": {key: json.loads(text) for key, text in dumped.parts.items()}}


def test_typed_values_in_task_data_still_come_back_typed(factory):
    definition = deploy(factory, "approval.bpmn")
    iid = start(factory, "approval", PETUGAS)
    with factory() as s:
        loaded = runtime.load(s, s.get(Instance, iid))
    when = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    ready = next(t for t in runtime.all_tasks(loaded.workflow) if t.state == TaskState.READY)
    ready.data["visited_at"] = when
    state = spiff.dump_state(loaded.workflow)
    spec, subs = spiff.specs_for(definition.hash, lambda: definition.spec)
    restored = spiff.load_state(state.top, state.parts, spec, subs, 2.0)
    again = next(t for t in runtime.all_tasks(restored) if t.state == TaskState.READY)
    assert again.data["visited_at"] == when and isinstance(again.data["visited_at"], datetime)
    assert open_task(factory, iid, "submit")
