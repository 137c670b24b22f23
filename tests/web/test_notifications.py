"""Notifications in the app: the header count, the list page with mark-as-read, and its API twin."""

from __future__ import annotations

import re

import pytest

from tests.web.helpers import deploy, open_task, start


@pytest.fixture
def laporan(factory, people):
    deploy(factory, "laporan.bpmn")
    instance_id = start(factory, "laporan")
    return instance_id, open_task(factory, instance_id, "isi")


def header_count(html: str) -> int:
    found = re.search(r'class="notice-count"[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_an_assignment_shows_in_the_header_count_and_the_list(web, laporan):
    instance_id, task_id = laporan
    petugas2 = web("petugas2")
    assert header_count(petugas2.get("/tasks").text) == 0
    web("kabid").post(f"/tasks/{task_id}/assign", {"username": "petugas2", "reason": "dekat lokasi"})
    assert header_count(petugas2.get("/tasks").text) == 1
    page = petugas2.get("/notifications").text
    assert "Tugas \u201cIsi laporan kunjungan\u201d" in page and "diserahkan kepada Anda oleh kabid" in page
    english = petugas2.get("/notifications?lang=en").text
    assert "was assigned to you by kabid" in english
    assert header_count(web("petugas").get("/tasks").text) == 0  # nobody else is told


def test_opening_a_notice_marks_it_read_and_leads_to_its_task(web, laporan):
    _, task_id = laporan
    web("kabid").post(f"/tasks/{task_id}/assign", {"username": "petugas2", "reason": "dekat lokasi"})
    petugas2 = web("petugas2")
    notice_id = re.search(r'/notifications/(\d+)/read', petugas2.get("/notifications").text).group(1)
    opened = petugas2.post(f"/notifications/{notice_id}/read", {"open": "1"})
    assert opened.status_code == 303 and opened.headers["Location"] == f"/tasks/{task_id}"
    assert header_count(petugas2.get("/notifications").text) == 0
    assert "Tidak ada notifikasi yang belum dibaca." in petugas2.get("/notifications?unread=1").text


def test_mark_all_read_and_nobody_marks_another_persons_notice(web, api, laporan):
    instance_id, task_id = laporan
    kabid = web("kabid")
    kabid.post(f"/tasks/{task_id}/assign", {"username": "petugas2", "reason": "dekat lokasi"})
    kabid.post(f"/instances/{instance_id}/suspend", {"reason": "menunggu anggaran"})
    notice_id = api("petugas2").get("/notifications").json["items"][0]["id"]
    assert web("petugas").post(f"/notifications/{notice_id}/read").status_code == 404
    assert api("petugas").post(f"/notifications/{notice_id}/read").status_code == 404
    petugas2 = web("petugas2")
    assert header_count(petugas2.get("/tasks").text) == 2
    petugas2.post("/notifications/read-all")
    assert header_count(petugas2.get("/tasks").text) == 0


def test_the_api_lists_my_notifications_and_marks_one_read(api, web, laporan):
    instance_id, task_id = laporan
    web("kabid").post(f"/tasks/{task_id}/assign", {"username": "petugas2", "reason": "dekat lokasi"})
    web("kabid").post(f"/instances/{instance_id}/cancel", {"reason": "program dihentikan", "confirmed": "yes"})
    petugas2 = api("petugas2")
    listed = petugas2.get("/notifications").json
    assert listed["total"] == 2 and listed["unread"] == 2
    cancelled, assigned = listed["items"]
    assert set(assigned) >= {"id", "kind", "text", "task_id", "instance_id", "created_at", "read_at"}
    assert (assigned["kind"], assigned["task_id"], assigned["instance_id"], assigned["read_at"]) == (
        "assigned", task_id, instance_id, None)
    assert cancelled["kind"] == "cancelled" and cancelled["task_id"] is None
    assert cancelled["text"].endswith("dibatalkan oleh kabid. Alasan: program dihentikan")
    english = petugas2.get("/notifications", headers={"Accept-Language": "en"}).json["items"][0]["text"]
    assert english.endswith("was cancelled by kabid. Reason: program dihentikan")
    read = petugas2.post(f"/notifications/{assigned['id']}/read")
    assert read.status_code == 200 and read.json["read_at"] is not None
    assert [n["id"] for n in petugas2.get("/notifications?unread=true").json["items"]] == [cancelled["id"]]
    assert petugas2.post("/notifications/999999/read").status_code == 404
    starter = api("petugas").get("/notifications").json["items"]  # petugas started the instance
    assert [n["kind"] for n in starter] == ["cancelled"]
    assert api("mitra").get("/notifications").json["total"] == 0


def test_notifications_need_a_login(app):
    client = app.test_client()
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/notifications").status_code in (302, 303)
