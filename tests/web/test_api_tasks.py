"""API tasks: lists, one task with its form, claim, unclaim, draft, complete, assign, comment; errors."""

from __future__ import annotations

import json

import pytest

from tests.web.helpers import deploy, open_task, start

DATA = {"judul": "Laporan Baki", "jumlah": 12, "tanggal": "2027-03-01", "jenis": "desa",
        "jadwal": [{"visit_date": "2027-03-02", "officer": "petugas"}]}


@pytest.fixture
def laporan(factory, people):
    deploy(factory, "laporan.bpmn")
    instance_id = start(factory, "laporan")
    return instance_id, open_task(factory, instance_id, "isi")


def test_lists_by_scope(api, laporan):
    instance_id, task_id = laporan
    petugas = api("petugas")
    queue = petugas.get("/tasks?scope=queue").json
    assert queue["total"] == 1
    assert set(queue["items"][0]) >= {"id", "instance_id", "definition", "name", "title", "lane", "status",
                                      "assignee", "created_at", "due_at"}
    expected = {"id": task_id, "instance_id": instance_id, "definition": "laporan", "name": "isi",
                "title": "Isi laporan kunjungan", "lane": "petugas", "status": "open", "assignee": None}
    assert {k: queue["items"][0][k] for k in expected} == expected
    assert queue["items"][0]["due_at"].endswith("+00:00")
    assert petugas.get("/tasks").json["total"] == 0  # inbox is the default scope
    assert petugas.get("/tasks?scope=archive").json["total"] == 0
    assert api("mitra").get("/tasks?scope=queue").json["total"] == 0
    assert petugas.get("/tasks?scope=semua").status_code == 400
    assert petugas.get("/tasks?per_page=500").status_code == 400


def test_one_task_with_form_and_instructions(api, laporan):
    task = api("petugas").get(f"/tasks/{laporan[1]}").json
    assert task["instructions"].startswith("Isi laporan setelah kunjungan.")
    assert task["form"]["schema"]["title"] == "Laporan kunjungan"
    assert task["form"]["ui_schema"]["catatan"] == {"ui:widget": "textarea"} and task["data"] == {}
    assert api("mitra").get(f"/tasks/{laporan[1]}").status_code == 404


def test_claim_unclaim_and_conflicts(api, laporan):
    task_id = laporan[1]
    petugas, other = api("petugas"), api("petugas2")
    claimed = petugas.post(f"/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and claimed.json["assignee"] == "petugas"
    assert petugas.get("/tasks").json["total"] == 1
    conflict = other.post(f"/tasks/{task_id}/claim")
    assert conflict.status_code == 409 and conflict.json["error"]["code"] == "task_claimed"
    assert conflict.json["error"]["details"][0]["params"] == {"holder": "petugas"}
    assert other.post(f"/tasks/{task_id}/complete", {"data": DATA}).status_code == 409
    assert api("kabid").post(f"/tasks/{task_id}/claim").status_code == 403
    assert other.post(f"/tasks/{task_id}/unclaim").status_code == 403
    assert petugas.post(f"/tasks/{task_id}/unclaim").json["assignee"] is None


def test_draft_keeps_unvalidated_values(api, laporan):
    petugas = api("petugas")
    response = petugas.post(f"/tasks/{laporan[1]}/draft", {"data": {"jumlah": "belum tahu"}})
    assert response.status_code == 200 and response.json["data"] == {"jumlah": "belum tahu"}
    assert petugas.get(f"/tasks/{laporan[1]}").json["data"] == {"jumlah": "belum tahu"}
    assert petugas.post(f"/tasks/{laporan[1]}/draft", {"data": "x"}).status_code == 400


def test_complete_returns_instance_and_next_tasks(api, laporan):
    instance_id, task_id = laporan
    response = api("petugas").post(f"/tasks/{task_id}/complete", {"data": DATA})
    assert response.status_code == 200
    assert response.json["instance"] == {"id": instance_id, "status": "running"}
    [next_task] = response.json["next_tasks"]
    assert next_task["name"] == "tinjau" and next_task["lane"] == "kabid"
    again = api("petugas").post(f"/tasks/{task_id}/complete", {"data": DATA})
    assert again.status_code == 409 and again.json["error"]["code"] == "task_completed"
    assert api("petugas").get("/tasks?scope=archive").json["items"][0]["id"] == task_id


def test_invalid_data_is_422_with_paths(api, laporan):
    response = api("petugas").post(f"/tasks/{laporan[1]}/complete",
                                   {"data": {**DATA, "jumlah": 0, "jadwal": [{"visit_date": "besok"}]}})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_data"
    details = {d["path"]: (d["code"], d["params"]) for d in response.json["error"]["details"]}
    assert details == {"jumlah": ("minimum", {"limit": 1}), "jadwal.0.visit_date": ("invalid_date", {}),
                       "jadwal.0.officer": ("required", {})}


def test_english_error_messages(api, laporan):
    petugas = api("petugas")
    response = petugas.post(f"/tasks/{laporan[1]}/complete", {"data": {**DATA, "jumlah": 0}},
                            headers={"Accept-Language": "en"})
    assert response.json["error"]["message"] == "the form data is invalid"
    assert response.json["error"]["details"] == [
        {"path": "jumlah", "code": "minimum", "params": {"limit": 1}, "message": "at least 1"}]
    missing = petugas.get("/tasks/nope", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert missing.json["error"]["message"] == "task not found"
    assert petugas.get("/tasks/nope").json["error"]["message"] == "tugas tidak ditemukan"


def test_wrong_lane_unknown_task_and_bad_bodies(api, laporan):
    task_id = laporan[1]
    assert api("kabid").post(f"/tasks/{task_id}/complete", {"data": DATA}).status_code == 403
    assert api("petugas").post("/tasks/nope/complete", {"data": DATA}).status_code == 404
    petugas = api("petugas")
    malformed = petugas.client.post(f"/api/v1/tasks/{task_id}/complete", data='{"data": {',
                                    content_type="application/json", headers=petugas.headers)
    assert malformed.status_code == 400 and malformed.json["error"]["code"] == "invalid_request"
    assert petugas.post(f"/tasks/{task_id}/complete", [DATA]).status_code == 400
    assert petugas.post(f"/tasks/{task_id}/complete", {"data": [1]}).status_code == 400
    wrong_type = petugas.client.post(f"/api/v1/tasks/{task_id}/complete", data="data=1", headers=petugas.headers,
                                     content_type="text/plain")
    assert wrong_type.status_code == 400


def test_json_over_one_megabyte_is_413(api, laporan):
    petugas = api("petugas")
    body = json.dumps({"data": {"catatan": "x" * (1024 * 1024)}})
    response = petugas.client.post(f"/api/v1/tasks/{laporan[1]}/draft", data=body, content_type="application/json",
                                   headers=petugas.headers)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def test_assign_and_comment(api, laporan):
    instance_id, task_id = laporan
    kabid = api("kabid")
    assigned = kabid.post(f"/tasks/{task_id}/assign", {"username": "petugas2", "reason": "dekat lokasi"})
    assert assigned.status_code == 200 and assigned.json["assignee"] == "petugas2"
    assert api("petugas").post(f"/tasks/{task_id}/assign", {"username": "petugas", "reason": "x"}).status_code == 403
    assert kabid.post(f"/tasks/{task_id}/assign", {"username": "mitra", "reason": "x"}).status_code == 422
    assert kabid.post(f"/tasks/{task_id}/assign", {"reason": "x"}).status_code == 400
    commented = api("petugas2").post(f"/tasks/{task_id}/comment", {"text": "berangkat besok"})
    assert commented.status_code == 201
    history = kabid.get(f"/instances/{instance_id}").json["history"]
    assert [e["action"] for e in history] == ["start", "assign", "comment"]
    assert history[-1]["details"] == {"reason": "berangkat besok"}
    assert api("petugas2").post(f"/tasks/{task_id}/comment", {"text": ""}).status_code == 400


def test_deeply_nested_json_is_a_400(api, laporan):
    petugas = api("petugas")
    body = '{"data": {"catatan": ' + "[" * 20000 + "]" * 20000 + "}}"
    response = petugas.client.post(f"/api/v1/tasks/{laporan[1]}/draft", data=body, content_type="application/json",
                                   headers=petugas.headers)
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_request"


def test_a_conflict_names_its_code_and_reads_in_the_callers_language(api, laporan):
    task_id = laporan[1]
    api("petugas").post(f"/tasks/{task_id}/claim")
    other = api("petugas2")
    english = other.post(f"/tasks/{task_id}/complete", {"data": DATA}, headers={"Accept-Language": "en"})
    text = "the task is being worked on by petugas"
    assert english.status_code == 409 and english.json["error"] == {
        "code": "task_claimed", "message": text,
        "details": [{"path": "assignee", "code": "task_claimed", "params": {"holder": "petugas"}, "message": text}]}
    indonesian = other.post(f"/tasks/{task_id}/complete", {"data": DATA})
    assert indonesian.json["error"]["message"] == "tugas sedang dikerjakan oleh petugas"
