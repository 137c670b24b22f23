"""Scenario tests: the shipped scenarios pass against the shipped processes; a scenario that does not
match the process fails at the step where it parts, with a code; nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.db import run_in_transaction
from engine.definitions import scenarios, versions
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


def run(factory, key: str, folder: Path, actor=ADMIN) -> scenarios.Outcome:
    version = deployed(factory)[key]
    return run_in_transaction(factory, lambda s: scenarios.run_tests(s, key, version, actor, folder=folder,
                                                                      limits=Limits()))


def scenario(name: str) -> dict[str, Any]:
    return json.loads(next(p for p in SHIPPED if p.name == name).read_text(encoding="utf-8"))


def write(folder: Path, name: str, content: Any) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_the_sops_main_paths_have_scenarios():
    by_process: dict[str, int] = {}
    for path in SHIPPED:
        process = json.loads(path.read_text(encoding="utf-8"))["process"]
        by_process[process] = by_process.get(process, 0) + 1
    assert by_process == {"kitapun_senapas": 2, "pengaduan": 2}


@pytest.mark.parametrize("key", ["kitapun_senapas", "pengaduan"])
def test_shipped_scenarios_pass_and_store_no_instance(factory, key):
    folder = SHIPPED[0].parent
    outcome = run(factory, key, folder)
    assert outcome.failed == []
    assert outcome.passed == 2
    assert run_in_transaction(factory, lambda s: s.scalar(select(func.count()).select_from(Instance))) == 0


def test_a_wrong_expected_next_task_fails_at_that_step(factory, tmp_path):
    changed = scenario("pengaduan_diteruskan.json")
    changed["steps"][0]["next"] = ["Penanganan_Pengaduan"]
    write(tmp_path / "t", "x.json", changed)
    outcome = run(factory, "pengaduan", tmp_path / "t")
    assert outcome.passed == 0
    [failure] = outcome.failed
    assert (failure.test, failure.step, failure.code) == (changed["name"], 1, "scenario_next_differ")
    assert failure.params["actual"] == ["Penerusan_Pengaduan"]


def test_data_the_form_refuses_fails_the_step(factory, tmp_path):
    changed = scenario("pengaduan_dijawab.json")
    changed["steps"][0]["data"]["telaah"]["prioritas"] = "super"
    changed["steps"][1]["data"]["penanganan"]["nomor"] = "tidak dikenal"
    write(tmp_path / "t", "x.json", changed)
    [failure] = run(factory, "pengaduan", tmp_path / "t").failed
    assert (failure.step, failure.code, failure.params["task"]) == (1, "scenario_data_refused", "Telaah_Pengaduan")


def test_a_task_that_is_not_ready_and_a_wrong_end_state_fail(factory, tmp_path):
    early = scenario("kitapun_tanpa_pembinaan.json")
    early["steps"].insert(1, {"task": "Pemilihan_Pembinaan", "data": {"pembinaan": []}})
    wrong_end = scenario("kitapun_tanpa_pembinaan.json")
    wrong_end["name"] = "akhir berbeda"
    wrong_end["end"]["data"]["hasil_monev.0.kesiapan.siap_dibina"] = True
    write(tmp_path / "t", "a.json", early)
    write(tmp_path / "t", "b.json", wrong_end)
    failed = {f.test: f for f in run(factory, "kitapun_senapas", tmp_path / "t").failed}
    not_ready = failed[early["name"]]
    assert (not_ready.step, not_ready.code, not_ready.params["ready"]) == (
        2, "scenario_task_not_ready", ["Surat_Pemberitahuan_Monev"])
    end = failed["akhir berbeda"]
    assert (end.step, end.code) == (len(wrong_end["steps"]) + 1, "scenario_data_differs")
    assert (end.params["expected"], end.params["actual"]) == (True, False)


def test_a_document_the_step_does_not_make_fails(factory, tmp_path):
    changed = scenario("pengaduan_diteruskan.json")
    changed["steps"][1]["documents"] = ["complaint_reply"]
    write(tmp_path / "t", "x.json", changed)
    [failure] = run(factory, "pengaduan", tmp_path / "t").failed
    assert (failure.step, failure.code, failure.params["actual"]) == (2, "scenario_documents_differ", [])


def test_unreadable_files_fail_and_other_processes_scenarios_are_skipped(factory, tmp_path):
    folder = tmp_path / "t"
    write(folder, "broken.json", "{not json")
    write(folder, "shape.json", {"name": "x", "process": "pengaduan", "steps": [{"data": {}}]})
    write(folder, "other.json", scenario("kitapun_tanpa_pembinaan.json"))
    outcome = run(factory, "pengaduan", folder)
    assert outcome.passed == 0
    assert sorted((f.test, f.step, f.code) for f in outcome.failed) == [
        ("broken.json", 0, "scenario_file_invalid"), ("shape.json", 0, "scenario_file_invalid")]
    assert str(tmp_path) not in json.dumps([f.params for f in outcome.failed])


def test_only_admins_run_scenarios(factory):
    with pytest.raises(Forbidden):
        run(factory, "pengaduan", SHIPPED[0].parent, actor=KABID)
