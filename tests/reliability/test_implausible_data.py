"""Values that cannot be right are refused over the API (422, field path and code) and store nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from engine.libraries.registry import Library
from tests.reliability.test_hostile_payloads import run_sop_until, step_index
from tests.web.helpers import Web
from tests.web.sop_steps import DEMO_PASSWORD, STEPS, callers

SCHEDULE = STEPS[0][3]
COACHING = STEPS[step_index("Surat_Pemberitahuan_Pembinaan")][3]


def with_row(data: dict[str, Any], key: str, index: int, **changes: Any) -> dict[str, Any]:
    rows = [dict(r) for r in data[key]]
    rows[index].update(changes)
    return {**data, key: rows}


def accreditation(library: int, **changes: Any) -> dict[str, Any]:
    data = STEPS[step_index("Hasil_Akreditasi", library)][3]
    return {"akreditasi": {**data["akreditasi"], **changes}}


def accompaniment(library: int, **changes: Any) -> dict[str, Any]:
    data = STEPS[step_index("Pendampingan_Akreditasi", library)][3]
    return {"pendampingan_akreditasi": {**data["pendampingan_akreditasi"], **changes}}


@pytest.mark.parametrize(("step", "library", "data", "expected"), [
    ("Koordinasi_Monev", None, with_row(SCHEDULE, "jadwal", 0, officer="budi"),
     [("jadwal.0.officer", "unknown_officer")]),
    ("Koordinasi_Monev", None, with_row(SCHEDULE, "jadwal", 1, officer="mitra"),
     [("jadwal.1.officer", "not_an_officer")]),
    ("Koordinasi_Monev", None, with_row(SCHEDULE, "jadwal", 1, library=1),
     [("jadwal.1.library", "duplicate_value")]),
    ("Koordinasi_Monev", None, with_row(SCHEDULE, "jadwal", 2, visit_date="2020-03-02"),
     [("jadwal.2.visit_date", "date_in_past")]),
    ("Surat_Pemberitahuan_Pembinaan", None, with_row(COACHING, "jadwal_pembinaan", 1, library=1),
     [("jadwal_pembinaan", "selected_missing"), ("jadwal_pembinaan.1.library", "not_selected")]),
    ("Hasil_Akreditasi", 3, accreditation(3, status="terakreditasi", nomor_sertifikat="AKR/9"),
     [("akreditasi.status", "status_mismatch")]),
    ("Hasil_Akreditasi", 2, accreditation(2, berlaku_mulai="2027-06-01", berlaku_sampai="2027-05-31"),
     [("akreditasi.berlaku_sampai", "date_not_after")]),
    ("Pendampingan_Akreditasi", 2, accompaniment(2, petugas=["petugas", "mitra", "petugas"]),
     [("pendampingan_akreditasi.petugas.1", "not_an_officer"),
      ("pendampingan_akreditasi.petugas.2", "duplicate_value")]),
], ids=["officer-no-user", "officer-not-petugas", "library-twice", "visit-in-2020", "coaching-not-selected",
        "score-58-accredited", "valid-before-start", "companion-not-officer"])
def test_implausible_values_are_422_with_path_and_code_and_store_nothing(demo_app, stored, step, library, data,
                                                                         expected):
    api = callers(demo_app)
    index = step_index(step, library)
    username = STEPS[index][0]
    _, task_id = run_sop_until(api, index)
    before = stored()
    response = api(username).post(f"/tasks/{task_id}/complete", json={"data": data})
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "invalid_data"
    assert sorted((d["path"], d["code"]) for d in error["details"]) == expected
    assert all(d["message"] and "%(" not in d["message"] for d in error["details"])
    assert stored() == before
    assert api(username).post(f"/tasks/{task_id}/complete", json={"data": STEPS[index][3]}).status_code == 200


def test_an_inactive_library_cannot_be_scheduled(demo_app, factory, stored):
    api = callers(demo_app)
    _, task_id = run_sop_until(api, 0)
    with factory.begin() as s:
        s.execute(update(Library).where(Library.id == 3).values(active=False))
    before = stored()
    response = api("subkoor").post(f"/tasks/{task_id}/complete", json={"data": SCHEDULE})
    assert response.status_code == 422, response.json
    assert [(d["path"], d["code"]) for d in response.json["error"]["details"]] == [
        ("jadwal.2.library", "inactive_library")]
    assert stored() == before


def test_the_refusal_is_in_english_on_request(demo_app):
    api = callers(demo_app)
    _, task_id = run_sop_until(api, 0)
    subkoor = api("subkoor")
    response = subkoor.client.post(f"/api/v1/tasks/{task_id}/complete",
                                   json={"data": with_row(SCHEDULE, "jadwal", 0, officer="budi")},
                                   headers={**subkoor.headers, "Accept-Language": "en"})
    assert response.json["error"]["details"][0]["message"] == "officer budi is not an active user"


def test_the_html_form_shows_the_refusal_at_the_field_and_stores_nothing(demo_app, stored):
    api = callers(demo_app)
    _, task_id = run_sop_until(api, 0)
    browser = Web(demo_app.test_client()).login("subkoor", DEMO_PASSWORD)
    data = with_row(SCHEDULE, "jadwal", 0, officer="budi", visit_date="2020-03-02")
    fields = {"action": "complete", "periode": data["periode"], "notulen": data["notulen"], "jadwal.__rows": "3",
              **{f"jadwal.{i}.{k}": str(v) for i, r in enumerate(data["jadwal"]) for k, v in r.items()}}
    before = stored()
    response = browser.post(f"/tasks/{task_id}", fields)
    assert response.status_code == 422, response.text[:500]
    assert "petugas budi bukan pengguna aktif" in response.text
    assert "tanggal tidak boleh sebelum hari ini" in response.text
    assert stored() == before
