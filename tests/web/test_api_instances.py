"""API instances: start, list with filters and pages, detail, diagram, supervisor actions, incidents."""

from __future__ import annotations

import pytest

from tests.web.helpers import deploy, open_task, start


@pytest.fixture
def deployed(factory, people):
    deploy(factory, "laporan.bpmn")
    deploy(factory, "insiden.bpmn")


def test_start_returns_201_with_the_instance(api, deployed):
    response = api("petugas").post("/instances", {"definition": "laporan", "data": {"judul": "Laporan Weru"}})
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "running" and body["definition"] == "laporan" and body["version"] == 1
    assert body["title"] == "Laporan Weru" and body["open_tasks"] == 1 and body["started_by"] == "petugas"
    assert [t["name"] for t in body["tasks"]] == ["isi"] and body["data"] == {"judul": "Laporan Weru"}


def test_start_errors(api, deployed):
    petugas = api("petugas")
    assert api("mitra").post("/instances", {"definition": "laporan"}).status_code == 403
    assert petugas.post("/instances", {"definition": "tidak_ada"}).status_code == 404
    assert petugas.post("/instances", {"definition": "laporan", "data": [1]}).status_code == 400
    assert petugas.post("/instances", {"data": {}}).status_code == 400
    assert petugas.post("/instances", [1, 2]).status_code == 400


def test_list_filters_and_pages(api, factory, deployed):
    first = start(factory, "laporan", data={"judul": "Monev Baki"})
    second = start(factory, "insiden")
    kabid = api("kabid")
    listed = kabid.get("/instances").json
    assert listed["total"] == 2 and [i["id"] for i in listed["items"]] == [second, first]
    assert set(listed["items"][0]) >= {"id", "definition", "version", "status", "title", "started_by",
                                       "started_at", "ended_at", "open_tasks"}
    assert [i["id"] for i in kabid.get("/instances?definition=laporan").json["items"]] == [first]
    assert [i["id"] for i in kabid.get("/instances?q=baki").json["items"]] == [first]
    assert kabid.get("/instances?status=completed").json["total"] == 0
    page = kabid.get("/instances?per_page=1&page=2").json
    assert page["total"] == 2 and [i["id"] for i in page["items"]] == [first]
    for query in ("per_page=201", "per_page=0", "page=0", "page=x", "status=aneh"):
        response = kabid.get(f"/instances?{query}")
        assert response.status_code == 400 and response.json["error"]["code"] == "invalid_request", query
    assert api("mitra").get("/instances").json["total"] == 0


def test_detail_diagram_and_visibility(api, factory, deployed):
    instance_id = start(factory, "laporan")
    detail = api("kabid").get(f"/instances/{instance_id}").json
    assert {"tasks", "history", "documents", "data"} <= set(detail)
    assert detail["history"][0] == {"at": detail["history"][0]["at"], "actor": "petugas", "action": "start",
                                    "task": None, "task_id": None, "details": {"data": {}}}
    svg = api("petugas").get(f"/instances/{instance_id}/diagram.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b'data-element-id="isi"' in svg.data
    assert api("mitra").get(f"/instances/{instance_id}").status_code == 404
    assert api("mitra").get(f"/instances/{instance_id}/diagram.svg").status_code == 404
    assert api("kabid").get("/instances/424242").status_code == 404


def test_supervisor_actions(api, factory, deployed):
    instance_id = start(factory, "laporan")
    kabid = api("kabid")
    assert api("petugas").post(f"/instances/{instance_id}/suspend", {"reason": "x"}).status_code == 403
    missing = kabid.post(f"/instances/{instance_id}/suspend", {})
    assert missing.status_code == 400 and missing.json["error"]["message"] == "alasan wajib diisi"
    suspended = kabid.post(f"/instances/{instance_id}/suspend", {"reason": "data belum lengkap"})
    assert suspended.status_code == 200 and suspended.json["status"] == "suspended"
    task_id = open_task(factory, instance_id, "isi")
    assert api("petugas").post(f"/tasks/{task_id}/complete", {"data": {}}).status_code == 409
    assert kabid.post(f"/instances/{instance_id}/suspend", {"reason": "lagi"}).status_code == 409
    assert kabid.post(f"/instances/{instance_id}/resume", {"reason": "lengkap"}).json["status"] == "running"
    assert kabid.post(f"/instances/{instance_id}/cancel", {"reason": "batal"}).json["status"] == "cancelled"
    assert kabid.post(f"/instances/{instance_id}/frobnicate", {"reason": "x"}).status_code == 404
    assert kabid.get(f"/instances/{instance_id}").json["tasks"] == []


def test_incident_and_retry(api, factory, deployed):
    instance_id = start(factory, "insiden")
    task_id = open_task(factory, instance_id, "isi")
    done = api("petugas").post(f"/tasks/{task_id}/complete", {"data": {"pembagi": 0}})
    assert done.status_code == 200 and done.json["instance"]["status"] == "error"
    assert "ZeroDivisionError" in done.json["incident"]
    detail = api("kabid").get(f"/instances/{instance_id}").json
    assert detail["status"] == "error" and "ZeroDivisionError" in detail["incident"]
    retried = api("kabid").post(f"/instances/{instance_id}/retry", {"reason": "coba lagi"})
    assert retried.status_code == 200 and retried.json["status"] == "error"
    assert api("kabid").post(f"/instances/{start(factory, 'insiden')}/retry", {"reason": "x"}).status_code == 409
