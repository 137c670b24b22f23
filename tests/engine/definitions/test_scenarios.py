"""Scenario tests: the shipped scenarios pass against the shipped processes; a scenario that does not
match the process fails at the step where it parts, with a code; nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.db import run_in_transaction
from engine.definitions import bundles, scenarios, versions
from engine.errors import Forbidden
from engine.models import Instance
from engine.workflow.runtime import Limits
from tests.engine.helpers import ADMIN, KABID

PROCESSES = Path(__file__).resolve().parents[3] / "processes"
SHIPPED = sorted(PROCESSES.rglob("tests/*.json"))


def deployed(factory) -> dict[str, int]:
    """Deploy the shipped processes; key -> version."""
    results = run_in_transaction(factory, lambda s: versions.deploy_folder(s, PROCESSES, ADMIN))
    return {r.definition.key: r.definition.version for r in results}


def run(factory, key: str, tests: dict[str, Any] | None = None, actor=ADMIN) -> scenarios.Outcome:
    """Deploy the shipped bundles, `key`'s with its `tests/` replaced by `tests` when given, and run its scenarios."""
    version = deployed(factory)[key]
    if tests is not None:
        folder = next(PROCESSES.rglob(f"{key}.bpmn")).parent
        bundle = {path: data for path, data in bundles.from_folder(folder).items() if not path.startswith("tests/")}
        bundle.update({f"tests/{name}": (content if isinstance(content, str) else json.dumps(content)).encode()
                       for name, content in tests.items()})
        version = run_in_transaction(factory, lambda s: versions.deploy_bundle(s, bundle, ADMIN)).definition.version
    return run_in_transaction(factory, lambda s: scenarios.run_tests(s, key, version, actor, limits=Limits()))


def scenario(name: str) -> dict[str, Any]:
    return json.loads(next(p for p in SHIPPED if p.name == name).read_text(encoding="utf-8"))


def test_the_sops_main_paths_have_scenarios():
    by_process: dict[str, int] = {}
    for path in SHIPPED:
        process = json.loads(path.read_text(encoding="utf-8"))["process"]
        by_process[process] = by_process.get(process, 0) + 1
    assert by_process == {"kitapun_senapas": 6, "pengaduan": 3}


@pytest.mark.parametrize("key", ["kitapun_senapas", "pengaduan"])
def test_shipped_scenarios_pass_and_store_no_instance(factory, key):
    outcome = run(factory, key)
    assert outcome.failed == []
    assert outcome.passed == {"kitapun_senapas": 6, "pengaduan": 3}[key]
    assert run_in_transaction(factory, lambda s: s.scalar(select(func.count()).select_from(Instance))) == 0


def test_a_wrong_expected_next_task_fails_at_that_step(factory):
    changed = scenario("pengaduan_diteruskan.json")
    changed["steps"][0]["next"] = ["Penanganan_Pengaduan"]
    outcome = run(factory, "pengaduan", {"x.json": changed})
    assert outcome.passed == 0
    [failure] = outcome.failed
    assert (failure.test, failure.step, failure.code) == (changed["name"], 1, "scenario_next_differ")
    assert failure.params["actual"] == ["Penerusan_Pengaduan"]


def test_data_the_form_refuses_fails_the_step(factory):
    changed = scenario("pengaduan_dijawab.json")
    changed["steps"][0]["data"]["telaah"]["prioritas"] = "super"
    changed["steps"][1]["data"]["penanganan"]["nomor"] = "tidak dikenal"
    [failure] = run(factory, "pengaduan", {"x.json": changed}).failed
    assert (failure.step, failure.code, failure.params["task"]) == (1, "scenario_data_refused", "Telaah_Pengaduan")


def test_a_task_that_is_not_ready_and_a_wrong_end_state_fail(factory):
    early = scenario("kitapun_tanpa_pembinaan.json")
    early["steps"].insert(1, {"task": "Pemilihan_Pembinaan", "data": {"pembinaan": []}})
    wrong_end = scenario("kitapun_tanpa_pembinaan.json")
    wrong_end["name"] = "akhir berbeda"
    wrong_end["end"]["data"]["hasil_monev.0.kesiapan.siap_dibina"] = True
    failed = {f.test: f for f in run(factory, "kitapun_senapas", {"a.json": early, "b.json": wrong_end}).failed}
    not_ready = failed[early["name"]]
    assert (not_ready.step, not_ready.code, not_ready.params["ready"]) == (
        2, "scenario_task_not_ready", ["Surat_Pemberitahuan_Monev"])
    end = failed["akhir berbeda"]
    assert (end.step, end.code) == (len(wrong_end["steps"]) + 1, "scenario_data_differs")
    assert (end.params["expected"], end.params["actual"]) == (True, False)


def test_a_document_the_step_does_not_make_fails(factory):
    changed = scenario("pengaduan_diteruskan.json")
    changed["steps"][1]["documents"] = ["complaint_reply"]
    [failure] = run(factory, "pengaduan", {"x.json": changed}).failed
    assert (failure.step, failure.code, failure.params["actual"]) == (2, "scenario_documents_differ", [])


def test_unreadable_files_fail_and_other_processes_scenarios_are_skipped(factory):
    outcome = run(factory, "pengaduan", {
        "broken.json": "{not json", "other.json": scenario("kitapun_tanpa_pembinaan.json"),
        "shape.json": {"name": "x", "process": "pengaduan", "steps": [{"data": {}}]}})
    assert outcome.passed == 0
    assert sorted((f.test, f.step, f.code) for f in outcome.failed) == [
        ("broken.json", 0, "scenario_file_invalid"), ("shape.json", 0, "scenario_file_invalid")]


def test_only_admins_run_scenarios(factory):
    with pytest.raises(Forbidden):
        run(factory, "pengaduan", actor=KABID)


def test_a_timer_step_lets_the_timer_fall_due_and_a_timer_not_waiting_fails(factory):
    escalated = scenario("pengaduan_dieskalasi.json")
    assert escalated["steps"][0] == {"timer": "Telaah_Terlambat", "next": ["Eskalasi_Pengaduan", "Telaah_Pengaduan"]}
    late = scenario("pengaduan_dieskalasi.json")
    late["name"] = "timer sesudah telaah"
    late["steps"] = [late["steps"][2], {"timer": "Telaah_Terlambat"}]
    outcome = run(factory, "pengaduan", {"a.json": escalated, "b.json": late})
    assert outcome.passed == 1
    [failure] = outcome.failed
    assert (failure.test, failure.step, failure.code) == ("timer sesudah telaah", 2, "scenario_timer_not_waiting")


def test_no_timer_falls_due_by_the_clock_only_a_timer_step_fires_one(factory):
    past = scenario("kitapun_siklus_lengkap.json")
    past["name"] = "jadwal lampau"
    for row in past["steps"][0]["data"]["jadwal"]:
        row["visit_date"] = "2020-01-02"  # long past: a live instance would escalate every visit at once
    fired = json.loads(json.dumps(past))
    fired["name"] = "jadwal lampau, satu kunjungan terlambat"
    confirmed = fired["steps"][2]["next"]
    fired["steps"] = fired["steps"][:3] + [{"timer": "Kunjungan_Terlambat", "item": {"library": 1},
                                            "next": sorted(["Eskalasi_Kunjungan", *confirmed])}]
    fired["end"] = {"status": "running"}
    outcome = run(factory, "kitapun_senapas", {"a.json": past, "b.json": fired})
    assert (outcome.passed, outcome.failed) == (2, [])
