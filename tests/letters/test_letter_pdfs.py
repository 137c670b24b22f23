"""Every document kind renders to a PDF holding the parts tata naskah dinas requires."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

import letters
from engine.db import run_in_transaction
from engine.documents import documents
from engine.models import Instance
from engine.people.users import Actor, create_user
from engine.settings import DEFAULTS
from engine.workflow.steps import StepDone
from letters import render as render_module
from tests.letters.pdftext import assert_has, text_of
from tests.letters.samples import DATA, RESULTS, context, instance_row

KEPALA = DEFAULTS["letter_signatories"]["kepala_dinas"]
KABID = DEFAULTS["letter_signatories"]["kabid"]
LETTERHEAD = ["PEMERINTAH KABUPATEN SUKOHARJO", "DINAS PERPUSTAKAAN DAN KEARSIPAN", "Telepon (0271) 593068",
              "Faksimile (0271) 5991146", "perpussukoharjo@gmail.com", "dispusip.sukoharjokab.go.id"]
LETTER_KINDS = ["monev_notification", "coaching_notification", "complaint_reply"]


def render(kind: str, **changes: Any) -> bytes:
    return letters.render_pdf(SimpleNamespace(kind=kind, context=context(kind, **changes)))


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_letters_have_letterhead_header_addressee_signature_and_copies(kind: str) -> None:
    text = text_of(render(kind))
    assert_has(text, *LETTERHEAD, "Sukoharjo, 12 Maret 2027", "Nomor : 000.4/12/Dispusip/2027", "Sifat :",
               "Lampiran :", "Hal :", "Yth.", "di Tempat", KEPALA["position"], KEPALA["name"],
               KEPALA["rank"], "NIP 19700101 199003 1 001", "Tembusan:", "Kepala Bidang Perpustakaan;", "Arsip.")


def test_monev_notification_names_both_institutions_and_attaches_the_schedule() -> None:
    text = text_of(render("monev_notification"))
    assert_has(text, "Sifat : Segera", "Lampiran : 1 (satu) berkas",
               "Hal : Pemberitahuan Jadwal Monitoring dan Evaluasi Perpustakaan",
               "Kepala Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo",
               "Kepala Kantor Kementerian Agama Kabupaten Sukoharjo",
               "Dinas Perpustakaan dan Kearsipan Kabupaten Sukoharjo akan melaksanakan monitoring",
               "Mohon kepala sekolah/madrasah menyiapkan data koleksi", "LAMPIRAN",
               "JADWAL MONITORING DAN EVALUASI PERPUSTAKAAN", "Monev Perpustakaan 2027 Tahap I",
               "Senin, 15 Maret 2027", "Perpustakaan SD Negeri 1 Contoh", "Kec. Bendosari",
               "Kamis, 18 Maret 2027", "TBM Pelangi (contoh)", "Budi Santoso", "Sari Lestari", "Halaman 2 dari 2")


def test_coaching_notification_lists_the_coaching_schedule_and_another_institution() -> None:
    text = text_of(render("coaching_notification"))
    assert_has(text, "Sifat : Biasa", "Kepala Desa Contoh Makmur",
               "Hal : Pemberitahuan Jadwal Pembinaan Perpustakaan Menuju Akreditasi",
               "JADWAL PEMBINAAN PERPUSTAKAAN MENUJU AKREDITASI", "Senin, 3 Mei 2027", "Rabu, 5 Mei 2027")


def test_surat_tugas_has_its_parts_and_the_officer() -> None:
    text = text_of(render("surat_tugas"))
    assert_has(text, *LETTERHEAD, "SURAT TUGAS", "NOMOR 800.1.11.1/3/Dispusip/2027", "Dasar",
               "Undang-Undang Nomor 43 Tahun 2007 tentang Perpustakaan", "Peraturan Pemerintah Nomor 24 Tahun 2014",
               "041/155/2023", "Tahun Anggaran 2027", "MENUGASKAN", "Kepada",
               "Budi Santoso, S.IP. (fiktif)", "NIP : 19850505 201001 1 005", "Penata (III/c)",
               "Pustakawan Ahli Muda", "Untuk", "monitoring dan evaluasi (monev)",
               "Perpustakaan SD Negeri 1 Contoh, Jl. Melati No. 3, Desa Contoh, Kec. Bendosari",
               "Senin, 15 Maret 2027", "1 (satu) hari", "Melaporkan hasil", "Ditetapkan di : Sukoharjo",
               "pada tanggal : 12 Maret 2027", KEPALA["name"], "NIP 19700101 199003 1 001", "Tembusan:")


def test_surat_tugas_for_a_coaching_visit_states_the_coaching_purpose() -> None:
    ctx = context("surat_tugas", step="kunjungan_pembinaan", item={"key": "15", "label": None})
    ctx["data"]["kunjungan"] = ctx["data"]["jadwal_pembinaan"][1]
    ctx["library"] = {"library": 15, "library_name": "TBM Pelangi (registri)", "address": "Dukuh Contoh",
                      "desa": "Contoh", "kecamatan": "Weru"}
    text = text_of(letters.render_pdf(SimpleNamespace(kind="surat_tugas", context=ctx)))
    assert_has(text, "pembinaan dan pendampingan perpustakaan menuju akreditasi", "TBM Pelangi (registri)",
               "Rabu, 5 Mei 2027", "Sari Lestari, A.Md. (fiktif)", "NIP : 19900303 201503 2 002")


def test_monev_report_shows_component_scores_total_grade_and_both_signatures() -> None:
    text = text_of(render("monev_report"))
    assert_has(text, *LETTERHEAD, "LAPORAN HASIL MONITORING DAN EVALUASI PERPUSTAKAAN",
               "Nomor: 000.4/12/Dispusip/2027", "Perpustakaan SD Negeri 1 Contoh", "15 Maret 2027",
               "Koleksi", "Sarana dan Prasarana", "Komponen Penguat", "56 / 70", "20,83", "Nilai Total", "79,50",
               "Predikat", "Siap dibina menuju akreditasi", "Koleksi nonfiksi masih kurang dari 65%.",
               "Perpanjang jam layanan menjadi 7 jam.", "Mengetahui,", KABID["name"], "NIP 19800202 200501 2 002",
               "Petugas Monev", "Budi Santoso, S.IP. (fiktif)", "NIP 19850505 201001 1 005")


def test_monev_summary_lists_the_cycle_highest_score_first() -> None:
    text = text_of(render("monev_summary"))
    assert_has(text, "REKAPITULASI HASIL MONITORING DAN EVALUASI PERPUSTAKAAN", "Monev Perpustakaan 2027 Tahap I",
               "92,02", "79,50", "61,00", "48,40", "dimonev: 4; dipilih untuk dibina menuju akreditasi: 2",
               "Predikat Monev", "bukan predikat akreditasi",
               KABID["name"], "NIP 19800202 200501 2 002")
    assert text.index("MTs Negeri Contoh") < text.index("SD Negeri 1 Contoh") < text.index("TBM Pelangi")


def test_monev_summary_prefers_the_results_recorded_in_the_registry() -> None:
    text = text_of(render("monev_summary", results=RESULTS))
    assert_has(text, "Perpustakaan SD Negeri 1 Contoh", "Perpustakaan Desa Contoh Makmur", "Siap dibina",
               "Belum siap", "dimonev: 2; dipilih untuk dibina menuju akreditasi: 1")
    assert "MTs Negeri Contoh" not in text


def test_accreditation_summary_shows_the_result() -> None:
    text = text_of(render("accreditation_summary", results=RESULTS[:1]))
    assert_has(text, *LETTERHEAD, "RINGKASAN HASIL AKREDITASI PERPUSTAKAAN", "Nomor: 000.4/12/Dispusip/2027",
               "Perpustakaan SD Negeri 1 Contoh", "20 September 2027", "Nilai akreditasi : 91,17",
               "CONTOH-123/AKRED/2027", "20 September 2032", "79,50 (B)", KABID["name"], "NIP 19800202 200501 2 002")
    assert re.search(r"Predikat ?: ?A ", text)


def test_user_text_prints_literally() -> None:
    text = text_of(render("complaint_reply"))
    assert_has(text, "Yth. Sdr. Rina <b>Warga</b> & Rekan", "Jam layanan <b>sudah</b> disesuaikan & diumumkan.",
               "nomor referensi ADU-2027-0001", "surat elektronik (email)",
               "Hal : Tanggapan atas Pengaduan Nomor Referensi ADU-2027-0001")
    html = letters.render_html("complaint_reply", context("complaint_reply"))
    assert "Rina &lt;b&gt;Warga&lt;/b&gt; &amp; Rekan" in html
    assert "<b>" not in html


@pytest.mark.parametrize("kind", sorted(documents.KINDS))
def test_every_kind_renders_without_data(kind: str) -> None:
    bare = context(kind, data={}, officers={}, item={"key": None, "label": None}, copies=[], number=None)
    assert render(kind, **{k: bare[k] for k in ("data", "officers", "item", "copies", "number")}).startswith(b"%PDF")


def test_rendering_is_reproducible() -> None:
    assert render("surat_tugas") == render("surat_tugas")


def test_a_stored_document_renders_and_is_cached(factory: sessionmaker[Session]) -> None:
    run_in_transaction(factory, lambda s: create_user(s, "budi", "rahasia-uji", ["petugas"], name="Budi Nyata",
                                                      nip="198505052010011005"))
    instance_id = instance_row(factory)
    step = StepDone("t1", "kunjungan_monev", "Kunjungan", {"documents": "surat_tugas"},
                    {"kunjungan": {"library": 7, "library_name": "SD Contoh", "visit_date": "2027-03-15",
                                   "officer": "budi"}}, "7", "SD Contoh")

    def generate(s: Session) -> int:
        instance = s.get(Instance, instance_id)
        assert instance is not None
        [document] = documents.on_step_done(s, instance, step, Actor("kabid", frozenset({"kabid"})))
        s.flush()
        return document.id

    doc_id = run_in_transaction(factory, generate)
    pdf = run_in_transaction(factory, lambda s: documents.pdf_bytes(s, documents.get(s, doc_id), letters.render_pdf))
    with factory() as s:
        document = documents.get(s, doc_id)
        assert document.pdf == pdf
        text = text_of(pdf)
    assert_has(text, f"NOMOR {document.number}", "Budi Nyata", "NIP : 19850505 201001 1 005", "SD Contoh",
               "Senin, 15 Maret 2027")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.org/x.css",
                                 "file://" + str(render_module.HERE) + "/../../etc/passwd",
                                 "file://" + str(render_module.HERE) + "/%2e%2e/%2e%2e/etc/passwd"])
def test_the_renderer_fetches_nothing_outside_its_package(url: str) -> None:
    with pytest.raises(ValueError):
        render_module.PackageFetcher().fetch(url)
    response = render_module.PackageFetcher().fetch(render_module.STYLESHEET.as_uri())
    try:
        assert b"@page" in response.read()
    finally:
        response.close()


def test_a_coaching_drop_out_summary_gives_the_reason_and_no_result() -> None:
    data = {**DATA, "mundur": {"status": "mundur", "tanggal": "2027-06-02", "alasan": "Ruang dipakai untuk kelas.",
                               "putaran": 1, "jumlah_pembinaan": 2}}
    text = text_of(render("accreditation_summary", results=RESULTS[:1], data=data))
    assert_has(text, "RINGKASAN PEMBINAAN PERPUSTAKAAN", "Perpustakaan SD Negeri 1 Contoh", "Mundur dari pembinaan",
               "2 Juni 2027", "Alasan Mundur", "Ruang dipakai untuk kelas.", "79,50 (B)")
    assert "Nilai akreditasi" not in text and "RINGKASAN HASIL AKREDITASI" not in text


def test_a_result_pending_at_perpusnas_prints_no_score() -> None:
    data = {**DATA, "pengajuan_akreditasi": {"tanggal_pengajuan": "2027-08-01", "nomor_sipapi": "REG-77"},
            "pendampingan_akreditasi": {"tanggal": "2027-09-20", "petugas": ["budi"], "catatan": "Visitasi daring."},
            "hasil_akreditasi": {"status": "tertunda", "tanggal": "2028-01-10", "predikat": "",
                                 "berlaku_mulai": "", "berlaku_sampai": ""}}
    text = text_of(render("accreditation_summary", results=RESULTS[:1], data=data))
    assert_has(text, "A. Pengajuan ke Perpustakaan Nasional", "REG-77", "1 Agustus 2027", "B. Kunjungan Pendampingan",
               "20 September 2027", "Visitasi daring.", "C. Hasil Akreditasi", "Tertunda di Perpustakaan Nasional",
               "10 Januari 2028")
    assert re.search(r"Nilai akreditasi ?: ?- ", text)
