"""Reference and plausibility rules of the SOP's forms, checked against the registry and the workflow."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from engine.db import run_in_transaction
from engine.definitions import forms, rules
from engine.errors import ValidationFailed
from engine.libraries import registry
from engine.people import users
from tests.processes.helpers import FORMS_DIR

TODAY = date(2027, 3, 1)


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def world(factory) -> Any:
    """Three libraries (the third inactive), an officer, a former officer and a mitra; `refused(form, data)`."""
    def prepare(s):
        ids = [registry.create_library(s, name=f"Perpustakaan SD Aturan {n}", kecamatan="Baki",
                                       library_type="sekolah", subtype="SD")[0] for n in (1, 2, 3)]
        ids[2].active = False
        users.create_user(s, "petugas", "petugas-pembina-2027", ["petugas"])
        users.create_user(s, "pensiun", "petugas-pembina-2027", ["petugas"]).active = False
        users.create_user(s, "mitra", "mitra-penaung-2027", ["mitra"])
        return [library.id for library in ids]
    ids = run_in_transaction(factory, prepare)

    def refused(form: str, data: dict[str, Any], current: dict[str, Any] | None = None) -> list[tuple[str, str]]:
        with factory() as s:
            try:
                rules.check(s, forms.load_form(FORMS_DIR, form), data, current or {}, today=TODAY)
            except ValidationFailed as err:
                return [(d["path"], d["code"]) for d in err.details]
            return []
    return ids, refused


def row(library: int, visit: int = 30, officer: str = "petugas") -> dict[str, Any]:
    return {"library": library, "visit_date": day(visit), "officer": officer}


def test_a_plausible_schedule_passes(world):
    (one, two, _), refused = world
    assert refused("koordinasi_monev.json", {"jadwal": [row(one), row(two, 0)]}) == []


def test_officers_must_be_active_users_holding_the_visiting_role(world):
    (one, two, _), refused = world
    schedule = {"jadwal": [row(one, officer="budi"), row(two, officer="pensiun"), row(two + 1, officer="mitra")]}
    assert [f for f in refused("koordinasi_monev.json", schedule) if f[0].endswith("officer")] == [
        ("jadwal.0.officer", "unknown_officer"), ("jadwal.1.officer", "unknown_officer"),
        ("jadwal.2.officer", "not_an_officer")]


def test_libraries_must_be_active_and_appear_once_per_schedule(world):
    (one, _, closed), refused = world
    assert refused("koordinasi_monev.json", {"jadwal": [row(one), row(one, 31), row(closed), row(9999)]}) == [
        ("jadwal.2.library", "inactive_library"), ("jadwal.3.library", "unknown_library"),
        ("jadwal.1.library", "duplicate_value")]


def test_visit_dates_are_not_in_the_past(world):
    (one, two, _), refused = world
    assert refused("koordinasi_monev.json", {"jadwal": [row(one, -1), row(two, -2500)]}) == [
        ("jadwal.0.visit_date", "date_in_past"), ("jadwal.1.visit_date", "date_in_past")]
    assert refused("eskalasi_kunjungan.json", {"eskalasi_kunjungan": {
        "tindak_lanjut": "jadwal_ulang", "tanggal_baru": day(-1), "catatan": "x"}}) == [
        ("eskalasi_kunjungan.tanggal_baru", "date_in_past")]


def test_a_coaching_schedule_covers_exactly_the_selected_libraries(world):
    (one, two, _), refused = world
    form = "surat_pemberitahuan_pembinaan.json"
    selected = {"pembinaan": [two]}
    assert refused(form, {"jadwal_pembinaan": [row(two)]}, selected) == []
    assert refused(form, {"jadwal_pembinaan": [row(one)]}, selected) == [
        ("jadwal_pembinaan.0.library", "not_selected"), ("jadwal_pembinaan", "selected_missing")]


def test_an_accreditation_status_follows_the_score_and_a_certificate_ends_after_its_start(world):
    _, refused = world
    form = "hasil_akreditasi.json"
    record = {"status": "terakreditasi", "tanggal": day(0), "nilai": 91.17, "nomor_sertifikat": "AKR/1",
              "berlaku_mulai": day(0), "berlaku_sampai": day(5 * 365)}
    assert refused(form, {"akreditasi": record}) == []
    assert refused(form, {"akreditasi": {**record, "nilai": 55, "berlaku_sampai": day(-1)}}) == [
        ("akreditasi.status", "status_mismatch"), ("akreditasi.berlaku_sampai", "date_not_after")]
    assert refused(form, {"akreditasi": {"status": "tidak_terakreditasi", "tanggal": day(0), "nilai": 55}}) == []
    assert refused(form, {"akreditasi": {"status": "tidak_terakreditasi", "tanggal": day(0), "nilai": 60}}) == [
        ("akreditasi.status", "status_mismatch")], "60 is a C under the default bands"
    assert refused(form, {"akreditasi": {"status": "tertunda", "tanggal": day(0)}}) == []
    assert refused("kunjungan_pembinaan.json", {"kunjungan_pembinaan": {
        "tanggal": day(0), "siap_akreditasi": False, "tanggal_berikutnya": day(0)}}) == [
        ("kunjungan_pembinaan.tanggal_berikutnya", "date_not_after")]
    assert refused("pengajuan_akreditasi.json", {"pengajuan_akreditasi": {
        "tanggal_pengajuan": day(3), "nomor_sipapi": "S-1", "jadwal_visitasi": day(2)}}) == [
        ("pengajuan_akreditasi.jadwal_visitasi", "date_not_after")]
    assert refused("pendampingan_akreditasi.json", {"pendampingan_akreditasi": {
        "tanggal": day(0), "petugas": ["nobody-here"], "catatan": "x"}}) == [
        ("pendampingan_akreditasi.petugas.0", "unknown_officer")]


def test_rules_are_found_once_per_form_store():
    form, kept = forms.load_form(FORMS_DIR, "koordinasi_monev.json"), {}
    assert rules.rules_of(form, kept) is rules.rules_of(form, kept)
    assert {r.keyword for r in rules.rules_of(form)} == {"x-senapas-ref", "x-senapas-unique", "x-senapas-not-past",
                                                        "x-senapas-excludes"}
    assert rules.unknown_in(form) == []
