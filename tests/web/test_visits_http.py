"""Visit teams and visit changes over HTTP: the API a client uses and the pages a supervisor and an officer see."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask

from tests.web.helpers import Web
from tests.web.sop_steps import DEMO_PASSWORD, callers


def current_cycle(api: Any) -> dict[str, Any]:
    cycles = api("kabid").get("/instances?definition=kitapun_senapas").json["items"]
    found = next(c for c in cycles if c["title"].endswith("Tahap II"))
    return dict(api("kabid").get(f"/instances/{found['id']}").json)


def later(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def test_a_supervisor_reschedules_a_visit_for_a_new_team_over_the_api(office_app: Flask):
    api = callers(office_app)
    cycle = current_cycle(api)
    visit = next(t for t in cycle["tasks"] if t["name"] == "Kunjungan_Monev" and t["assignee"] == "petugas"
                 and t["due_at"] > later(1))
    path = f"/instances/{cycle['id']}/visits/{visit['library_id']}/reschedule"
    assert api("petugas").post(path, json={"reason": "Ujian.", "visit_date": later(20)}).status_code == 403
    refused = api("kabid").post(path, json={"visit_date": later(-2), "officer": "mitra", "members": ["mitra"]})
    assert refused.status_code == 422
    problems = {(d["path"], d["code"]) for d in refused.json["error"]["details"]}
    assert {("reason", "required"), ("visit_date", "date_in_past"), ("officer", "not_an_officer"),
            ("members.0", "member_is_lead")} <= problems
    assert all(d["message"] for d in refused.json["error"]["details"])
    unchanged = api("kabid").get(f"/tasks/{visit['id']}").json
    assert unchanged["status"] == "open"

    done = api("kabid").post(path, json={"reason": "Sekolah ujian akhir pada tanggal semula.",
                                         "visit_date": later(20), "officer": "subkoor", "members": ["petugas"]})
    assert done.status_code == 200, done.json
    [new] = [t for t in done.json["tasks"] if t["name"] == "Kunjungan_Monev"
             and t["library_id"] == visit["library_id"]]
    assert new["id"] != visit["id"] and new["assignee"] == "subkoor"
    detail = api("petugas").get(f"/tasks/{new['id']}").json
    assert [m["username"] for m in detail["team"]] == ["petugas", "subkoor"]
    assert all(m["name"] for m in detail["team"])
    assert new["id"] in [t["id"] for t in api("petugas").get("/tasks?scope=inbox").json["items"]]
    letters = [d for d in detail["documents"] if d["kind"] == "surat_tugas"]
    assert letters and letters[0]["replaced_by"] is None
    replaced = [d for d in done.json["documents"]
                if d["kind"] == "surat_tugas" and d["replaced_by"] == letters[0]["id"]]
    assert len(replaced) == 1
    assert [e["action"] for e in done.json["history"]][-1] == "visit_reschedule"


def test_a_supervisor_withdraws_a_library_on_the_instance_page_and_the_team_shows_by_name(office_app: Flask):
    api = callers(office_app)
    cycle = current_cycle(api)
    kabid = Web(office_app.test_client()).login("kabid", DEMO_PASSWORD)
    page = kabid.get(f"/instances/{cycle['id']}").text
    assert "Kunjungan terbuka: tarik atau jadwalkan ulang" in page
    visit = next(t for t in cycle["tasks"] if t["name"] == "Kunjungan_Monev" and t["due_at"] > later(1))
    url = f"/instances/{cycle['id']}/visits/{visit['library_id']}"
    refused = kabid.post(url, {"change": "withdraw", "reason": ""}, follow_redirects=True)
    assert "Alasan: wajib diisi" in refused.text
    moved = kabid.post(url, {"change": "withdraw", "reason": "Perpustakaan pindah gedung."}, follow_redirects=True)
    assert "Perpustakaan ditarik dari siklus." in moved.text
    assert "menarik perpustakaan dari siklus" in moved.text and "Perpustakaan pindah gedung." in moved.text
    assert api("kabid").get(f"/tasks/{visit['id']}").json["status"] == "cancelled"

    team_visit = next(t for t in api("subkoor").get("/tasks?scope=inbox").json["items"]
                      if t["name"] == "Kunjungan_Monev")
    petugas = Web(office_app.test_client()).login("petugas", DEMO_PASSWORD)
    shown = petugas.get(f"/tasks/{team_visit['id']}").text
    assert "Tim kunjungan" in shown and "(ketua)" in shown
    assert 'name="_action" value="draft"' in shown  # a member may work the lead's task


def test_the_corrected_letter_opens_prefilled_with_the_partners_note(office_app: Flask):
    api = callers(office_app)
    cycles = api("kabid").get("/instances?definition=kitapun_senapas").json["items"]
    newest = next(c for c in cycles if c["title"].endswith("Tahap III"))
    [confirm] = [t for t in api("mitra").get("/tasks?scope=queue").json["items"] if t["instance_id"] == newest["id"]]
    note = "Tanggal kunjungan bentrok dengan ujian sekolah; mohon digeser sepekan."
    assert api("mitra").post(f"/tasks/{confirm['id']}/complete", json={"data": {"konfirmasi": {
        "status": "ada_koreksi", "catatan_koreksi": note}}}).status_code == 200
    letter = next(t for t in api("petugas").get("/tasks?scope=queue").json["items"]
                  if t["instance_id"] == newest["id"] and t["name"] == "Surat_Pemberitahuan_Monev")
    detail = api("petugas").get(f"/tasks/{letter['id']}").json
    assert detail["note"] == note
    assert detail["data"]["surat_monev"]["perihal"] and len(detail["data"]["jadwal"]) == 2
    assert set(detail["data"]["jadwal"][0]) <= {"library", "visit_date", "officer", "members"}
    petugas = Web(office_app.test_client()).login("petugas", DEMO_PASSWORD)
    page = petugas.get(f"/tasks/{letter['id']}").text
    assert "Catatan koreksi" in page and note in page
    assert detail["data"]["surat_monev"]["perihal"] in page
    [first] = [d for d in api("kabid").get(f"/instances/{newest['id']}").json["documents"]
               if d["kind"] == "monev_notification"]
    done = api("petugas").post(f"/tasks/{letter['id']}/complete", json={"data": {
        "surat_monev": detail["data"]["surat_monev"],
        "jadwal": [{**row, "visit_date": later(21 + i)} for i, row in enumerate(detail["data"]["jadwal"])]}})
    assert done.status_code == 200, done.json
    notices = [d for d in api("kabid").get(f"/instances/{newest['id']}").json["documents"]
               if d["kind"] == "monev_notification"]
    assert [(d["id"], d["replaced_by"]) for d in notices][0] == (first["id"], notices[1]["id"])
    listing = Web(office_app.test_client()).login("kabid", DEMO_PASSWORD).get(f"/instances/{newest['id']}").text
    assert "diganti" in listing
