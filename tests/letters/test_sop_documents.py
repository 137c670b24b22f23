"""A whole SOP run through the engine produces every letter and report, numbered and renderable."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import letters
from engine import instances
from engine.db import run_in_transaction
from engine.definitions import versions
from engine.documents import documents
from engine.libraries import importer, instruments, registry
from engine.models import Instance, Task, TaskStatus
from engine.people.users import SYSTEM_ACTOR, Actor, create_user
from letters.formatting import tanggal
from tests.engine.helpers import ADMIN, LIMITS, complete
from tests.letters.pdftext import assert_has, text_of
from tests.processes.accreditation import accompaniment, result, submission

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
KABID = Actor("kabid", frozenset({"kabid"}))
SUBKOOR = Actor("subkoor", frozenset({"subkoor"}))
BUDI = Actor("budi", frozenset({"petugas"}))
MITRA = Actor("mitra", frozenset({"mitra"}))
TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def setup(factory: sessionmaker[Session]) -> None:
    """Officers, the demo library registry and the process folder, as a fresh installation has them."""
    def work(s: Session) -> None:
        create_user(s, "kabid", "rahasia-uji", ["kabid"], name="Kabid Contoh (fiktif)", nip="198002022005012002")
        create_user(s, "subkoor", "rahasia-uji", ["subkoor"], name="Subkoor Contoh (fiktif)")
        create_user(s, "budi", "rahasia-uji", ["petugas"], name="Budi Santoso, S.IP. (fiktif)",
                    nip="198505052010011005", rank="Penata (III/c)", position="Pustakawan Ahli Muda")
        create_user(s, "mitra", "rahasia-uji", ["mitra"], name="Mitra Dindikbud (fiktif)")
        report = importer.import_csv(s, PROCESSES / "demo" / "libraries.csv", ADMIN)
        assert not report.errors, report.errors
        versions.deploy_folder(s, PROCESSES, ADMIN)
    run_in_transaction(factory, work)


def task_of(factory: sessionmaker[Session], instance_id: int, name: str, library: int | None = None) -> str:
    with factory() as s:
        query = select(Task.id).where(Task.instance_id == instance_id, Task.name == name,
                                      Task.status == TaskStatus.OPEN)
        if library is not None:
            query = query.where(Task.item_key == str(library))
        ids = s.scalars(query).all()
    assert len(ids) == 1, f"expected one open {name} ({library}), found {len(ids)}"
    return ids[0]


def do(factory: sessionmaker[Session], instance_id: int, name: str, actor: Actor, data: dict[str, Any],
       library: int | None = None) -> None:
    result = complete(factory, task_of(factory, instance_id, name, library), actor, data)
    assert result.incident is None, result.incident


def letter(subject: str) -> dict[str, Any]:
    return {"penerima": ["dindikbud", "kemenag"], "perihal": subject, "sifat": "biasa"}


def answers(letter_: str) -> dict[str, dict[str, str]]:
    instrument = instruments.load("akreditasi-sekolah-2018", PROCESSES / "kitapun_senapas")
    return {c.key: {i.id: letter_ for i in c.indicators} for c in instrument.components}


def library_name(factory: sessionmaker[Session], library_id: int) -> str:
    with factory() as s:
        return registry.get(s, library_id).name


def rendered(factory: sessionmaker[Session], document_id: int) -> str:
    pdf = run_in_transaction(factory, lambda s: documents.pdf_bytes(s, documents.get(s, document_id),
                                                                    letters.render_pdf))
    return text_of(pdf)


def test_a_monev_cycle_produces_every_sop_document(factory: sessionmaker[Session]) -> None:
    setup(factory)
    instance_id = run_in_transaction(factory, lambda s: instances.start(s, "kitapun_senapas", KABID, limits=LIMITS).id)
    do(factory, instance_id, "Koordinasi_Monev", KABID, {
        "periode": "Monev Perpustakaan Tahap I", "notulen": "Sasaran dan jadwal ditetapkan.",
        "jadwal": [{"library": 1, "visit_date": day(30), "officer": "budi"},
                   {"library": 2, "visit_date": day(31), "officer": "budi"}]})
    do(factory, instance_id, "Surat_Pemberitahuan_Monev", BUDI,
       {"surat_monev": letter("Pemberitahuan Jadwal Monitoring dan Evaluasi Perpustakaan")})
    do(factory, instance_id, "Konfirmasi_Penyebarluasan", MITRA,
       {"konfirmasi": {"status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    for library, given in ((1, "e"), (2, "a")):
        do(factory, instance_id, "Kunjungan_Monev", BUDI,
           {"kunjungan_monev": {"tanggal": day(30), "narasumber": "Kepala perpustakaan"}}, library)
        do(factory, instance_id, "Monev", BUDI, {"answers": answers(given), "laporan_monev": {
            "tanggal": day(30), "temuan": "Koleksi referensi terbatas.", "rekomendasi": "Tambah referensi."}},
            library)
    do(factory, instance_id, "Pemilihan_Pembinaan", KABID, {"pembinaan": [2], "catatan_pemilihan": "Skor 100."})
    do(factory, instance_id, "Surat_Pemberitahuan_Pembinaan", BUDI, {
        "surat_pembinaan": letter("Pemberitahuan Jadwal Pembinaan Perpustakaan"),
        "jadwal_pembinaan": [{"library": 2, "visit_date": day(60), "officer": "budi"}]})
    do(factory, instance_id, "Kunjungan_Pembinaan", BUDI, {"kunjungan_pembinaan": {
        "tanggal": day(60), "topik": ["otomasi"], "catatan": "Siap diajukan.", "siap_akreditasi": True}}, 2)
    do(factory, instance_id, "Pengajuan_Akreditasi", BUDI, submission(day(70), day(90)), 2)
    do(factory, instance_id, "Pendampingan_Akreditasi", KABID, accompaniment(day(90), ("budi",)), 2)
    do(factory, instance_id, "Hasil_Akreditasi", KABID, result("terakreditasi", day(120), 91.17,
                                                               nomor_sertifikat="AKR/0001"), 2)

    with factory() as s:
        instance = s.get(Instance, instance_id)
        assert instance is not None and instance.status == "completed"
        docs = documents.list_for_instance(s, instance_id)
    library_2 = library_name(factory, 2)
    kinds = [d.kind for d in docs]
    assert sorted(kinds) == sorted(["monev_notification", "surat_tugas", "monev_report", "surat_tugas",
                                    "monev_report", "coaching_notification", "surat_tugas", "surat_tugas",
                                    "accreditation_summary", "monev_summary"])
    year = docs[0].year
    assert sorted(d.seq or 0 for d in docs if d.code == "000.4") == list(range(1, 7))
    assert sorted(d.seq or 0 for d in docs if d.code == "800.1.11.1") == [1, 2, 3, 4]
    assert all(re.fullmatch(rf"{re.escape(d.code or '')}/\d+/Dispusip/{year}", d.number or "") for d in docs)

    texts = {d.id: rendered(factory, d.id) for d in docs}
    by_kind: dict[str, list[str]] = {}
    for d in docs:
        by_kind.setdefault(d.kind, []).append(texts[d.id])
    assert_has(by_kind["monev_notification"][0], "Kepala Kantor Kementerian Agama Kabupaten Sukoharjo",
               "JADWAL MONITORING DAN EVALUASI PERPUSTAKAAN", library_name(factory, 1), "Budi Santoso")
    assert_has(by_kind["coaching_notification"][0], "JADWAL PEMBINAAN PERPUSTAKAAN", library_2)
    assert any(library_2 in t and "pembinaan dan pendampingan" in t for t in by_kind["surat_tugas"])
    assert all("NIP : 19850505 201001 1 005" in t and "MENUGASKAN" in t and "DPA" in t for t in by_kind["surat_tugas"])
    reports = {library_2 in t: t for t in by_kind["monev_report"]}
    assert_has(reports[True], "Nilai Total", "100,00", "Predikat hasil monev", "Siap dibina", "Tambah referensi.",
               "Instrumen Akreditasi Perpustakaan Sekolah 2018 (monev)")
    assert_has(reports[False], "20,00", "Belum siap")
    # the accompaniment's surat tugas names its purpose and the visit date Perpusnas planned
    [escort] = [t for t in by_kind["surat_tugas"] if "pendampingan akreditasi" in t]
    assert_has(escort, library_2, "visitasi penilaian akreditasi", "Perpustakaan Nasional Republik Indonesia",
               tanggal(day(90)), "Budi Santoso")
    assert "pembinaan dan pendampingan perpustakaan menuju akreditasi" not in escort
    assert_has(by_kind["accreditation_summary"][0], library_2, "A. Pengajuan ke Perpustakaan Nasional",
               "SIPAPI-2027-0001", "B. Kunjungan Pendampingan", "Budi Santoso", "C. Hasil Akreditasi",
               "Terakreditasi", "91,17", "AKR/0001", "100,00", tanggal(day(120)))
    assert re.search(r"Predikat ?: ?A ", by_kind["accreditation_summary"][0])
    assert_has(by_kind["monev_summary"][0], library_name(factory, 1), library_2, "100,00", "20,00")


ASSIGNED = {"reference": "ADU-TEST-1"}  # the number the complaint page assigns


def test_a_complaint_reply_letter_is_produced(factory: sessionmaker[Session]) -> None:
    setup(factory)
    complaint = {"name": "Warga <Contoh> & Co", "contact": "0812-0000-9999", "channel": "whatsapp",
                 "message": "Perpustakaan keliling tidak datang."}
    instance_id = run_in_transaction(factory, lambda s: instances.start(
        s, "pengaduan", SYSTEM_ACTOR, complaint, limits=LIMITS, public=True, assigned=ASSIGNED).id)
    do(factory, instance_id, "Telaah_Pengaduan", SUBKOOR, {"telaah": {
        "kategori": "layanan", "prioritas": "sedang", "cara_penanganan": "internal"}})
    do(factory, instance_id, "Penanganan_Pengaduan", BUDI, {"penanganan": {
        "tindakan": "Jadwal diperbaiki.", "tanggal_selesai": day(0)}})
    do(factory, instance_id, "Balasan_Pengaduan", BUDI, {"balasan": {
        "isi": "Jadwal perpustakaan keliling sudah dipulihkan.", "media": "surat", "tanggal": day(0)}})
    with factory() as s:
        [reply] = documents.list_for_instance(s, instance_id)
    assert reply.kind == "complaint_reply" and reply.title == "Surat Balasan Pengaduan ADU-TEST-1"
    assert_has(rendered(factory, reply.id), "Yth. Sdr. Warga <Contoh> & Co", "nomor referensi ADU-TEST-1",
               "Jadwal perpustakaan keliling sudah dipulihkan.", "WhatsApp")
