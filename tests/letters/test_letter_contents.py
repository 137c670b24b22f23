"""What an officer signs: the team, bases and statements of a surat tugas, the addressees, contact and
schedule of notification letters, and the profile, weakest indicators and acknowledgement of a monev report."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

import letters
from engine import settings
from engine.db import run_in_transaction
from engine.documents import documents
from engine.models import Instance
from engine.people.users import Actor, create_user
from engine.settings import DEFAULTS
from engine.workflow.steps import StepDone
from letters.addressees import addressees, supervisor_of
from tests.letters.pdftext import assert_has, text_of
from tests.letters.samples import OFFICERS, context, instance_row

TEAM_OFFICERS = {**OFFICERS, "dewi": {"name": "Dewi Anggraini, S.Sos. (fiktif)", "nip": "199107072019022003",
                                      "rank": "Penata Muda (III/a)", "position": "Pustakawan Ahli Pertama"}}
TABLE = DEFAULTS["letter_supervisors"]


def pdf_text(kind: str, ctx: dict[str, Any]) -> str:
    return text_of(letters.render_pdf(SimpleNamespace(kind=kind, context=ctx)))


def test_surat_tugas_names_the_whole_team_with_bases_budget_and_the_no_gift_statement() -> None:
    ctx = context("surat_tugas", officers=TEAM_OFFICERS)
    ctx["data"]["kunjungan"]["members"] = ["sari", "dewi", "budi"]
    text = pdf_text("surat_tugas", ctx)
    assert_has(text, "MENUGASKAN:", "Budi Santoso, S.IP. (fiktif) (ketua tim)", "NIP : 19850505 201001 1 005",
               "Sari Lestari, A.Md. (fiktif)", "NIP : 19900303 201503 2 002", "Pengatur Tingkat I (II/d)",
               "Dewi Anggraini, S.Sos. (fiktif)", "NIP : 19910707 201902 2 003", "Penata Muda (III/a)",
               "Pustakawan Ahli Pertama", "Undang-Undang Nomor 43 Tahun 2007",
               "Dokumen Pelaksanaan Anggaran (DPA) Dinas Perpustakaan dan Kearsipan Kabupaten Sukoharjo Tahun "
               "Anggaran 2027", "tidak menerima imbalan, uang, barang, atau hadiah")
    assert text.count("Budi Santoso") == text.count("Dewi Anggraini")
    assert "Nomor 1 Tahun 2024" not in text and "MEMERINTAHKAN" not in text


def test_legal_bases_and_budget_basis_come_from_the_context_settings() -> None:
    ctx = context("surat_tugas", legal_bases=["Peraturan Bupati Contoh Nomor 9 Tahun 2026;"],
                  budget_basis="DPA Contoh Tahun {year}.", texts={**context("surat_tugas")["texts"],
                                                                  "order_word": "MEMERINTAHKAN"})
    text = pdf_text("surat_tugas", ctx)
    assert_has(text, "Peraturan Bupati Contoh Nomor 9 Tahun 2026;", "DPA Contoh Tahun 2027.", "MEMERINTAHKAN:")
    assert "Undang-Undang Nomor 43" not in text


def test_default_legal_bases_do_not_cite_the_programme_monitoring_regulation() -> None:
    assert not any("Nomor 1 Tahun 2024" in basis for basis in DEFAULTS["letter_legal_bases"])


def test_a_repeated_coaching_visit_prints_the_date_of_this_visit_not_the_previous_one() -> None:
    ctx = context("surat_tugas", step="Kunjungan_Pembinaan", item={"key": "15", "label": None})
    # After the first visit (5 May) the process keeps its record and sets the next date (19 May).
    ctx["data"]["kunjungan_pembinaan"] = {"tanggal": "2027-05-05", "siap_akreditasi": False,
                                          "tanggal_berikutnya": "2027-05-19"}
    ctx["data"]["tanggal_pembinaan"] = "2027-05-19"
    text = pdf_text("surat_tugas", ctx)
    assert_has(text, "pembinaan dan pendampingan", "Rabu, 19 Mei 2027")
    assert "5 Mei 2027" not in text


def test_the_first_coaching_visit_prints_its_planned_date() -> None:
    ctx = context("surat_tugas", step="Kunjungan_Pembinaan", item={"key": "15", "label": None})
    ctx["data"].pop("kunjungan_pembinaan", None)
    ctx["data"]["tanggal_pembinaan"] = "2027-05-05"
    assert_has(pdf_text("surat_tugas", ctx), "Rabu, 5 Mei 2027")


@pytest.mark.parametrize(("library", "expected"), [
    ({"library_type": "sekolah", "subtype": "SMA"}, "Kepala Cabang Dinas Pendidikan Wilayah VII Provinsi Jawa Tengah"),
    ({"library_type": "sekolah", "subtype": "SMK"}, "Kepala Cabang Dinas Pendidikan Wilayah VII Provinsi Jawa Tengah"),
    ({"library_type": "sekolah", "subtype": "SD"}, "Kepala Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo"),
    ({"library_type": "sekolah", "subtype": "SMP"}, "Kepala Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo"),
    ({"library_type": "sekolah", "subtype": "MTs"}, "Kepala Kantor Kementerian Agama Kabupaten Sukoharjo"),
    ({"library_type": "sekolah", "subtype": "MI"}, "Kepala Kantor Kementerian Agama Kabupaten Sukoharjo"),
    ({"library_type": "desa", "desa": "Gentan"}, "Kepala Desa Gentan"),
    ({"library_type": "kelurahan", "desa": "Jetis"}, "Lurah Jetis"),
    ({"library_type": "kecamatan", "kecamatan": "Weru"}, "Camat Weru"),
    ({"library_type": "khusus", "institution": "RSUD Ir. Soekarno (contoh)"}, "Pimpinan RSUD Ir. Soekarno (contoh)"),
    ({"library_type": "tbm", "library_name": "TBM Pelangi"}, "Pengelola TBM Pelangi"),
    ({"library_type": "lain"}, ""),
    ({}, ""),
])
def test_the_supervisor_of_each_kind_of_library_receives_the_letter(library: dict[str, str], expected: str) -> None:
    assert supervisor_of(TABLE, library) == expected


def test_addressees_are_the_chosen_ones_then_each_supervisor_once() -> None:
    chosen = ["Kepala Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo"]
    libraries = [{"library_type": "sekolah", "subtype": "SD"}, {"library_type": "desa", "desa": "Gentan"},
                 {"library_type": "desa", "desa": "Gentan"}, {"library_type": "sekolah", "subtype": "SMK"}]
    assert addressees(chosen, TABLE, libraries) == [
        "Kepala Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo", "Kepala Desa Gentan",
        "Kepala Cabang Dinas Pendidikan Wilayah VII Provinsi Jawa Tengah"]


def test_a_placeholder_table_cannot_reach_other_values() -> None:
    table = {"desa": "Kepala Desa {desa.__class__} {0} {name}"}
    assert supervisor_of(table, {"library_type": "desa", "desa": "X", "library_name": "P"}) == \
        "Kepala Desa {desa.__class__} {0} P"


def test_a_notification_reaches_the_supervisors_with_contact_free_of_charge_and_times() -> None:
    ctx = context("monev_notification")
    rows = ctx["data"]["jadwal"]
    rows[0].update(library_type="sekolah", subtype="SMA", visit_time="09.00 WIB")
    rows[1].update(library_type="sekolah", subtype="MTs")
    rows[2].update(library_type="desa", desa="Contoh Makmur")
    rows[3].update(library_type="tbm", members=["budi"])
    ctx["data"]["surat_monev"]["penerima"] = ["dindikbud"]
    text = pdf_text("monev_notification", ctx)
    assert_has(text, "Kepala Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo",
               "Kepala Cabang Dinas Pendidikan Wilayah VII Provinsi Jawa Tengah",
               "Kepala Kantor Kementerian Agama Kabupaten Sukoharjo", "Kepala Desa Contoh Makmur",
               "Pengelola TBM Pelangi (contoh)", "Kegiatan ini tidak dipungut biaya.",
               "narahubung kami, Contoh Narahubung (fiktif), telepon/WhatsApp 0812-0000-0000",
               "Waktu", "09.00 WIB", "08.00 WIB s.d. selesai",
               "HAL : PEMBERITAHUAN JADWAL MONITORING DAN EVALUASI PERPUSTAKAAN")
    assert "TENTANG :" not in text


def test_the_letter_form_may_name_its_own_contact_person() -> None:
    ctx = context("coaching_notification")
    ctx["data"]["surat_pembinaan"].update(narahubung="Rahmat (contoh)", narahubung_telepon="0271-000")
    assert_has(pdf_text("coaching_notification", ctx), "narahubung kami, Rahmat (contoh), telepon/WhatsApp 0271-000",
               "tidak dipungut biaya", "HAL : PEMBERITAHUAN JADWAL PEMBINAAN")


def test_monev_report_has_identity_profile_weakest_indicators_and_the_heads_acknowledgement() -> None:
    ctx = context("monev_report")
    ctx["library"] = {"library": 7, "library_name": "Perpustakaan SD Negeri 1 Contoh", "npp": "3311052C0000007",
                      "library_type": "sekolah", "subtype": "SD", "head_name": "Siti Aminah, S.Pd. (fiktif)",
                      "head_nip": "197805052005012004", "profile": {}}
    score = ctx["data"]["skor_monev"]
    score.update(instrument_title="Instrumen Akreditasi Perpustakaan Sekolah (contoh)", weakest=[
        {"component": "Koleksi", "id": "k3", "title": "Persentase koleksi nonfiksi", "answer": "e"},
        {"component": "Pelayanan", "id": "p2", "title": "Jam layanan per hari", "answer": "d"}])
    ctx["data"]["profil"] = {"koleksi_judul": 1250, "koleksi_eksemplar": 4300, "tenaga": 2, "tenaga_terlatih": 1,
                             "anggaran": 15000000, "jam_buka": "07.00–13.00", "npp": True}
    text = pdf_text("monev_report", ctx)
    assert_has(text, "Instrumen : Instrumen Akreditasi Perpustakaan Sekolah (contoh)", "NPP : 3311052C0000007",
               "Jenis perpustakaan : Perpustakaan Sekolah/Madrasah – SD",
               "Kepala perpustakaan : Siti Aminah, S.Pd. (fiktif)", "Koleksi (judul) : 1.250",
               "Koleksi (eksemplar) : 4.300", "Tenaga terlatih (orang) : 1", "Rp15.000.000", "07.00–13.00",
               "Status NPP : ada", "Indikator terlemah", "Persentase koleksi nonfiksi (Koleksi): E",
               "Jam layanan per hari (Pelayanan): D", "Predikat hasil monev", "bukan predikat akreditasi",
               "Telah menerima dan memahami hasil monev,", "Kepala Perpustakaan SD Negeri 1 Contoh",
               "NIP 19780505 200501 2 004", "Petugas Monev", "Mengetahui,")
    assert "akreditasi-sekolah-2018 " not in text


def test_monev_report_without_indicator_detail_names_the_weakest_components_and_registry_profile() -> None:
    ctx = context("monev_report")
    ctx["library"] = {"library": 7, "profile": {"koleksi_judul": 800}}
    text = pdf_text("monev_report", ctx)
    assert_has(text, "Indikator terlemah", "Tenaga Perpustakaan: 67%", "Koleksi (judul) : 800", "NPP : belum ada",
               "(....................................)")


def test_a_stored_surat_tugas_names_the_team_from_the_user_records_and_the_current_settings(
        factory: sessionmaker[Session]) -> None:
    def people(s: Session) -> None:
        create_user(s, "budi", "rahasia-uji-1", ["petugas"], name="Budi Nyata", nip="198505052010011005",
                    rank="Penata (III/c)", position="Pustakawan Ahli Muda")
        create_user(s, "dewi", "rahasia-uji-2", ["petugas"], name="Dewi Nyata", nip="199107072019022003",
                    rank="Penata Muda (III/a)", position="Pustakawan Ahli Pertama")
        settings.put(s, "letter_legal_bases", ["Peraturan Bupati Contoh Nomor 9 Tahun 2026;"], "admin")
        settings.put(s, "letter_budget_basis", "DPA Contoh Tahun Anggaran {year}.", "admin")
    run_in_transaction(factory, people)
    instance_id = instance_row(factory)
    step = StepDone("t1", "kunjungan_monev", "Kunjungan", {"documentsOnOpen": "surat_tugas"},
                    {"kunjungan": {"library": 7, "library_name": "SD Contoh", "visit_date": "2027-03-15",
                                   "officer": "budi", "members": ["Dewi"]}}, "7", "SD Contoh", opened=True)

    def generate(s: Session) -> int:
        instance = s.get(Instance, instance_id)
        assert instance is not None
        [document] = documents.on_step_done(s, instance, step, Actor("kabid", frozenset({"kabid"})))
        return document.id

    doc_id = run_in_transaction(factory, generate)
    with factory() as s:
        document = documents.get(s, doc_id)
        text = text_of(letters.render_pdf(document))
    year = document.context["date"][:4]
    assert_has(text, "Budi Nyata (ketua tim)", "NIP : 19850505 201001 1 005", "Dewi Nyata",
               "NIP : 19910707 201902 2 003", "Penata Muda (III/a)", "Pustakawan Ahli Pertama",
               "Peraturan Bupati Contoh Nomor 9 Tahun 2026;", f"DPA Contoh Tahun Anggaran {year}.", "MENUGASKAN",
               "tidak menerima imbalan")
