"""The demo library registry (processes/demo/libraries.csv) covers the region and the warning cases."""

from __future__ import annotations

import csv
import re

from tests.processes.helpers import LIBRARIES_CSV

COLUMNS = ["id", "name", "npp", "npsn", "library_type", "subtype", "institution", "supervisor", "status",
           "address", "desa", "kecamatan", "phone", "email", "year_founded", "head_name", "collection_titles",
           "collection_copies", "staff_count", "automation", "accreditation_status", "accreditation_grade",
           "accreditation_score", "accreditation_year", "accreditation_certificate", "accreditation_valid_until"]
KECAMATAN = {"Baki", "Bendosari", "Bulu", "Gatak", "Grogol", "Kartasura", "Mojolaban", "Nguter", "Polokarto",
             "Sukoharjo", "Tawangsari", "Weru"}
SUBTYPES = {"sekolah": {"SD", "MI", "SMP", "MTs", "SMA", "SMK", "MA"}, "desa": {""}, "kelurahan": {""},
            "khusus": {"instansi_pemerintah", "instansi_swasta"}, "tbm": {""}}
MADRASAH = {"MI", "MTs", "MA"}
NPP = re.compile(r"\d{7}[A-Z]\d{7}")


def rows() -> list[dict[str, str]]:
    with LIBRARIES_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_registry_covers_every_kecamatan_and_library_type() -> None:
    libraries = rows()
    assert len(libraries) >= 24
    assert [int(r["id"]) for r in libraries] == list(range(1, len(libraries) + 1))
    assert {r["kecamatan"] for r in libraries} == KECAMATAN
    for r in libraries:
        assert r["subtype"] in SUBTYPES[r["library_type"]], r["name"]
        if r["library_type"] == "sekolah":  # who receives the notification letters
            assert r["supervisor"] == ("kemenag" if r["subtype"] in MADRASAH else "dindikbud"), r["name"]
        else:
            assert r["supervisor"] == "lainnya", r["name"]
        assert r["institution"], r["name"]
        assert "Contoh" in r["name"], "demo libraries are visibly fictional"
        assert r["status"] in {"negeri", "swasta"}
        assert r["automation"] in {"none", "slims", "inlislite"}
        assert r["email"].endswith("@example.org")
        assert r["npsn"] == "" or (r["library_type"] == "sekolah" and re.fullmatch(r"\d{8}", r["npsn"]))
    assert {r["subtype"] for r in libraries if r["library_type"] == "sekolah"} == SUBTYPES["sekolah"]
    assert {r["library_type"] for r in libraries} == set(SUBTYPES)


def test_npp_values_include_empty_and_malformed_ones() -> None:
    npp = [r["npp"] for r in rows()]
    assert sum(1 for v in npp if v == "") >= 3
    assert sum(1 for v in npp if v and not NPP.fullmatch(v)) >= 3
    assert sum(1 for v in npp if NPP.fullmatch(v)) >= 12


def test_accreditation_columns_agree() -> None:
    for r in rows():
        status, grade, score = r["accreditation_status"], r["accreditation_grade"], r["accreditation_score"]
        assert status in {"belum", "terakreditasi", "tidak_terakreditasi"}
        if status == "belum":
            assert grade == score == r["accreditation_year"] == ""
        else:
            assert 0 <= float(score) <= 100 and r["accreditation_year"]
            assert (grade in {"A", "B", "C"}) == (status == "terakreditasi")
        accredited = status == "terakreditasi"
        assert bool(r["accreditation_certificate"]) == bool(r["accreditation_valid_until"]) == accredited
