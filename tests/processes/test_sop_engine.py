"""The whole SOP through the engine functions and the database, as the users of each role.

The in-memory tests beside this file check the process logic; this one checks what people see:
their queues, role checks on every step, library resolution from the registry, the results kept
on each library, the letters generated, the overdue-visit timer fired by the worker, and the
complaint process started from the public form.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from engine import instances, tasks
from engine.config import Context
from engine.db import run_in_transaction
from engine.documents import documents
from engine.errors import Forbidden
from engine.libraries import registry as libraries
from engine.libraries import results as library_results
from engine.models import Task, TaskStatus
from engine.people.users import SYSTEM_ACTOR, Actor
from engine.workflow import check, timers
from tests.engine.helpers import LIMITS
from tests.processes.accreditation import accompaniment, follow_up, result, submission
from tests.processes.helpers import PROCESSES_DIR, answers

ADMIN = Actor("admin", frozenset({"admin"}))
KABID = Actor("kabid", frozenset({"kabid"}))
SUBKOOR = Actor("subkoor", frozenset({"subkoor"}))
PETUGAS = Actor("petugas", frozenset({"petugas"}))
MITRA = Actor("mitra", frozenset({"mitra"}))
TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def queue_of(factory, actor: Actor, instance_id: int) -> list[Task]:
    """The instance's tasks the actor may take (queue) or holds or shares as a visit team member (inbox)."""
    with factory() as s:
        return [t for scope in ("inbox", "queue") for t in tasks.in_scope(s, actor, scope, per_page=200).items
                if t.instance_id == instance_id]


def do(factory, actor: Actor, instance_id: int, name: str, data: dict[str, Any], library: int | None = None) -> None:
    """Complete the one queued task `name` (of one library's track) as `actor`."""
    found = [t for t in queue_of(factory, actor, instance_id)
             if t.name == name and (library is None or t.item_key == str(library))]
    assert len(found) == 1, f"{actor.username} should see one {name} for library {library}: {found}"
    run_in_transaction(factory, lambda s: tasks.complete(s, found[0].id, actor, data, limits=LIMITS))


def letter(subject: str) -> dict[str, Any]:
    return {"penerima": ["dindikbud", "kemenag"], "perihal": subject, "sifat": "biasa"}


def monev(factory, instance_id: int, library: int, given: dict[str, dict[str, str]]) -> None:
    do(factory, PETUGAS, instance_id, "Kunjungan_Monev",
       {"kunjungan_monev": {"tanggal": day(30), "narasumber": "Kepala perpustakaan"}}, library)
    do(factory, PETUGAS, instance_id, "Monev", {"answers": given, "laporan_monev": {
        "tanggal": day(30), "temuan": "Koleksi referensi terbatas.", "rekomendasi": "Tambah koleksi."}}, library)


def start_cycle(factory, visits: dict[int, str]) -> int:
    iid = run_in_transaction(factory, lambda s: instances.start(s, "kitapun_senapas", SUBKOOR, limits=LIMITS).id)
    with pytest.raises(Forbidden):
        run_in_transaction(factory, lambda s: instances.start(s, "kitapun_senapas", MITRA, limits=LIMITS))
    do(factory, SUBKOOR, iid, "Koordinasi_Monev", {
        "periode": "Monev Perpustakaan 2027 Tahap I",
        "jadwal": [{"library": lid, "visit_date": visit, "officer": "petugas"} for lid, visit in visits.items()],
        "notulen": "Rapat koordinasi menetapkan sasaran dan jadwal."})
    assert queue_of(factory, MITRA, iid) == []
    do(factory, PETUGAS, iid, "Surat_Pemberitahuan_Monev", {"surat_monev": letter("Jadwal Monev")})
    do(factory, MITRA, iid, "Konfirmasi_Penyebarluasan", {"konfirmasi": {
        "status": "ada_koreksi", "catatan_koreksi": "Alamat Kantor Kemenag keliru."}})
    do(factory, PETUGAS, iid, "Surat_Pemberitahuan_Monev", {"surat_monev": letter("Jadwal Monev (perbaikan)")})
    do(factory, MITRA, iid, "Konfirmasi_Penyebarluasan", {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    return iid


def test_a_cycle_of_three_libraries_through_every_role(deployed_sop):
    factory = deployed_sop
    iid = start_cycle(factory, {1: day(30), 2: day(31), 3: day(32)})
    with factory() as s:
        instance = instances.get(s, iid)
        assert instance.title == "Monev Perpustakaan 2027 Tahap I"
        visits = sorted((t.item_key, t.item_label) for t in tasks.inbox(s, PETUGAS).items
                        if t.name == "Kunjungan_Monev")
        assert not [t for t in tasks.queue(s, PETUGAS).items if t.name == "Kunjungan_Monev"]
        issued = sorted(d.kind for d in documents.list_for_instance(s, iid))
    # the notification twice (it was corrected once) and a surat tugas per visit before anyone visits
    assert issued == ["monev_notification", "monev_notification", "surat_tugas", "surat_tugas", "surat_tugas"]
    assert visits == [("1", "Perpustakaan SD Negeri Contoh 1 Baki"), ("2", "Perpustakaan MI Contoh Al-Hikmah Kudu"),
                      ("3", "Perpustakaan Desa Contoh Siwal")]
    with pytest.raises(Forbidden):
        run_in_transaction(factory, lambda s: tasks.complete(
            s, queue_of(factory, PETUGAS, iid)[0].id, MITRA, {}, limits=LIMITS))

    monev(factory, iid, 1, answers({}, "e"))                               # 20: not ready for coaching
    monev(factory, iid, 2, answers({}, "a"))                               # 100
    monev(factory, iid, 3, answers({"kol_04": "c"}, "b", library=3))   # 79
    with factory() as s:
        assert [(r.score, r.kind) for r in library_results.history(s, 3)] == [(79.0, "monev")]
    do(factory, KABID, iid, "Pemilihan_Pembinaan", {"pembinaan": [2, 3], "catatan_pemilihan": "Skor ≥ 60."})
    do(factory, PETUGAS, iid, "Surat_Pemberitahuan_Pembinaan", {
        "surat_pembinaan": letter("Jadwal Pembinaan"),
        "jadwal_pembinaan": [{"library": 2, "visit_date": day(60), "officer": "petugas"},
                             {"library": 3, "visit_date": day(61), "officer": "petugas"}]})
    do(factory, PETUGAS, iid, "Kunjungan_Pembinaan", {"kunjungan_pembinaan": {
        "tanggal": day(60), "topik": ["administrasi"], "catatan": "Belum siap.", "siap_akreditasi": False,
        "tanggal_berikutnya": day(90)}}, 2)
    do(factory, PETUGAS, iid, "Kunjungan_Pembinaan", {"kunjungan_pembinaan": {
        "tanggal": day(90), "topik": ["otomasi"], "catatan": "Siap.", "siap_akreditasi": True}}, 2)
    do(factory, PETUGAS, iid, "Kunjungan_Pembinaan", {"kunjungan_pembinaan": {
        "tanggal": day(61), "topik": ["otomasi"], "catatan": "Siap.", "siap_akreditasi": True}}, 3)
    for library in (2, 3):
        do(factory, PETUGAS, iid, "Pengajuan_Akreditasi", submission(day(95), day(110)), library)
        do(factory, PETUGAS, iid, "Pendampingan_Akreditasi", accompaniment(day(110), ("petugas",)), library)
    do(factory, PETUGAS, iid, "Hasil_Akreditasi", result("terakreditasi", day(120), 91.17,
                                                          nomor_sertifikat="AKR/0001/2027"), 2)
    do(factory, PETUGAS, iid, "Hasil_Akreditasi", result("tidak_terakreditasi", day(121), 58.5), 3)
    do(factory, PETUGAS, iid, "Tindak_Lanjut_Akreditasi", follow_up("tutup", "Ditutup untuk siklus ini."), 3)

    with factory() as s:
        assert instances.get(s, iid).status == "completed"
        assert check.check(s) == []
        library = libraries.get(s, 2)
        assert (library.accreditation_grade, library.accreditation_score) == ("A", 91.17)
        assert [(r.kind, r.score) for r in library_results.history(s, 2)] == [("monev", 100.0),
                                                                              ("accreditation", 91.17)]
        assert [r.kind for r in library_results.history(s, 1)] == ["monev"]
        kinds = sorted(d.kind for d in documents.list_for_instance(s, iid))
        numbers = [d.number for d in documents.list_for_instance(s, iid) if d.number]
        archive = {t.name for t in tasks.archive(s, PETUGAS, per_page=200).items}
    assert kinds.count("surat_tugas") == 8  # three monev visits, three coaching visits, two accompaniments
    assert {"monev_notification", "monev_report", "monev_summary", "coaching_notification",
            "accreditation_summary"} <= set(kinds)
    assert len(numbers) == len(set(numbers))
    assert {"Kunjungan_Monev", "Monev", "Kunjungan_Pembinaan"} <= archive


def test_one_library_drops_out_and_another_returns_to_coaching_before_its_accreditation(deployed_sop):
    factory = deployed_sop
    iid = start_cycle(factory, {2: day(31), 3: day(32)})
    monev(factory, iid, 2, answers({}, "a"))
    monev(factory, iid, 3, answers({"kol_04": "c"}, "b", library=3))
    do(factory, KABID, iid, "Pemilihan_Pembinaan", {"pembinaan": [2, 3]})
    do(factory, PETUGAS, iid, "Surat_Pemberitahuan_Pembinaan", {
        "surat_pembinaan": letter("Jadwal Pembinaan"),
        "jadwal_pembinaan": [{"library": lid, "visit_date": day(60), "officer": "petugas"} for lid in (2, 3)]})
    do(factory, PETUGAS, iid, "Kunjungan_Pembinaan", {"kunjungan_pembinaan": {
        "tanggal": day(60), "topik": ["administrasi"], "catatan": "Pengelola berganti.", "mundur": True,
        "alasan_mundur": "Pengelola baru belum bersedia."}}, 2)
    do(factory, PETUGAS, iid, "Kunjungan_Pembinaan", {"kunjungan_pembinaan": {
        "tanggal": day(60), "topik": ["otomasi"], "catatan": "Siap.", "siap_akreditasi": True}}, 3)
    do(factory, PETUGAS, iid, "Pengajuan_Akreditasi", submission(day(61)), 3)
    do(factory, PETUGAS, iid, "Pendampingan_Akreditasi", accompaniment(day(70), ("petugas",)), 3)
    do(factory, PETUGAS, iid, "Hasil_Akreditasi", result("tertunda", day(200)), 3)
    with factory() as s:
        assert libraries.get(s, 3).accreditation_status == "belum", "a pending result changes no registry field"
    do(factory, PETUGAS, iid, "Tindak_Lanjut_Akreditasi", follow_up("bina_lagi", next_date=day(210)), 3)
    do(factory, PETUGAS, iid, "Kunjungan_Pembinaan", {"kunjungan_pembinaan": {
        "tanggal": day(210), "topik": ["dokumen_akreditasi"], "catatan": "Berkas dilengkapi.",
        "siap_akreditasi": True}}, 3)
    do(factory, PETUGAS, iid, "Pengajuan_Akreditasi", submission(day(211), ref="SIPAPI-2027-0009"), 3)
    do(factory, PETUGAS, iid, "Pendampingan_Akreditasi", accompaniment(day(220), ("petugas",)), 3)
    do(factory, PETUGAS, iid, "Hasil_Akreditasi", result("terakreditasi", day(230), 76.0, nomor_sertifikat="AKR/3"), 3)

    with factory() as s:
        assert instances.get(s, iid).status == "completed"
        assert check.check(s) == []
        assert [(r.kind, r.score, r.details.get("status")) for r in library_results.history(s, 2)] == [
            ("monev", 100.0, None), ("coaching", None, "mundur")]
        assert [(r.kind, r.score, r.grade, r.details.get("status")) for r in library_results.history(s, 3)] == [
            ("monev", 79.0, "B", None), ("accreditation", None, "", "tertunda"),
            ("accreditation", 76.0, "B", "terakreditasi")]
        library = libraries.get(s, 3)
        assert (library.accreditation_grade, library.accreditation_certificate) == ("B", "AKR/3")
        valid_until = library.accreditation_valid_until
        assert valid_until is not None and valid_until.year == date.fromisoformat(day(230)).year + 5, "five years"
        assert libraries.get(s, 2).accreditation_status == "belum"
        archive = [t.name for t in tasks.archive(s, PETUGAS, per_page=200).items]
    # the coaching lead held the result and the follow-up
    assert archive.count("Hasil_Akreditasi") == 2 and archive.count("Tindak_Lanjut_Akreditasi") == 1


def test_an_overdue_visit_is_escalated_to_kabid_by_the_worker(deployed_sop):
    factory = deployed_sop
    iid = start_cycle(factory, {4: day(2), 5: day(30)})
    assert timers.run_due(Context(factory, LIMITS, PROCESSES_DIR)) == 0
    with time_machine.travel(datetime.fromisoformat(f"{day(2)}T16:05:00+07:00").astimezone(UTC), tick=True):
        assert timers.run_due(Context(factory, LIMITS, PROCESSES_DIR)) == 1
    escalations = [t for t in queue_of(factory, KABID, iid) if t.name == "Eskalasi_Kunjungan"]
    assert [(t.item_key, t.lane) for t in escalations] == [("4", "kabid")]
    with factory() as s:
        still_open = s.scalars(select(Task.name).where(Task.instance_id == iid, Task.status == TaskStatus.OPEN))
        assert sorted(still_open) == ["Eskalasi_Kunjungan", "Kunjungan_Monev", "Kunjungan_Monev",
                                      "Penilaian_Mandiri", "Penilaian_Mandiri"]


ASSIGNED = {"reference": "ADU-TEST-1"}  # the number the complaint page assigns


def test_a_complaint_from_the_public_form_to_closing(deployed_sop):
    factory = deployed_sop
    complaint = {"name": "Warga Contoh", "contact": "0812-0000-9999", "channel": "whatsapp",
                 "message": "Perpustakaan keliling tidak datang."}
    iid = run_in_transaction(factory, lambda s: instances.start(s, "pengaduan", SYSTEM_ACTOR, complaint,
                                                                 limits=LIMITS, public=True, assigned=ASSIGNED).id)
    do(factory, SUBKOOR, iid, "Telaah_Pengaduan", {"telaah": {
        "kategori": "layanan", "prioritas": "sedang", "cara_penanganan": "internal"}})
    do(factory, PETUGAS, iid, "Penanganan_Pengaduan", {"penanganan": {
        "tindakan": "Jadwal diperbaiki.", "tanggal_selesai": day(0)}})
    do(factory, PETUGAS, iid, "Balasan_Pengaduan", {"balasan": {
        "isi": "Terima kasih; jadwal sudah dipulihkan.", "media": "whatsapp", "tanggal": day(0)}})
    do(factory, KABID, iid, "Tinjauan_Penutupan", {"tinjauan": {"keputusan": "tutup"}})
    with factory() as s:
        assert instances.get(s, iid).status == "completed"
        assert [d.kind for d in documents.list_for_instance(s, iid)] == ["complaint_reply"]


def test_the_instance_diagram_marks_the_running_track_and_its_open_steps(deployed_sop):
    factory = deployed_sop
    iid = start_cycle(factory, {1: day(30), 2: day(31)})
    with factory() as s:
        state = instances.progress(s, instances.get(s, iid))
    # the call activity of steps 4–5 is in progress; inside it, the visits and their timers wait, and
    # the libraries' self-assessments (closed when their monev ends), and the supervisor's change of a visit
    assert {"Monev_Perpustakaan", "Kunjungan_Monev", "Kunjungan_Terlambat", "Penilaian_Mandiri",
            "Perubahan_Kunjungan"} == state.active
    assert {"Koordinasi_Monev", "Surat_Pemberitahuan_Monev", "Konfirmasi_Penyebarluasan"} <= state.done
    assert state.data["periode"] == "Monev Perpustakaan 2027 Tahap I"
