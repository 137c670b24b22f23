"""The action runner: an incident saves nothing of the run, listeners see one action's steps, retries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, instances
from engine.db import run_in_transaction
from engine.definitions import versions
from engine.documents import documents
from engine.models import Instance, Task
from engine.people.users import SYSTEM_ACTOR
from engine.workflow import action, runtime, storage
from engine.workflow.runtime import Limits
from tests.engine.helpers import ADMIN, KABID, LIMITS, PETUGAS, complete, instance, open_names, open_task, start

# Two steps that each leave a letter when they complete, with scripts between them: `mode` "fail"
# breaks the second script, and a cap of 0 engine steps stops the first one.
BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs"
    targetNamespace="http://senapas.test">
  <bpmn:collaboration id="collab"><bpmn:participant id="pool" processRef="langkah"/></bpmn:collaboration>
  <bpmn:process id="langkah" name="Langkah" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="l_petugas" name="petugas">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>first</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>prepare</bpmn:flowNodeRef><bpmn:flowNodeRef>calc</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>second</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="first" name="Pertama">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="documents" value="monev_notification"/>
        <spiffworkflow:property name="formJsonSchemaFilename" value="mode.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:scriptTask id="prepare"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>ready = True</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="calc"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>result = 1 / 0 if mode == "fail" else 1</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="second" name="Kedua">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="documents" value="monev_notification"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first"/>
    <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="prepare"/>
    <bpmn:sequenceFlow id="f3" sourceRef="prepare" targetRef="calc"/>
    <bpmn:sequenceFlow id="f4" sourceRef="calc" targetRef="second"/>
    <bpmn:sequenceFlow id="f5" sourceRef="second" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
NO_ENGINE_STEPS = Limits(max_engine_steps=0)
MODE_FORM = {"type": "object", "properties": {"mode": {"type": "string", "title": "Cara"}}}


@pytest.fixture
def started(factory: sessionmaker[Session], tmp_path: Path) -> int:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "mode.json").write_text(json.dumps(MODE_FORM))
    run_in_transaction(factory, lambda s: versions.deploy(s, BPMN.encode(), "langkah.bpmn", ADMIN,
                                                          processes_dir=tmp_path))
    return start(factory, "langkah", PETUGAS)


def history(factory: sessionmaker[Session], instance_id: int) -> list[tuple[str, str]]:
    with factory() as s:
        return [(e.action, e.actor) for e in audit.history(s, instance_id)]


def kinds_by_task(factory: sessionmaker[Session], instance_id: int) -> dict[str, list[str]]:
    with factory() as s:
        rows = s.execute(select(Task.id, Task.name).where(Task.instance_id == instance_id))
        names = {row.id: row.name for row in rows}
        found: dict[str, list[str]] = {}
        for document in documents.list_for_instance(s, instance_id):
            found.setdefault(names[str(document.task_id)], []).append(document.kind)
        return found


def stored(factory, instance_id):
    """The instance's stored workflow state, as the next action would restore it."""
    with factory() as s:
        return storage.stored_state(s, instance_id)


def test_a_failing_script_is_one_incident_and_saves_nothing_of_the_run(factory, started):
    first = open_task(factory, started, "first")
    before, state_before = instance(factory, started), stored(factory, started)
    result = complete(factory, first, PETUGAS, {"mode": "fail"})
    row = instance(factory, started)
    assert (result.status, result.next_tasks) == ("error", []) and "ZeroDivisionError" in str(result.incident)
    assert row.status == "error" and row.incident["task"] == "calc" and row.incident["action"] == "complete"
    assert (stored(factory, started), row.open_tasks) == (state_before, before.open_tasks)
    assert open_names(factory, started) == ["first"] and kinds_by_task(factory, started) == {}
    assert history(factory, started) == [("start", "petugas"), ("incident", "sistem")]


def test_listeners_see_only_the_steps_of_their_own_action(factory, started):
    complete(factory, open_task(factory, started, "first"), PETUGAS, {"mode": "ok"})
    assert kinds_by_task(factory, started) == {"first": ["monev_notification"]}
    complete(factory, open_task(factory, started, "second"), PETUGAS)
    assert kinds_by_task(factory, started) == {"first": ["monev_notification"], "second": ["monev_notification"]}
    assert instance(factory, started).status == "completed"
    assert history(factory, started) == [("start", "petugas"), ("complete", "petugas"), ("complete", "petugas")]


def test_a_retry_that_runs_completes_the_step_for_the_person_who_submitted_it(factory, started):
    first = open_task(factory, started, "first")
    complete(factory, first, PETUGAS, {"mode": "ok"}, limits=NO_ENGINE_STEPS)
    assert instance(factory, started).status == "error"
    run_in_transaction(factory, lambda s: instances.retry(s, started, KABID, "batas dinaikkan", limits=LIMITS))
    row = instance(factory, started)
    assert (row.status, row.incident) == ("running", None) and open_names(factory, started) == ["second"]
    with factory() as s:
        assert s.get(Task, first).completed_by == "petugas"
    assert kinds_by_task(factory, started) == {"first": ["monev_notification"]}
    assert history(factory, started) == [("start", "petugas"), ("incident", "sistem"), ("retry", "kabid"),
                                         ("complete", "petugas")]


def test_a_retry_that_fails_again_shows_the_new_failure(factory, started):
    complete(factory, open_task(factory, started, "first"), PETUGAS, {"mode": "fail"}, limits=NO_ENGINE_STEPS)
    assert "langkah" in instance(factory, started).incident["message"]
    run_in_transaction(factory, lambda s: instances.retry(s, started, KABID, "coba lagi", limits=LIMITS))
    row = instance(factory, started)
    assert row.status == "error" and "ZeroDivisionError" in row.incident["message"]
    assert row.incident["actor"] == "petugas" and row.incident["data"] == {"mode": "fail"}
    assert [action for action, _ in history(factory, started)] == ["start", "incident", "retry", "incident"]


def test_engine_steps_with_an_event_are_audited_as_that_event(factory, started):
    def run(s: Session) -> action.Outcome:
        row = s.get(Instance, started)
        assert row is not None
        return action.act(s, runtime.load(s, row, LIMITS), SYSTEM_ACTOR, LIMITS, event="timer")

    outcome = run_in_transaction(factory, run)
    assert outcome == action.Outcome([]) and open_names(factory, started) == ["first"]
    assert history(factory, started) == [("start", "petugas"), ("timer", "sistem")]
