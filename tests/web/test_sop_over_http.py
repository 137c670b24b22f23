"""The whole KITAPUN SENAPAS SOP over HTTP as the demo users: once through the API alone, once
through the HTML forms alone, on a database prepared exactly as `senapas demo` prepares it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.datastructures import MultiDict

from engine.config import PROJECT_DIR, Settings
from tests.processes.helpers import answers
from tests.web.helpers import Api, Web
from web import demo
from web.app import create_app

DEMO_PASSWORD = "demo"
TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def letter(subject: str) -> dict[str, Any]:
    return {"penerima": ["dindikbud", "kemenag"], "perihal": subject, "sifat": "biasa"}


def visit(offset: int) -> dict[str, Any]:
    return {"kunjungan_monev": {"tanggal": day(offset), "narasumber": "Kepala perpustakaan"}}


def report(given: str, changes: dict[str, str] | None = None) -> dict[str, Any]:
    return {"answers": answers(changes or {}, given), "laporan_monev": {
        "tanggal": day(30), "temuan": "Koleksi referensi terbatas.", "rekomendasi": "Tambah koleksi."}}


def coaching(offset: int, ready: bool, topics: list[str], then: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"tanggal": day(offset), "topik": topics, "catatan": "Catatan pembinaan.",
                            "siap_akreditasi": ready}
    if then is not None:
        data["tanggal_berikutnya"] = day(then)
    return {"kunjungan_pembinaan": data}


# Each step: (user, BPMN task id, library id or None, data). The mitra's correction sends the
# letter back once; library 1 is not chosen for coaching; library 2 is coached twice.
STEPS: list[tuple[str, str, int | None, dict[str, Any]]] = [
    ("subkoor", "Koordinasi_Monev", None, {
        "periode": "Monev Perpustakaan 2027 Tahap I",
        "jadwal": [{"library": lid, "visit_date": day(29 + lid), "officer": "petugas"} for lid in (1, 2, 3)],
        "notulen": "Rapat koordinasi menetapkan sasaran dan jadwal."}),
    ("petugas", "Surat_Pemberitahuan_Monev", None, {"surat_monev": letter("Jadwal Monev")}),
    ("mitra", "Konfirmasi_Penyebarluasan", None, {"konfirmasi": {
        "status": "ada_koreksi", "catatan_koreksi": "Alamat Kantor Kemenag keliru."}}),
    ("petugas", "Surat_Pemberitahuan_Monev", None, {"surat_monev": letter("Jadwal Monev (perbaikan)")}),
    ("mitra", "Konfirmasi_Penyebarluasan", None, {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}}),
    ("petugas", "Kunjungan_Monev", 1, visit(30)), ("petugas", "Monev", 1, report("e")),
    ("petugas", "Kunjungan_Monev", 2, visit(31)), ("petugas", "Monev", 2, report("a")),
    ("petugas", "Kunjungan_Monev", 3, visit(32)), ("petugas", "Monev", 3, report("b", {"ten_04": "c"})),
    ("kabid", "Pemilihan_Pembinaan", None, {"pembinaan": [2, 3], "catatan_pemilihan": "Skor di atas 60."}),
    ("petugas", "Surat_Pemberitahuan_Pembinaan", None, {
        "surat_pembinaan": letter("Jadwal Pembinaan"),
        "jadwal_pembinaan": [{"library": 2, "visit_date": day(60), "officer": "petugas"},
                             {"library": 3, "visit_date": day(61), "officer": "petugas"}]}),
    ("petugas", "Kunjungan_Pembinaan", 2, coaching(60, False, ["administrasi"], then=90)),
    ("petugas", "Kunjungan_Pembinaan", 2, coaching(90, True, ["otomasi"])),
    ("petugas", "Kunjungan_Pembinaan", 3, coaching(61, True, ["otomasi"])),
    ("subkoor", "Pendampingan_Akreditasi", 2, {"akreditasi": {
        "tanggal": day(120), "nilai": 91.17, "predikat": "A", "nomor_sertifikat": "AKR/0001/2027"}}),
    ("kabid", "Pendampingan_Akreditasi", 3, {"akreditasi": {
        "tanggal": day(121), "nilai": 58.5, "predikat": "Tidak Terakreditasi"}}),
]


@pytest.fixture
def demo_app(factory: sessionmaker[Session], tmp_path: Path) -> Flask:
    """The app on a database prepared by `senapas demo`'s own preparation step."""
    settings = Settings(database_url="sqlite:///unused", secret_key="test-secret",
                        processes_dir=PROJECT_DIR / "processes", instance_dir=tmp_path)
    demo.prepare(settings, factory, DEMO_PASSWORD, say=lambda _text: None)
    return create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory})


def check_outcome(api: Callable[[str], Api], instance_id: int) -> None:
    """Completed, every document of the SOP listed with a unique number, and each PDF downloadable."""
    detail = api("kabid").get(f"/instances/{instance_id}").json
    assert detail["status"] == "completed" and detail["tasks"] == []
    kinds = sorted(d["kind"] for d in detail["documents"])
    assert kinds.count("surat_tugas") == 6 and kinds.count("monev_notification") == 2
    assert {"monev_report", "monev_summary", "coaching_notification", "accreditation_summary"} <= set(kinds)
    numbers = [d["number"] for d in detail["documents"] if d["number"]]
    assert len(numbers) == len(set(numbers))
    pdf = api("kabid").get(f"/documents/{detail['documents'][0]['id']}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert detail["data"]["hasil_pembinaan"] and detail["title"] == "Monev Perpustakaan 2027 Tahap I"


def callers(app: Flask) -> Callable[[str], Api]:
    """One API caller (one token) per demo user."""
    made: dict[str, Api] = {}

    def api(username: str) -> Api:
        if username not in made:
            made[username] = Api(app.test_client(), username, password=DEMO_PASSWORD)
        return made[username]
    return api


def test_the_whole_sop_through_the_api_alone(demo_app: Flask) -> None:
    api = callers(demo_app)

    started = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}})
    assert started.status_code == 201, started.json
    instance_id = started.json["id"]
    for username, name, library, data in STEPS:
        queue = api(username).get("/tasks?scope=queue&per_page=200").json["items"]
        mine = [t for t in queue if t["instance_id"] == instance_id and t["name"] == name
                and (library is None or t.get("item_key") == str(library))]
        assert len(mine) == 1, (username, name, library, [t["name"] for t in queue])
        done = api(username).post(f"/tasks/{mine[0]['id']}/complete", json={"data": data})
        assert done.status_code == 200, (name, done.json)
    check_outcome(api, instance_id)


def form_fields(data: Any, prefix: str = "") -> MultiDict[str, str]:
    """The HTML form fields the task page posts for `data` (dotted names, table rows, checkboxes)."""
    fields: MultiDict[str, str] = MultiDict()
    if isinstance(data, dict):
        for key, value in data.items():
            for name, item in form_fields(value, f"{prefix}{key}.").items(multi=True):
                fields.add(name, item)
    elif isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        fields.add(f"{prefix[:-1]}.__rows", str(len(data)))
        for i, row in enumerate(data):
            for name, item in form_fields(row, f"{prefix}{i}.").items(multi=True):
                fields.add(name, item)
    elif isinstance(data, list):
        fields.add(f"{prefix[:-1]}.__present", "1")
        for item in data:
            fields.add(prefix[:-1], str(item))
    elif isinstance(data, bool):
        fields.add(prefix[:-1], "true" if data else "false")
    else:
        fields.add(prefix[:-1], str(data))
    return fields


def test_the_whole_sop_through_the_html_forms_alone(demo_app: Flask) -> None:
    browsers: dict[str, Web] = {}

    def web(username: str) -> Web:
        if username not in browsers:
            browsers[username] = Web(demo_app.test_client()).login(username, DEMO_PASSWORD)
        return browsers[username]

    start = web("subkoor").post("/instances", {"definition": "kitapun_senapas"})
    assert start.status_code == 303
    instance_id = int(start.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    for username, name, library, data in STEPS:
        queue = web(username).get("/tasks?scope=queue&per_page=200").text
        links = set(re.findall(r'href="/tasks/([0-9a-f-]{36})"', queue))
        candidates = []
        for task_id in sorted(links):
            page = web(username).get(f"/tasks/{task_id}").text
            if f"/instances/{instance_id}" in page and f'data-task-name="{name}"' in page:
                candidates.append((task_id, page))
        if library is not None:
            wanted = f'data-item-key="{library}"'
            candidates = [(t, p) for t, p in candidates if wanted in p]
        assert len(candidates) == 1, (username, name, library, len(candidates))
        fields = form_fields(data)
        fields.add("csrf_token", web(username).token)  # a MultiDict: checkboxes send several values
        response = web(username).client.post(f"/tasks/{candidates[0][0]}", data=fields)
        assert response.status_code == 303, (name, re.findall(r'class="field-error[^"]*">([^<]+)<', response.text))

    check_outcome(callers(demo_app), instance_id)
