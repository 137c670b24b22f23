"""Oversized and deeply nested form payloads are refused; unusual Unicode is stored losslessly and shown escaped."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, Task
from tests.web.helpers import Web, deploy, open_task, start
from tests.web.sop_steps import DEMO_PASSWORD, STEPS, callers, one_task

DATA = {"judul": "Laporan Baki", "jumlah": 12, "tanggal": "2027-03-01", "jenis": "desa",
        "jadwal": [{"visit_date": "2027-03-02", "officer": "petugas"}]}
# Right-to-left override, zero-width space and joiner, a combining mark, emoji with skin tone and a ZWJ
# family, a lone BOM, and markup that must stay text.
STRANGE = ("\u202eevil.exe\u202c \u200bzero\u200dwidth e\u0301 😀👍🏽 👩\u200d👩\u200d👧 \ufeff"
           "<script>alert('x')</script> &amp; \"quotes\" 'apos'")


@pytest.fixture
def task_id(factory, people):
    deploy(factory, "laporan.bpmn")
    return open_task(factory, start(factory, "laporan"), "isi")


def raw_post(caller, path: str, body: bytes):
    return caller.client.post(f"/api/v1{path}", data=body, content_type="application/json", headers=caller.headers)


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("action", ["complete", "draft"])
def test_ten_megabytes_of_form_data_is_413_and_stores_nothing(api, task_id, stored, action):
    petugas = api("petugas")
    before = stored()
    body = json.dumps({"data": {**DATA, "catatan": "x" * (10 * 1024 * 1024)}}).encode()
    response = raw_post(petugas, f"/tasks/{task_id}/{action}", body)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    assert stored() == before


@pytest.mark.parametrize("action", ["complete", "draft"])
@pytest.mark.parametrize("depth", [40, 20_000])
def test_deeply_nested_json_is_400_and_stores_nothing(api, task_id, stored, action, depth):
    petugas = api("petugas")
    before = stored()
    body = ('{"data": {"judul": "Laporan Baki", "catatan": ' + deep(depth) + "}}").encode()
    response = raw_post(petugas, f"/tasks/{task_id}/{action}", body)
    assert response.status_code == 400, response.text[:300]
    assert response.json["error"]["code"] == "invalid_request"
    assert stored() == before


def test_ten_megabyte_form_post_on_the_page_is_413(web, task_id, stored):
    browser = web("petugas")
    before = stored()
    response = browser.post(f"/tasks/{task_id}", {"action": "complete", "judul": "x" * (10 * 1024 * 1024)})
    assert response.status_code == 413
    assert stored() == before


def test_unusual_unicode_round_trips_through_draft_and_completion(api, web, factory, task_id):
    petugas = api("petugas")
    draft = {"judul": STRANGE[:120], "catatan": STRANGE}
    assert petugas.post(f"/tasks/{task_id}/draft", {"data": draft}).status_code == 200
    assert petugas.get(f"/tasks/{task_id}").json["data"] == draft
    page = web("petugas").get(f"/tasks/{task_id}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    assert "\u202eevil.exe" in page.text and "👩\u200d👩\u200d👧" in page.text
    submitted = {**DATA, "judul": STRANGE[:120], "catatan": STRANGE}
    done = petugas.post(f"/tasks/{task_id}/complete", {"data": submitted})
    assert done.status_code == 200, done.text
    assert petugas.get(f"/tasks/{task_id}").json["data"] == submitted
    with factory() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.task_id == task_id,
                                                         AuditEvent.action == "complete")).one()
        assert event.data["catatan"] == STRANGE and event.data["judul"] == STRANGE[:120]
        assert session.get(Task, task_id).status == "completed"
    shown = web("petugas").get(f"/tasks/{task_id}")
    assert "<script>alert" not in shown.text and "\u200bzero\u200dwidth" in shown.text
    instance_page = web("kabid").get(f"/instances/{done.json['instance']['id']}")
    assert instance_page.status_code == 200 and "<script>alert" not in instance_page.text


# ---- the data contract: only what a task's form declares enters the workflow -----------------------

VALID_VISIT = STEPS[5][3]  # Kunjungan_Monev of library 1


def run_sop_until(api, index: int) -> tuple[int, str]:
    """Start a cycle as the demo's subkoor and complete STEPS[:index] over the API; the next step's task id."""
    instance_id = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    for position, (username, name, library, data) in enumerate(STEPS[:index + 1]):
        task_id = one_task(api, username, instance_id, name, library)["id"]  # visits and monev: their lead's inbox
        if position == index:
            return instance_id, task_id
        assert api(username).post(f"/tasks/{task_id}/complete", json={"data": data}).status_code == 200
    raise AssertionError("no such step")


def step_index(name: str, library: int | None = None) -> int:
    return next(i for i, (_, n, lib, _) in enumerate(STEPS) if n == name and (library is None or lib == library))


@pytest.mark.parametrize(("step", "library", "extra", "paths"), [
    ("Konfirmasi_Penyebarluasan", None, {"jadwal": [{"library": 5, "visit_date": "2027-01-01", "officer": "x"}]},
     ["jadwal"]),
    ("Koordinasi_Monev", None, {"title": "Siklus palsu"}, ["title"]),
    ("Monev", 1, {"kunjungan": {"library": 12}}, ["kunjungan"]),
    ("Pendampingan_Akreditasi", 2, {"binaan": {"library": 3}}, ["binaan"]),
    ("Pemilihan_Pembinaan", None, {"len": 0}, ["len"]),
    ("Kunjungan_Monev", 1, {"typename": "timedelta", "days": "boom"}, ["days", "typename"]),
    ("Surat_Pemberitahuan_Monev", None, {"surat_monev": {**STEPS[1][3]["surat_monev"], "nomor": "999"},
                                         "__class__": "x"}, ["__class__", "surat_monev.nomor"]),
    ("Koordinasi_Monev", None, {"jadwal": [{**STEPS[0][3]["jadwal"][0], "library_name": "Nama palsu"}]},
     ["jadwal.0.library_name"]),
], ids=["jadwal", "title", "kunjungan.library", "binaan.library", "len", "typename", "dunder-and-nested",
        "registry-field"])
def test_undeclared_fields_are_422_with_their_paths_and_store_nothing(demo_app, factory, stored, step, library,
                                                                        extra, paths):
    """A submission carrying what the task's form does not declare is refused whole, naming each key."""
    api = callers(demo_app)
    index = step_index(step, library)
    username, _, _, data = STEPS[index]
    instance_id, task_id = run_sop_until(api, index)
    before = stored()
    response = api(username).post(f"/tasks/{task_id}/complete", json={"data": {**data, **extra}})
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_data"
    assert sorted(d["path"] for d in response.json["error"]["details"]) == paths
    assert stored() == before
    assert api(username).post(f"/tasks/{task_id}/complete", json={"data": data}).status_code == 200
    detail = api("kabid").get(f"/instances/{instance_id}").json
    assert detail["status"] == "running" and detail["title"] != "Siklus palsu"


def test_start_data_without_a_start_form_is_422_and_stores_nothing(demo_app, stored):
    api = callers(demo_app)
    subkoor = api("subkoor")
    assert subkoor.get("/tasks").status_code == 200
    before = stored()
    response = subkoor.post("/instances", json={"definition": "kitapun_senapas",
                                                "data": {"title": "Siklus palsu", "jadwal": [], "len": 1}})
    assert response.status_code == 422, response.json
    assert sorted(d["path"] for d in response.json["error"]["details"]) == ["jadwal", "len", "title"]
    assert stored() == before


def test_extra_fields_posted_to_the_html_form_are_dropped_and_the_step_completes(demo_app, factory):
    api = callers(demo_app)
    index = step_index("Konfirmasi_Penyebarluasan")
    instance_id, task_id = run_sop_until(api, index)
    browser = Web(demo_app.test_client()).login("mitra", DEMO_PASSWORD)
    fields = {"action": "complete", "konfirmasi.status": "ada_koreksi", "konfirmasi.catatan_koreksi": "Alamat keliru.",
              "jadwal.__rows": "1", "jadwal.0.library": "5", "title": "Siklus palsu"}
    response = browser.post(f"/tasks/{task_id}", fields)
    assert response.status_code == 303, response.text[:500]
    detail = api("kabid").get(f"/instances/{instance_id}").json
    assert detail["title"] != "Siklus palsu"
    assert [row["library"] for row in detail["data"]["jadwal"]] == [1, 2, 3]
