"""Documents and letter numbers: unique, gapless numbering under concurrency, and rows per completed step."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine import settings, tasks
from engine.db import run_in_transaction
from engine.definitions import versions as definitions
from engine.documents import documents
from engine.documents import numbers as letter_numbers
from engine.errors import NotFound
from engine.libraries import registry as libraries
from engine.libraries import results as library_results
from engine.models import Definition, Instance
from engine.people.users import Actor, create_user
from engine.workflow.steps import StepDone
from tests.engine.helpers import ADMIN, LIMITS, PETUGAS, open_task, race, start

MARCH_2027 = datetime(2027, 3, 12, 2, 0, tzinfo=UTC)
BUDI = Actor("budi", frozenset({"petugas"}))


def _instance(factory: sessionmaker[Session]) -> int:
    """A bare instance row for documents to hang on."""
    def work(s: Session) -> int:
        definition = Definition(key="monev", name="Monev", version=1, hash="x" * 64, filename="monev.bpmn",
                                bpmn=b"<x/>", files={}, forms={}, spec="{}", start_roles=[], deployed_by="admin")
        s.add(definition)
        s.flush()
        instance = Instance(definition_id=definition.id, definition_key="monev", started_by="admin",
                            title="Monev Perpustakaan 2027 Tahap I")
        s.add(instance)
        s.flush()
        return instance.id
    return run_in_transaction(factory, work)


def _step(kinds: str, data: dict[str, Any] | None = None, *, name: str = "kunjungan_monev",
          item: tuple[str | None, str | None] = (None, None)) -> StepDone:
    return StepDone(task_id="t-" + name, name=name, title=name, properties={"documents": kinds},
                    data=data or {}, item_key=item[0], item_label=item[1])


def _generate(factory: sessionmaker[Session], instance_id: int, step: StepDone,
              actor: Actor = BUDI) -> list[int]:
    def work(s: Session) -> list[int]:
        instance = s.get(Instance, instance_id)
        assert instance is not None
        created = documents.on_step_done(s, instance, step, actor)
        s.flush()
        return [d.id for d in created]
    return run_in_transaction(factory, work)


def _allocate(factory: sessionmaker[Session], code: str, year: int) -> int:
    return run_in_transaction(factory, lambda s: letter_numbers.allocate(s, code, year))


def test_numbers_are_unique_and_gapless_under_concurrent_allocation(factory: sessionmaker[Session]) -> None:
    threads, each = 8, 5

    def officer() -> list[int]:
        return [_allocate(factory, "000.4", 2027) for _ in range(each)]

    results = race(*[officer] * threads)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(n for numbers in results for n in numbers) == list(range(1, threads * each + 1))


def test_concurrent_documents_get_distinct_consecutive_numbers(factory: sessionmaker[Session]) -> None:
    instance_id = _instance(factory)
    threads, each = 4, 3

    def officer() -> None:
        for _ in range(each):
            _generate(factory, instance_id, _step("monev_notification"))

    with time_machine.travel(MARCH_2027, tick=True):
        results = race(*[officer] * threads)
    assert not [r for r in results if isinstance(r, BaseException)], results
    with factory() as s:
        numbers = [n for n in s.scalars(select(documents.Document.number)) if n is not None]
        seqs = [n for n in s.scalars(select(documents.Document.seq)) if n is not None]
    assert len(numbers) == len(seqs) == threads * each
    assert sorted(seqs) == list(range(1, threads * each + 1))
    assert sorted(numbers) == sorted(f"000.4/{n}/Dispusip/2027" for n in range(1, threads * each + 1))


def test_rolled_back_transaction_gives_its_number_back(factory: sessionmaker[Session]) -> None:
    assert _allocate(factory, "000.4", 2027) == 1

    def fails(s: Session) -> None:
        assert letter_numbers.allocate(s, "000.4", 2027) == 2
        raise RuntimeError("the completion failed after the number was taken")

    with pytest.raises(RuntimeError):
        run_in_transaction(factory, fails)
    assert _allocate(factory, "000.4", 2027) == 2


def test_a_new_year_restarts_at_one(factory: sessionmaker[Session]) -> None:
    assert [_allocate(factory, "000.4", 2027) for _ in range(3)] == [1, 2, 3]
    assert _allocate(factory, "000.4", 2028) == 1
    assert _allocate(factory, "000.4", 2027) == 4


def test_codes_count_separately(factory: sessionmaker[Session]) -> None:
    assert _allocate(factory, "000.4", 2027) == 1
    assert _allocate(factory, "800.1.11.1", 2027) == 1
    assert _allocate(factory, "000.4", 2027) == 2
    assert _allocate(factory, "800.1.11.1", 2027) == 2


def test_number_pattern_placeholders() -> None:
    when = datetime(2027, 3, 12)
    assert letter_numbers.format_number("{code}/{seq}/{unit}/{year}", code="000.4", seq=12, unit="Dispusip",
                                        when=when) == "000.4/12/Dispusip/2027"
    assert letter_numbers.format_number("{code}/{seq}/{unit}/{month}/{year}", code="000.4", seq=3,
                                        unit="Dispusip", when=when) == "000.4/3/Dispusip/III/2027"


@pytest.mark.parametrize("pattern", ["{code}/{unit}/{year}", "{seq}/{year}", "{code}/{seq}/{year.__class__}",
                                     "{code}/{seq}/{nope}/{year}"])
def test_unusable_pattern_falls_back_to_the_default(pattern: str) -> None:
    assert not letter_numbers.valid_pattern(pattern)
    assert letter_numbers.format_number(pattern, code="000.4", seq=1, unit="Dispusip",
                                        when=datetime(2027, 1, 5)) == "000.4/1/Dispusip/2027"


def test_completed_step_creates_numbered_documents_of_its_kinds(factory: sessionmaker[Session]) -> None:
    run_in_transaction(factory, lambda s: create_user(s, "budi", "rahasia-uji", ["petugas"], name="Budi Santoso",
                                                      nip="198505052010011005", rank="Penata (III/c)",
                                                      position="Pustakawan Ahli Muda"))
    instance_id = _instance(factory)
    data = {"jadwal": [{"library": 7, "visit_date": "2027-03-15", "officer": "budi"}],
            "kunjungan": {"library": 7, "visit_date": "2027-03-15", "officer": "budi"}}
    step = _step("monev_notification, surat_tugas, monev_report", data, item=("7", "SD Negeri 1 Contoh"))
    with time_machine.travel(MARCH_2027, tick=False):
        ids = _generate(factory, instance_id, step)
    with factory() as s:
        docs = documents.list_for_instance(s, instance_id)
        assert [d.id for d in docs] == ids
        assert [d.kind for d in docs] == ["monev_notification", "surat_tugas", "monev_report"]
        notification, letter, report = docs
        assert notification.number == "000.4/1/Dispusip/2027"
        assert letter.number == "800.1.11.1/1/Dispusip/2027"
        assert report.number == "000.4/2/Dispusip/2027"
        assert letter.filename == "surat-tugas-800-1-11-1-1-2027.pdf"
        assert letter.title == "Surat Tugas – SD Negeri 1 Contoh"
        assert (letter.task_id, letter.step, letter.created_by) == ("t-kunjungan_monev", "kunjungan_monev", "budi")
        context = letter.context
        assert context["date"] == "2027-03-12"
        assert context["officers"]["budi"] == {"name": "Budi Santoso", "nip": "198505052010011005",
                                               "rank": "Penata (III/c)", "position": "Pustakawan Ahli Muda"}
        assert context["item"] == {"key": "7", "label": "SD Negeri 1 Contoh"}
        assert context["data"]["kunjungan"]["officer"] == "budi"
        assert context["legal_bases"] == settings.DEFAULTS["letter_legal_bases"]
        assert context["signatory"] == settings.DEFAULTS["letter_signatories"]["kepala_dinas"]
        assert report.context["signatory"] == settings.DEFAULTS["letter_signatories"]["kabid"]
        assert documents.list_for_task(s, "t-kunjungan_monev") == docs
        assert documents.get(s, letter.id) is letter


def test_unknown_kinds_and_steps_without_documents_create_nothing(factory: sessionmaker[Session]) -> None:
    instance_id = _instance(factory)
    assert _generate(factory, instance_id, _step("no_such_letter")) == []
    assert _generate(factory, instance_id, _step("")) == []
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(documents.Document)) == 0
        with pytest.raises(NotFound):
            documents.get(s, 12345)


def test_a_kind_without_code_has_no_number(factory: sessionmaker[Session]) -> None:
    codes = dict(settings.DEFAULTS["letter_codes"], monev_summary="")
    run_in_transaction(factory, lambda s: settings.put(s, "letter_codes", codes, "admin"))
    instance_id = _instance(factory)
    [doc_id] = _generate(factory, instance_id, _step("monev_summary", {"periode": "Monev 2027"}))
    with factory() as s:
        document = documents.get(s, doc_id)
        assert (document.number, document.seq, document.code) == (None, None, None)
        assert document.filename == f"monev-summary-{doc_id}.pdf"
        assert document.title == "Rekapitulasi Hasil Monev – Monev 2027"


def test_context_is_a_snapshot_of_the_settings_at_creation(factory: sessionmaker[Session]) -> None:
    instance_id = _instance(factory)
    [first] = _generate(factory, instance_id, _step("complaint_reply", {"reference": "ADU-1"}))
    signers = settings.DEFAULTS["letter_signatories"]
    changed = {**signers, "kepala_dinas": {**signers["kepala_dinas"], "name": "Pejabat Baru (fiktif)"}}
    run_in_transaction(factory, lambda s: settings.put(s, "letter_signatories", changed, "admin"))
    [second] = _generate(factory, instance_id, _step("complaint_reply", {"reference": "ADU-2"}))
    with factory() as s:
        assert documents.get(s, first).context["signatory"]["name"] == "Drs. Contoh Nama, M.Si. (fiktif)"
        assert documents.get(s, second).context["signatory"]["name"] == "Pejabat Baru (fiktif)"
        assert documents.get(s, second).title == "Surat Balasan Pengaduan ADU-2"


def test_number_year_follows_the_agency_time_zone(factory: sessionmaker[Session]) -> None:
    instance_id = _instance(factory)
    # 31 December 2027, 18:00 UTC is already 1 January 2028 in Sukoharjo (UTC+7).
    with time_machine.travel(datetime(2027, 12, 31, 18, 0, tzinfo=UTC), tick=False):
        [doc_id] = _generate(factory, instance_id, _step("surat_tugas"))
    with factory() as s:
        document = documents.get(s, doc_id)
        assert (document.number, document.context["date"]) == ("800.1.11.1/1/Dispusip/2028", "2028-01-01")


def test_pdf_is_rendered_once_and_cached(factory: sessionmaker[Session]) -> None:
    instance_id = _instance(factory)
    [doc_id] = _generate(factory, instance_id, _step("surat_tugas"))
    calls: list[int] = []

    def render(document: documents.Document) -> bytes:
        calls.append(document.id)
        return b"%PDF-1.7 " + document.kind.encode()

    first = run_in_transaction(factory, lambda s: documents.pdf_bytes(s, documents.get(s, doc_id), render))
    second = run_in_transaction(factory, lambda s: documents.pdf_bytes(s, documents.get(s, doc_id), render))
    assert first == second == b"%PDF-1.7 surat_tugas"
    assert calls == [doc_id]
    with factory() as s:
        listed = documents.list_for_instance(s, instance_id)
        assert "pdf" not in listed[0].__dict__  # listing does not load the cached file
        assert listed[0].rendered_at is not None


BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs"
    targetNamespace="http://senapas.test">
  <bpmn:collaboration id="collab"><bpmn:participant id="pool" processRef="surat"/></bpmn:collaboration>
  <bpmn:process id="surat" name="Surat" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="l_petugas" name="petugas">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>write</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="write" name="Tulis surat">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="documents" value="monev_notification,surat_tugas"/>
        <spiffworkflow:property name="formJsonSchemaFilename" value="surat.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="write"/>
    <bpmn:sequenceFlow id="f2" sourceRef="write" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


SURAT_FORM = {"type": "object", "properties": {"periode": {"type": "string", "title": "Periode"}}}


def test_completing_a_task_produces_its_documents(factory: sessionmaker[Session], tmp_path: Path) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "surat.json").write_text(json.dumps(SURAT_FORM))
    run_in_transaction(factory, lambda s: definitions.deploy(s, BPMN.encode(), "surat.bpmn", ADMIN,
                                                             processes_dir=tmp_path))
    instance_id = start(factory, "surat", PETUGAS)
    task_id = open_task(factory, instance_id, "write")
    run_in_transaction(factory, lambda s: tasks.complete(s, task_id, PETUGAS, {"periode": "Monev 2027"}, limits=LIMITS))
    with factory() as s:
        docs = documents.list_for_task(s, task_id)
        assert [d.kind for d in docs] == ["monev_notification", "surat_tugas"]
        assert all(d.instance_id == instance_id and d.created_by == "petugas" for d in docs)
        assert docs[0].context["data"]["periode"] == "Monev 2027"
        assert [d.seq for d in docs] == [1, 1]


def test_summaries_snapshot_the_results_recorded_in_the_registry(factory: sessionmaker[Session]) -> None:
    instance_id = _instance(factory)

    def record(s: Session) -> tuple[int, int]:
        ids = []
        for name, score, ready in (("SD Negeri 1 Contoh", 79.5, True), ("TBM Pelangi", 48.4, False)):
            library, _ = libraries.create_library(s, name=name, kecamatan="Weru", library_type="tbm")
            s.flush()
            library_results.record_result(s, library.id, "monev", score, "budi", grade="B", instance_id=instance_id,
                                          components=[{"key": "koleksi", "title": "Koleksi", "score": 16.0}],
                                          details={"ready_for_coaching": ready})
            ids.append(library.id)
        return ids[0], ids[1]

    first, second = run_in_transaction(factory, record)
    [summary] = _generate(factory, instance_id, _step("monev_summary", {"pembinaan": [first]}, name="pemilihan"))
    [accreditation] = _generate(factory, instance_id, _step("accreditation_summary", name="pendampingan",
                                                            item=(str(second), None)))
    with factory() as s:
        rows = documents.get(s, summary).context["results"]
        assert [(r["library"], r["library_name"], r["total"], r["ready"]) for r in rows] == [
            (first, "SD Negeri 1 Contoh", 79.5, True), (second, "TBM Pelangi", 48.4, False)]
        assert rows[0]["components"] == [{"key": "koleksi", "title": "Koleksi", "score": 16.0}]
        document = documents.get(s, accreditation)
        assert [r["library"] for r in document.context["results"]] == [second]
        assert document.context["library"]["library_name"] == "TBM Pelangi"
        assert document.title == "Ringkasan Hasil Akreditasi – TBM Pelangi"
        assert documents.cycle_results(s, instance_id, first)[0]["kecamatan"] == "Weru"


def test_a_partly_stored_table_setting_keeps_the_defaults_of_other_kinds(factory: sessionmaker[Session]) -> None:
    run_in_transaction(factory, lambda s: settings.put(s, "letter_codes", {"surat_tugas": "000.1.2.3"}, "admin"))
    instance_id = _instance(factory)
    with time_machine.travel(MARCH_2027, tick=False):
        ids = _generate(factory, instance_id, _step("surat_tugas,monev_report"))
    with factory() as s:
        assert [documents.get(s, i).number for i in ids] == ["000.1.2.3/1/Dispusip/2027", "000.4/1/Dispusip/2027"]


def test_a_setting_changed_in_the_transaction_is_what_the_next_read_sees(factory):
    def work(s):
        before = settings.get(s, "letter_unit")
        settings.put(s, "letter_unit", "Dispusip-Uji", "admin")
        return before, settings.get(s, "letter_unit")

    assert run_in_transaction(factory, work) == (settings.DEFAULTS["letter_unit"], "Dispusip-Uji")
    with factory() as s:
        assert settings.get(s, "letter_unit") == "Dispusip-Uji"
        s.commit()  # a new transaction of the same session reads again, seeing another's change
        run_in_transaction(factory, lambda other: settings.put(other, "letter_unit", "Dispusip-2", "admin"))
        assert settings.get(s, "letter_unit") == "Dispusip-2"
