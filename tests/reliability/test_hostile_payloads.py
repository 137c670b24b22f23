"""Oversized and deeply nested form payloads are refused; unusual Unicode is stored losslessly and shown escaped."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, Task
from tests.web.helpers import deploy, open_task, start

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
