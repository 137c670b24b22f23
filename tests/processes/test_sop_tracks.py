"""The per-library tracks through the engine: called processes bundled into the SOP's version.

Each track (steps 4–5 `monev_perpustakaan`, steps 8–9 `pembinaan_perpustakaan`) receives only its
multi-instance item and returns only its result, so neither its tasks nor its letters carry the
cycle's data, and the stored state does not repeat that data once per library. What people see stays
as before: work items keyed by library, lanes, due dates from the item, letters on open and on
completion, results recorded on the library.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import instances, tasks
from engine.db import run_in_transaction
from engine.definitions import versions as definitions
from engine.documents import documents
from engine.errors import ValidationFailed
from engine.libraries import registry as libraries
from engine.models import Instance, Task, TaskStatus
from engine.people import users
from engine.people.users import Actor
from engine.workflow import storage as instance_state
from engine.workflow.runtime import END_OF_SERVICE_DAY, WIB
from tests.engine.helpers import LIMITS
from tests.processes.accreditation import accompaniment, result, submission
from tests.processes.helpers import PROCESSES_DIR, answers

ADMIN = Actor("admin", frozenset({"admin"}))
KABID = Actor("kabid", frozenset({"kabid"}))
PETUGAS = Actor("petugas", frozenset({"petugas"}))
MITRA = Actor("mitra", frozenset({"mitra"}))
TODAY = date.today()
NOTULEN = "Rapat koordinasi menetapkan sasaran dan jadwal monev tahap I."
# What the cycle holds besides the tracks' results; none of it may reach a track.
CYCLE_KEYS = {"periode", "jadwal", "notulen", "surat_monev", "konfirmasi", "hasil_monev", "pembinaan",
              "catatan_pemilihan", "surat_pembinaan", "jadwal_pembinaan", "daftar_pembinaan"}


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def end_of_service(visit: date) -> datetime:
    return datetime.combine(visit, END_OF_SERVICE_DAY, tzinfo=WIB)


@pytest.fixture
def sop(factory: sessionmaker[Session]) -> tuple[sessionmaker[Session], dict[str, list[str]], list[int]]:
    """The processes folder deployed (keys -> bundled files) and three libraries in the registry."""
    deployed = run_in_transaction(factory, lambda s: {
        r.definition.key: sorted(r.definition.files) for r in definitions.deploy_folder(s, PROCESSES_DIR, ADMIN)})
    ids = run_in_transaction(factory, lambda s: [
        libraries.create_library(s, name=f"Perpustakaan SD Contoh Track {n}", kecamatan="Baki",
                                 library_type="sekolah", subtype="SD")[0].id for n in (1, 2, 3)])
    run_in_transaction(factory, lambda s: users.create_user(s, "petugas", "petugas-pembina-2027", ["petugas"]))
    return factory, deployed, ids


def open_rows(factory: sessionmaker[Session], instance_id: int, name: str) -> list[Task]:
    with factory() as s:
        return list(s.scalars(select(Task).where(Task.instance_id == instance_id, Task.name == name,
                                                 Task.status == TaskStatus.OPEN).order_by(Task.item_key)))


def do(factory: sessionmaker[Session], instance_id: int, name: str, actor: Actor, data: dict[str, Any],
       library: int | None = None) -> None:
    rows = [r for r in open_rows(factory, instance_id, name) if library is None or r.item_key == str(library)]
    assert len(rows) == 1, f"one open {name} for {library} expected, found {len(rows)}"
    run_in_transaction(factory, lambda s: tasks.complete(s, rows[0].id, actor, data, limits=LIMITS))


def seen(factory: sessionmaker[Session], row: Task) -> dict[str, Any]:
    with factory() as s:
        return tasks.data_of(s, row)


def letters_of(factory: sessionmaker[Session], instance_id: int, kind: str) -> list[dict[str, Any]]:
    with factory() as s:
        return [d.context for d in documents.list_for_instance(s, instance_id) if d.kind == kind]


def letter(subject: str) -> dict[str, Any]:
    return {"penerima": ["dindikbud", "kemenag"], "perihal": subject, "sifat": "biasa"}


def test_the_tracks_travel_inside_the_cycle_version(sop) -> None:
    _, deployed, _ = sop
    # Only the processes people start are definitions; the called tracks are bundled into the cycle's.
    assert set(deployed) == {"kitapun_senapas", "pengaduan"}
    assert [f for f in deployed["kitapun_senapas"] if "/" not in f] == [
        "kesiapan_pembinaan.dmn", "kitapun_senapas.bpmn", "monev_perpustakaan.bpmn", "pembinaan_perpustakaan.bpmn"]
    # the whole bundle travels: the forms of the tracks and the instrument they score with
    assert {"forms/monev.json", "forms/kunjungan_pembinaan.json",
            "instruments/akreditasi-sekolah-2018.json"} <= set(deployed["kitapun_senapas"])
    assert not any(f.startswith("forms/") and "pengaduan" in f for f in deployed["kitapun_senapas"])


def test_each_track_holds_only_its_library_and_works_as_before(sop) -> None:
    factory, _, ids = sop
    visits = dict(zip(ids, (day(30), day(31), day(32)), strict=True))
    iid = run_in_transaction(factory, lambda s: instances.start(s, "kitapun_senapas", KABID, limits=LIMITS).id)
    do(factory, iid, "Koordinasi_Monev", KABID, {
        "periode": "Monev Perpustakaan 2027 Tahap I", "notulen": NOTULEN,
        "jadwal": [{"library": lid, "visit_date": v.isoformat(), "officer": "petugas"} for lid, v in visits.items()]})
    do(factory, iid, "Surat_Pemberitahuan_Monev", PETUGAS, {"surat_monev": letter("Jadwal Monev Perpustakaan")})
    do(factory, iid, "Konfirmasi_Penyebarluasan", MITRA, {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1).isoformat()}})

    # 4–5: one visit per library, keyed and due as before, seeing its schedule row and nothing else.
    rows = open_rows(factory, iid, "Kunjungan_Monev")
    assert [(r.item_key, r.item_label, r.lane, r.due_at) for r in rows] == [
        (str(lid), f"Perpustakaan SD Contoh Track {n}", "petugas", end_of_service(visits[lid]))
        for n, lid in enumerate(ids, start=1)]
    for row in rows:
        data = seen(factory, row)
        assert set(data) == {"kunjungan", "perubahan_kunjungan"} and data["perubahan_kunjungan"] is None
        assert data["kunjungan"]["library"] == int(str(row.item_key))
    with factory() as s:
        stored = s.get(Instance, iid)
        assert stored is not None
        top, parts = instance_state.stored_texts(s, stored.id)
        texts = [top, *parts.values()]
        assert sum(text.count(NOTULEN) for text in texts) == 1, "the cycle's data is stored once, not once per track"
    surat_tugas = letters_of(factory, iid, "surat_tugas")
    assert sorted(c["item"]["key"] for c in surat_tugas) == [str(lid) for lid in ids]
    assert all(set(c["data"]) == {"kunjungan", "perubahan_kunjungan"} for c in surat_tugas)

    for lid, given in zip(ids, ("a", "b", "e"), strict=True):
        do(factory, iid, "Kunjungan_Monev", PETUGAS, {"kunjungan_monev": {
            "tanggal": visits[lid].isoformat(), "narasumber": "Kepala perpustakaan"}}, lid)
        do(factory, iid, "Monev", PETUGAS, {"answers": answers({}, given), "laporan_monev": {
            "tanggal": visits[lid].isoformat(), "temuan": "Koleksi tertata.", "rekomendasi": "Lanjutkan."}}, lid)
    reports = letters_of(factory, iid, "monev_report")
    assert len(reports) == 3 and all(not CYCLE_KEYS & set(c["data"]) for c in reports)

    # 6: the cycle gets every track's result back, and nothing else of the tracks.
    [choice] = open_rows(factory, iid, "Pemilihan_Pembinaan")
    data = seen(factory, choice)
    assert {h["library"]: h["skor_monev"]["total"] for h in data["hasil_monev"]} == dict(
        zip(ids, (100.0, 80.0, 20.0), strict=True))
    assert not {"kunjungan", "hasil", "answers", "skor_monev", "kesiapan", "kunjungan_monev"} & set(data)

    # 7–9 for one library: due on its coaching date, the accreditation in the coordination lane.
    coached = ids[0]
    do(factory, iid, "Pemilihan_Pembinaan", KABID, {"pembinaan": [coached], "catatan_pemilihan": "Skor 100."})
    do(factory, iid, "Surat_Pemberitahuan_Pembinaan", PETUGAS, {
        "surat_pembinaan": letter("Jadwal Pembinaan Perpustakaan"),
        "jadwal_pembinaan": [{"library": coached, "visit_date": day(60).isoformat(), "officer": "petugas"}]})
    [visit] = open_rows(factory, iid, "Kunjungan_Pembinaan")
    assert (visit.item_key, visit.lane, visit.due_at) == (str(coached), "petugas", end_of_service(day(60)))
    assert set(seen(factory, visit)) == {"binaan", "riwayat_pembinaan", "tanggal_pembinaan", "putaran_pembinaan",
                                         "riwayat_akreditasi", "hasil_akreditasi", "mundur", "status_pembinaan"}
    do(factory, iid, "Kunjungan_Pembinaan", PETUGAS, {"kunjungan_pembinaan": {
        "tanggal": day(60).isoformat(), "topik": ["otomasi"], "catatan": "Siap.", "siap_akreditasi": True}}, coached)
    [submitted] = open_rows(factory, iid, "Pengajuan_Akreditasi")
    assert (submitted.item_key, submitted.lane) == (str(coached), "petugas")
    do(factory, iid, "Pengajuan_Akreditasi", PETUGAS, submission(day(70).isoformat()), coached)
    [accreditation] = open_rows(factory, iid, "Pendampingan_Akreditasi")
    assert (accreditation.item_key, accreditation.lane) == (str(coached), "koordinasi")
    do(factory, iid, "Pendampingan_Akreditasi", PETUGAS, accompaniment(day(90).isoformat(), ("petugas",)), coached)
    [waiting] = open_rows(factory, iid, "Hasil_Akreditasi")
    assert waiting.due_at == end_of_service(day(270)), "the result is due long after the visit"
    do(factory, iid, "Hasil_Akreditasi", PETUGAS, result("terakreditasi", day(100).isoformat(), 91.17,
                                                         nomor_sertifikat="AKR/0001"), coached)

    with factory() as s:
        finished = s.get(Instance, iid)
        assert finished is not None and finished.status == "completed"
        library = libraries.get(s, coached)
        assert (library.accreditation_grade, library.accreditation_score) == ("A", 91.17)
    [summary] = letters_of(factory, iid, "accreditation_summary")
    assert summary["item"]["key"] == str(coached) and not CYCLE_KEYS & set(summary["data"])
    assert len(letters_of(factory, iid, "surat_tugas")) == 5


def test_an_implausible_schedule_is_refused_by_the_engine_and_changes_nothing(sop) -> None:
    factory, _, ids = sop
    iid = run_in_transaction(factory, lambda s: instances.start(s, "kitapun_senapas", KABID, limits=LIMITS).id)
    with factory() as s:
        state_before = s.get(Instance, iid).row_version
    schedule = [{"library": ids[0], "visit_date": day(30).isoformat(), "officer": "budi"},
                {"library": ids[0], "visit_date": "2020-03-02", "officer": "petugas"}]
    with pytest.raises(ValidationFailed) as err:
        do(factory, iid, "Koordinasi_Monev", KABID, {"periode": "Monev Perpustakaan 2027 Tahap I",
                                                     "notulen": NOTULEN, "jadwal": schedule})
    assert sorted((d["path"], d["code"]) for d in err.value.details) == [
        ("jadwal.0.officer", "unknown_officer"), ("jadwal.1.library", "duplicate_value"),
        ("jadwal.1.visit_date", "date_in_past")]
    with factory() as s:
        assert s.get(Instance, iid).row_version == state_before
    assert len(open_rows(factory, iid, "Koordinasi_Monev")) == 1
    assert open_rows(factory, iid, "Kunjungan_Monev") == []


def test_element_info_comes_from_the_spec_including_called_tracks(factory):
    from engine.definitions import elements
    from engine.definitions import versions as definitions
    from engine.people.users import Actor
    from tests.processes.helpers import PROCESSES_DIR

    admin = Actor("admin", frozenset({"admin"}))
    results = run_in_transaction(factory, lambda s: definitions.deploy_folder(s, PROCESSES_DIR, admin))
    by_key = {r.definition.key: r.definition for r in results}
    sop = elements.elements(by_key["kitapun_senapas"])
    assert sop["Monev"].form == "monev.json" and sop["Monev"].instructions  # inside the called monev track
    assert sop["Koordinasi_Monev"].name and sop["Koordinasi_Monev"].ui_form == "koordinasi_monev.ui.json"
    assert elements.elements(by_key["pengaduan"])["start:pengaduan"].form == "pengaduan_publik.json"
