"""Hostile scripts deployed and run over HTTP: incidents, while other instances keep working."""

from __future__ import annotations

import dataclasses
import io
import threading

import pytest

from engine.workflow import scripts
from engine.workflow.runtime import Limits
from tests.web.helpers import FIXTURES, Api, deploy, open_task, start
from web.app import create_app

INSIDEN = (FIXTURES / "insiden.bpmn").read_text(encoding="utf-8")
LAPORAN_DATA = {"judul": "Laporan Baki", "jumlah": 12, "tanggal": "2027-03-01", "jenis": "desa",
                "jadwal": [{"visit_date": "2027-03-02", "officer": "petugas"}]}
SCRIPTS = {
    "impor": "import os\nrasio = os.getcwd()",
    "dunder": "rasio = __import__('os').getcwd()",
    "berkas": "rasio = open('/etc/passwd').read()",
    "putar": "i = 0\nwhile True:\n    i = i + 1",
}


def variant(key: str) -> bytes:
    """The incident fixture with its script replaced and its process renamed."""
    return (INSIDEN.replace("rasio = 10 / pembagi", SCRIPTS[key])
            .replace('id="insiden"', f'id="{key}"').replace('processRef="insiden"', f'processRef="{key}"')
            .encode())


def upload_and_start(caller: Api, key: str) -> tuple[int, str]:
    response = caller.client.post("/api/v1/definitions", headers=caller.headers,
                                  data={"file": (io.BytesIO(variant(key)), f"{key}.bpmn")},
                                  content_type="multipart/form-data")
    assert response.status_code == 201, response.text
    return response.json["key"], response.json["version"]


@pytest.fixture
def quick_app(factory, settings):
    """The app with a short script time limit, so an endless loop ends quickly."""
    return create_app(dataclasses.replace(settings, limits=Limits(script_time_limit=0.3)),
                      {"TESTING": True, "SESSION_FACTORY": factory})


@pytest.mark.parametrize("key,message", [("impor", "__import__"), ("dunder", "__import__"), ("berkas", "open")])
def test_scripts_reaching_outside_become_incidents(api, factory, key, message):
    upload_and_start(api("admin"), key)
    petugas = api("petugas")
    started = petugas.post("/instances", {"definition": key, "data": {}})
    assert started.status_code == 201, started.text
    task_id = open_task(factory, started.json["id"], "isi")
    done = petugas.post(f"/tasks/{task_id}/complete", {"data": {"pembagi": 3}})
    assert done.status_code == 200 and done.json["instance"]["status"] == "error"
    detail = api("kabid").get(f"/instances/{started.json['id']}").json
    assert detail["status"] == "error" and message in detail["incident"]
    assert [t["name"] for t in detail["tasks"]] == ["isi"]  # the failed step was rolled back, not half-run
    assert "root:" not in done.text + str(detail)


def test_an_endless_script_is_stopped_while_other_instances_keep_working(quick_app, people, factory, monkeypatch):
    deploy(factory, "laporan.bpmn")
    admin, petugas = Api(quick_app.test_client(), "admin"), Api(quick_app.test_client(), "petugas")
    other = Api(quick_app.test_client(), "petugas2")
    upload_and_start(admin, "putar")
    stuck = petugas.post("/instances", {"definition": "putar", "data": {}}).json["id"]
    fine = start(factory, "laporan", "petugas2")
    looping, finished = threading.Event(), threading.Event()
    original = scripts.RestrictedEnvironment.execute

    def execute(self, script, context, external_context=None):
        if "while True" in script:
            looping.set()
            assert finished.wait(30), "the other instance's completion was blocked by the endless script"
        return original(self, script, context, external_context)

    monkeypatch.setattr(scripts.RestrictedEnvironment, "execute", execute)
    results = {}

    def stuck_call():
        results["stuck"] = petugas.post(f"/tasks/{open_task(factory, stuck, 'isi')}/complete",
                                        {"data": {"pembagi": 1}})

    thread = threading.Thread(target=stuck_call)
    thread.start()
    assert looping.wait(30)
    results["fine"] = other.post(f"/tasks/{open_task(factory, fine, 'isi')}/complete", {"data": LAPORAN_DATA})
    results["queue"] = other.get("/tasks?scope=queue")
    finished.set()
    thread.join(60)
    assert results["fine"].status_code == 200 and results["fine"].json["instance"]["status"] == "running"
    assert results["queue"].status_code == 200
    assert results["stuck"].status_code == 200 and results["stuck"].json["instance"]["status"] == "error"
    detail = Api(quick_app.test_client(), "kabid").get(f"/instances/{stuck}").json
    assert "batas waktu" in detail["incident"]
