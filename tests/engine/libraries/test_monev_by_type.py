"""A monev through the engine: the instrument of the library's type, its profile figures, one rule per setting."""

from __future__ import annotations

from sqlalchemy import select

from engine import settings, tasks
from engine.db import run_in_transaction
from engine.libraries import registry
from engine.libraries import results as library_results
from engine.models import AuditEvent
from tests.processes.helpers import answers
from tests.processes.test_sop_engine import PETUGAS, day, do, start_cycle

PROFILE = {"koleksi_judul": 1250, "koleksi_eksemplar": 3100, "tenaga": 2, "tenaga_terlatih": 1,
           "anggaran": 15_000_000, "jam_buka": "Senin–Sabtu 08.00–15.00", "npp": "3311100D0000099"}




def monev(factory, iid: int, library: int, letter: str, extra: dict) -> None:
    do(factory, PETUGAS, iid, "Kunjungan_Monev", {"kunjungan_monev": {"tanggal": day(30), "narasumber": "Kepala"}},
       library)
    do(factory, PETUGAS, iid, "Monev", {"answers": answers({}, letter, library=library), "laporan_monev": {
        "tanggal": day(30), "temuan": "Koleksi tertata.", "rekomendasi": "Tambah koleksi anak."}, **extra}, library)


def test_the_monev_records_the_profile_and_updates_the_registry_only_when_the_officer_chooses(deployed_sop):
    factory = deployed_sop
    with factory() as s:
        before = registry.get(s, 7).npp, dict(registry.get(s, 7).profile or {})
    iid = start_cycle(factory, {3: day(30), 7: day(31), 5: day(32)})
    monev(factory, iid, 3, "b", {"profil": PROFILE, "perbarui_registri": True})
    monev(factory, iid, 7, "b", {"profil": {**PROFILE, "npp": "sedang diajukan"}})
    monev(factory, iid, 5, "c", {})
    with factory() as s:
        result = {r.library_id: r for r in library_results.results_of_instance(s, iid, "monev")}
        assert result[3].details["instrument"] == "umum-desa-2018"
        assert result[3].details["instrument_title"] == "Instrumen Monev Perpustakaan Desa/Kelurahan (umum) 2018"
        assert result[3].details["profil"] == PROFILE
        assert result[5].details["instrument"] == "tbm-daftar-periksa-2026" and result[5].details["profil"] == {}
        village = registry.get(s, 3)
        assert village.npp == "3311100D0000099"
        assert {k: village.profile[k] for k in ("collection_titles", "collection_copies", "staff_count",
                                                "staff_trained", "budget", "opening_hours")} == {
            "collection_titles": 1250, "collection_copies": 3100, "staff_count": 2, "staff_trained": 1,
            "budget": 15_000_000, "opening_hours": "Senin–Sabtu 08.00–15.00"}
        # Library 7's officer recorded figures without applying them: the registry is as it was.
        assert (registry.get(s, 7).npp, dict(registry.get(s, 7).profile or {})) == before
        applied = s.scalars(select(AuditEvent).where(AuditEvent.instance_id == iid,
                                                     AuditEvent.action == "library_profile_from_monev")).all()
        assert [(e.actor, e.data["library"]) for e in applied] == [("petugas", 3)]


def test_readiness_and_grades_follow_the_agency_settings(deployed_sop):
    factory = deployed_sop
    run_in_transaction(factory, lambda s: settings.put(s, "coaching_threshold", 70.0, "admin"))
    run_in_transaction(factory, lambda s: settings.put(s, "grade_bands", [["A", 95.0], ["B", 80.0], ["C", 70.0]],
                                                         "admin"))
    iid = start_cycle(factory, {1: day(30), 2: day(31)})
    monev(factory, iid, 1, "c", {})    # 60: below the agency's threshold of 70
    given = answers({"kol_01": "b", "kol_02": "b", "kol_03": "b", "kol_04": "b", "kol_05": "b", "kol_06": "b",
                     "pel_01": "b", "pel_02": "b", "pel_03": "b", "pel_04": "b", "pel_05": "b", "pel_06": "b"},
                    "c", library=2)
    do(factory, PETUGAS, iid, "Kunjungan_Monev", {"kunjungan_monev": {"tanggal": day(30), "narasumber": "K"}}, 2)
    do(factory, PETUGAS, iid, "Monev", {"answers": {**given, "penyelenggaraan": {
        k: "a" for k in given["penyelenggaraan"]}}, "laporan_monev": {  # 16 + 9 + 20 + 12 + 15 + 3 = 75
        "tanggal": day(30), "temuan": "Baik.", "rekomendasi": "Lanjutkan."}}, 2)
    with factory() as s:
        choice = next(t for t in tasks.queue(s, PETUGAS, per_page=200).items if t.name == "Pemilihan_Pembinaan")
        hasil = {h["library"]: h for h in tasks.data_of(s, tasks.get(s, choice.id))["hasil_monev"]}
        recorded = {r.library_id: r for r in library_results.results_of_instance(s, iid, "monev")}
    assert hasil[1]["skor_monev"]["total"] == 60.0 and hasil[1]["kesiapan"]["siap_dibina"] is False
    assert hasil[1]["skor_monev"]["grade"] == recorded[1].grade == "Tidak Terakreditasi"
    total = hasil[2]["skor_monev"]["total"]
    assert total == 75.0 and hasil[2]["kesiapan"]["siap_dibina"] is True
    assert hasil[2]["skor_monev"]["grade"] == recorded[2].grade == "C"
    assert recorded[1].details["ready_for_coaching"] is False and recorded[2].details["ready_for_coaching"] is True
