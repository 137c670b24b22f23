"""The task lists and the task page over HTTP, on a cycle of the real SOP run by the demo users:
filters and search through the API and the pages, the documents each task needs, the next task."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.web.helpers import Api, Web
from tests.web.sop_steps import DEMO_PASSWORD, callers, day, letter, report, visit

TITLE = "Monev Perpustakaan 2027 Tahap I"


def _complete(api: Any, username: str, instance_id: int, name: str, data: dict[str, Any],
              library: int | None = None) -> str:
    # a visit and its monev are in the inbox of their scheduled lead; the other steps in a queue
    queue = [t for scope in ("inbox", "queue") for t in api(username).get(
        f"/tasks?scope={scope}&instance_id={instance_id}&per_page=200").json["items"]]
    mine = [t for t in queue if t["name"] == name and (library is None or t["library_id"] == library)]
    assert len(mine) == 1, (username, name, queue)
    done = api(username).post(f"/tasks/{mine[0]['id']}/complete", json={"data": data})
    assert done.status_code == 200, done.json
    return str(mine[0]["id"])


@pytest.fixture
def cycle(demo_app: Flask) -> dict[str, Any]:
    """A cycle up to its visits: library 1 (Baki) and library 4 (Bendosari), the letter confirmed."""
    api = callers(demo_app)
    started = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}, "title": TITLE})
    assert started.status_code == 201 and started.json["title"] == TITLE
    instance_id = started.json["id"]
    _complete(api, "subkoor", instance_id, "Koordinasi_Monev", {
        "periode": TITLE, "notulen": "Rapat koordinasi.",
        "jadwal": [{"library": 1, "visit_date": day(30), "officer": "petugas"},
                   {"library": 4, "visit_date": day(34), "officer": "petugas"}]})
    _complete(api, "petugas", instance_id, "Surat_Pemberitahuan_Monev", {"surat_monev": letter("Jadwal Monev")})
    return {"api": api, "id": instance_id, "app": demo_app}


def test_the_api_filters_the_queue_and_names_cycle_and_library(cycle: dict[str, Any]) -> None:
    api, instance_id = cycle["api"], cycle["id"]
    _complete(api, "mitra", instance_id, "Konfirmasi_Penyebarluasan", {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    petugas = api("petugas")
    assert petugas.get(f"/tasks?scope=queue&instance_id={instance_id}").json["total"] == 0
    visits = petugas.get(f"/tasks?scope=inbox&instance_id={instance_id}").json
    assert visits["total"] == 2
    assert {(t["instance_title"], t["library_name"], t["kecamatan"]) for t in visits["items"]} == {
        (TITLE, "Perpustakaan SD Negeri Contoh 1 Baki", "Baki"),
        (TITLE, "Perpustakaan SMP Negeri Contoh 2 Bendosari", "Bendosari")}
    bendosari = petugas.get("/tasks?scope=inbox&kecamatan=bendosari").json["items"]
    assert [t["library_id"] for t in bendosari] == [4]
    assert [t["library_id"] for t in petugas.get("/tasks?scope=inbox&q=sd negeri contoh").json["items"]] == [1]
    assert [t["library_id"] for t in petugas.get("/tasks?scope=inbox&sort=-due_at").json["items"]] == [4, 1]
    assert petugas.get("/tasks?scope=inbox&overdue=true").json["total"] == 0
    refused = petugas.get("/tasks?scope=queue&sort=nama")
    assert refused.status_code == 400 and refused.json["error"]["code"] == "invalid_request"
    assert "due_at" in refused.json["error"]["message"]
    assert petugas.get("/tasks?scope=all").status_code == 403
    everything = api("kabid").get("/tasks?scope=all&library_id=4").json
    # the officer's visit and the librarian's own self-assessment before it
    assert sorted(t["name"] for t in everything["items"]) == ["Kunjungan_Monev", "Penilaian_Mandiri"]


def test_the_filtered_queue_page_shows_cycle_titles_not_ids(cycle: dict[str, Any]) -> None:
    api, instance_id = cycle["api"], cycle["id"]
    _complete(api, "mitra", instance_id, "Konfirmasi_Penyebarluasan", {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    petugas = Web(cycle["app"].test_client()).login("petugas", DEMO_PASSWORD)
    page = petugas.get("/tasks?scope=inbox&kecamatan=Bendosari").text
    assert page.count('class="task-title"') == 1 and "Contoh 2 Bendosari" in page and TITLE in page
    assert "kitapun_senapas" not in page and "1 tugas cocok" in page
    assert 'option value="Bendosari" selected' in page
    assert "Tidak ada tugas yang cocok" in petugas.get("/tasks?scope=inbox&q=tidak-ada-yang-begini").text
    assert petugas.get("/tasks?scope=inbox&due=kemarin").status_code == 400


def _task_page(app: Flask, username: str, task_id: str) -> str:
    return Web(app.test_client()).login(username, DEMO_PASSWORD).get(f"/tasks/{task_id}").text


def _document_links(page: str) -> list[str]:
    section = page[page.index('class="card task-documents"'):]
    section = section[:section.index("</section>")]
    return re.findall(r'href="(/documents/\d+)">([^<]+)<', section)


def test_each_task_page_links_the_documents_it_needs(cycle: dict[str, Any]) -> None:
    api, instance_id, app = cycle["api"], cycle["id"], cycle["app"]
    confirm = api("mitra").get(f"/tasks?scope=queue&instance_id={instance_id}").json["items"][0]
    links = _document_links(_task_page(app, "mitra", confirm["id"]))
    assert [title for _, title in links] == ["Jadwal Monev"]
    mitra = Web(app.test_client()).login("mitra", DEMO_PASSWORD)
    pdf = mitra.get(links[0][0])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    api("mitra").post(f"/tasks/{confirm['id']}/complete", json={"data": {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}}})
    visits = {t["library_id"]: t for t in api("petugas").get(f"/tasks?scope=inbox&instance_id={instance_id}")
              .json["items"]}
    visit_page = _document_links(_task_page(app, "petugas", visits[4]["id"]))
    assert [title for _, title in visit_page] == ["Surat Tugas – Perpustakaan SMP Negeri Contoh 2 Bendosari"]
    detail = api("petugas").get(f"/tasks/{visits[4]['id']}").json
    assert [d["kind"] for d in detail["documents"]] == ["surat_tugas"]
    for library, offset in ((1, 30), (4, 34)):
        _complete(api, "petugas", instance_id, "Kunjungan_Monev", visit(offset), library)
        _complete(api, "petugas", instance_id, "Monev", report("b"), library)
    selection = api("kabid").get(f"/tasks?scope=queue&instance_id={instance_id}").json["items"]
    assert [t["name"] for t in selection] == ["Pemilihan_Pembinaan"]
    titles = [title for _, title in _document_links(_task_page(app, "kabid", selection[0]["id"]))]
    assert sorted(t for t in titles if t.startswith("Laporan Hasil Monev")) == [
        "Laporan Hasil Monev – Perpustakaan SD Negeri Contoh 1 Baki",
        "Laporan Hasil Monev – Perpustakaan SMP Negeri Contoh 2 Bendosari"]
    assert not any(t.startswith("Surat Tugas") for t in titles)


def test_after_completing_a_visit_the_page_offers_the_report_of_that_library(cycle: dict[str, Any]) -> None:
    api, instance_id, app = cycle["api"], cycle["id"], cycle["app"]
    _complete(api, "mitra", instance_id, "Konfirmasi_Penyebarluasan", {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    visits = {t["library_id"]: t["id"] for t in api("petugas").get(
        f"/tasks?scope=inbox&instance_id={instance_id}").json["items"]}
    petugas = Web(app.test_client()).login("petugas", DEMO_PASSWORD)
    done = petugas.post(f"/tasks/{visits[1]}", {"kunjungan_monev.tanggal": day(30),
                                                "kunjungan_monev.narasumber": "Kepala perpustakaan",
                                                "_action": "complete"})
    assert done.status_code == 303 and done.headers["Location"] == f"/tasks/{visits[1]}"
    page = petugas.get(done.headers["Location"]).text
    offered = page[page.index('id="berikutnya"'):page.index("</section>", page.index('id="berikutnya"'))]
    titles = re.findall(r'class="task-title" href="/tasks/[^"]+">([^<]+)<', offered)
    assert titles[0] == "Monev dan laporan hasil — Perpustakaan SD Negeri Contoh 1 Baki"
    assert "Kunjungan monev dengan surat tugas — Perpustakaan SMP Negeri Contoh 2 Bendosari" in titles


def test_a_suspended_cycle_shows_its_reason_on_the_task_page(cycle: dict[str, Any]) -> None:
    api, instance_id, app = cycle["api"], cycle["id"], cycle["app"]
    suspended = api("kabid").post(f"/instances/{instance_id}/suspend", json={"reason": "Anggaran belum turun"})
    assert suspended.status_code == 200
    confirm = api("mitra").get(f"/tasks?scope=queue&instance_id={instance_id}").json["items"][0]
    page = _task_page(app, "mitra", confirm["id"])
    assert "Proses ini ditangguhkan" in page and "Anggaran belum turun" in page
    assert "Ditangguhkan oleh kabid pada" in page


def test_a_draft_on_a_shared_task_says_who_saved_it(cycle: dict[str, Any]) -> None:
    api, instance_id, app = cycle["api"], cycle["id"], cycle["app"]
    confirm = api("mitra").get(f"/tasks?scope=queue&instance_id={instance_id}").json["items"][0]
    saved = api("mitra").post(f"/tasks/{confirm['id']}/draft", json={"data": {"konfirmasi": {"status": ""}}})
    assert saved.status_code == 200
    detail = api("mitra").get(f"/tasks/{confirm['id']}").json
    assert detail["draft_saved"]["by"] == "mitra" and detail["draft_saved"]["at"]
    assert "Draf disimpan oleh mitra pada" in _task_page(app, "kabid", confirm["id"])


def test_an_api_start_with_a_bad_title_is_refused(demo_app: Flask) -> None:
    api: Api = callers(demo_app)("subkoor")
    refused = api.post("/instances", json={"definition": "kitapun_senapas", "title": "x" * 301})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "invalid_data"
    assert api.get("/instances").json["total"] == 0
