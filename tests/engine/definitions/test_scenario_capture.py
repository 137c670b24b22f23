"""A scenario test written from an instance: the demo office's cycles (made through the real engine, timers
fired by the worker) become scenarios that pass on their version; paths the trail cannot retrace, bad names,
non-admins and instances without an end are refused, and nothing is stored then.

The tests read whatever path the instances took (the trail, the task rows), never a fixed task list.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from engine import instances
from engine.config import PROJECT_DIR, Settings
from engine.db import run_in_transaction
from engine.definitions import scenario_capture, scenarios, versions
from engine.documents.documents import Document
from engine.errors import BadRequest, Conflict, Forbidden, ValidationFailed
from engine.libraries import registry
from engine.models import AuditEvent, Definition, Instance, Task, TaskStatus
from engine.workflow.runtime import Limits
from tests.engine.helpers import ADMIN, KABID
from web import demo

LIMITS = Limits()


@pytest.fixture
def office(factory: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    """The demo's living office: an earlier cycle finished, a current one with an escalated visit, complaints."""
    settings = Settings(database_url="sqlite:///unused", secret_key="test", processes_dir=PROJECT_DIR / "processes",
                        instance_dir=tmp_path)
    demo.prepare(settings, factory, demo.DEMO_PASSWORD, say=lambda _text: None)
    return factory


def cycle(factory: sessionmaker[Session], status: str) -> int:
    """A kitapun cycle of the office with this status (the earliest one)."""
    with factory() as s:
        found = s.scalar(select(Instance.id).where(Instance.definition_key == "kitapun_senapas",
                                                   Instance.status == status).order_by(Instance.id))
    assert found is not None
    return int(found)


def trail(factory: sessionmaker[Session], instance_id: int, *actions: str) -> list[AuditEvent]:
    with factory() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                       AuditEvent.action.in_(actions)).order_by(AuditEvent.id)))


def save(factory: sessionmaker[Session], instance_id: int, name: str = "dari_instans", actor=ADMIN,
         mode: str = "draft", **kwargs) -> scenario_capture.Captured:
    return run_in_transaction(factory, lambda s: scenario_capture.save(s, instance_id, actor, name, limits=LIMITS,
                                                                       mode=mode, **kwargs))


def versions_of(factory: sessionmaker[Session]) -> list[tuple[int, str]]:
    with factory() as s:
        return [tuple(row) for row in s.execute(select(Definition.version, Definition.status)
                                                 .where(Definition.key == "kitapun_senapas")
                                                 .order_by(Definition.version))]


def test_a_finished_cycle_is_saved_as_a_draft_whose_scenarios_all_pass(office):
    finished = cycle(office, "completed")
    before = versions_of(office)
    captured = save(office, finished, "siklus_demo", note="Siklus demo sebagai uji regresi", title="Siklus demo")
    draft = captured.draft
    assert draft is not None and draft.status == "draft" and draft.version == before[-1][0] + 1
    assert versions_of(office)[:-1] == before  # the current version stays current
    stored = run_in_transaction(office, lambda s: versions.stored_bundle(
        versions.get_version(s, "kitapun_senapas", draft.version)))
    assert json.loads(stored["tests/siklus_demo.json"]) == captured.scenario
    scenario = captured.scenario
    assert (scenario["name"], scenario["description"], scenario["end"]["status"]) == (
        "Siklus demo", "Siklus demo sebagai uji regresi", "completed")
    # Every completion of the trail, in order, with the data submitted (registry facts moved to `registry`).
    completes = trail(office, finished, "complete")
    assert [step["task"] for step in scenario["steps"] if "task" in step] == [e.task_name for e in completes]
    jadwal = next(step for step in scenario["steps"] if step.get("task") == "Koordinasi_Monev")["data"]["jadwal"]
    assert jadwal and not any(set(row) & set(registry.FACT_KEYS) for row in jadwal)
    assert {str(row["library"]) for row in jadwal} <= set(scenario["registry"])
    # The visits' days had passed when the mitra confirmed: each track's timer fell due and is a step.
    fired = trail(office, finished, "timer_fired")
    assert fired and [(s["timer"], s["item"]) for s in scenario["steps"] if "timer" in s] == [
        (e.task_name, e.data["item"]) for e in fired]
    with office() as s:
        kinds = set(s.scalars(select(func.distinct(Document.kind))
                              .where(Document.instance_id == finished)))
    listed = {kind for step in scenario["steps"] for kind in step.get("documents", [])}
    assert listed and listed <= kinds
    assert scenario["end"]["data"] and all("." in path for path in scenario["end"]["data"])
    outcome = run_in_transaction(office, lambda s: scenarios.run_tests(s, "kitapun_senapas", draft.version, ADMIN,
                                                                        limits=LIMITS))
    shipped = len(list((PROJECT_DIR / "processes" / "kitapun_senapas" / "tests").glob("*.json")))
    assert (outcome.passed, outcome.failed) == (shipped + 1, [])


def test_a_running_cycle_downloads_a_scenario_ending_at_its_open_tasks_and_stores_nothing(office):
    running = cycle(office, "running")
    before = versions_of(office)
    captured = save(office, running, "siklus_berjalan.json", mode="download")
    assert captured.draft is None and captured.path == "tests/siklus_berjalan.json"
    assert versions_of(office) == before
    assert json.loads(captured.text) == captured.scenario
    steps = captured.scenario["steps"]
    with office() as s:
        open_names = sorted(s.scalars(select(Task.name).where(Task.instance_id == running,
                                                              Task.status == TaskStatus.OPEN)))
    assert captured.scenario["end"]["status"] == "running" and steps[-1]["next"] == open_names
    # The worker fired the overdue visit's timer: audited with the timer's id and its library's track.
    fired = trail(office, running, "timer_fired")
    assert fired and all(e.actor == "sistem" and set(e.data["item"]) == {"library"} for e in fired)
    assert Counter(s["timer"] for s in steps if "timer" in s) == Counter(e.task_name for e in fired)
    stage = run_in_transaction(office, lambda s: scenarios.stage(versions.latest(s, "kitapun_senapas")))
    assert stage.run(captured.scenario, LIMITS) is None


def test_a_trail_without_its_timer_firings_is_refused_and_nothing_is_stored(office):
    finished = cycle(office, "completed")
    fired, completes = trail(office, finished, "timer_fired"), trail(office, finished, "complete")
    assert fired
    # As an instance whose timers fell due before Senapas audited them: what they opened has no cause.
    run_in_transaction(office, lambda s: s.execute(delete(AuditEvent).where(AuditEvent.instance_id == finished,
                                                                           AuditEvent.action == "timer_fired")))
    before = versions_of(office)
    with pytest.raises(Conflict) as refused:
        save(office, finished)
    assert refused.value.case == "scenario_not_reproduced"
    [detail] = refused.value.details
    assert detail["code"] == "scenario_task_not_ready"
    assert detail["params"]["task"] in {e.task_name for e in completes if e.id > fired[0].id}
    assert versions_of(office) == before


@pytest.mark.parametrize("name", ["", "../luar", "a b", "tests/x", ".tersembunyi", "x" * 81, "é"])
def test_unsafe_names_are_refused_before_anything_runs(office, name):
    with pytest.raises(ValidationFailed) as refused:
        save(office, cycle(office, "completed"), name)
    assert refused.value.case == "scenario_name_invalid"


def test_a_name_the_version_has_already_is_refused_and_an_unknown_way_of_saving_too(office):
    shipped = sorted((PROJECT_DIR / "processes" / "kitapun_senapas" / "tests").glob("*.json"))[0].stem
    with pytest.raises(Conflict) as taken:
        save(office, cycle(office, "completed"), shipped)
    assert taken.value.case == "scenario_name_taken"
    with pytest.raises(BadRequest) as mode:
        save(office, cycle(office, "completed"), mode="zip")
    assert mode.value.case == "scenario_mode_invalid"


def test_only_admins_save_scenarios(office):
    with pytest.raises(Forbidden):
        save(office, cycle(office, "completed"), actor=KABID)


def test_a_cancelled_instance_has_no_end_to_expect(office):
    with office() as s:
        newest = int(s.scalar(select(func.max(Instance.id)).where(Instance.definition_key == "kitapun_senapas")))
    run_in_transaction(office, lambda s: instances.cancel(s, newest, KABID, "jadwal batal"))
    with pytest.raises(Conflict) as refused:
        save(office, newest)
    assert (refused.value.case, refused.value.params) == ("scenario_instance_unfit", {"status": "cancelled"})
