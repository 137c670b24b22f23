"""A whole process through HTTP as different people: start, claim, complete, review, archive, history."""

from __future__ import annotations

from tests.web.helpers import deploy


def test_laporan_from_start_to_end_over_the_api(api, factory, people):
    deploy(factory, "laporan.bpmn")
    petugas, kabid = api("petugas"), api("kabid")

    started = petugas.post("/instances", {"definition": "laporan", "data": {"judul": "Kunjungan Weru"}})
    assert started.status_code == 201
    instance_id = started.json["id"]
    [first] = petugas.get("/tasks?scope=queue").json["items"]
    assert first["instance_id"] == instance_id and first["name"] == "isi"
    assert petugas.post(f"/tasks/{first['id']}/claim").status_code == 200
    assert [t["id"] for t in petugas.get("/tasks?scope=inbox").json["items"]] == [first["id"]]
    assert petugas.post(f"/tasks/{first['id']}/draft", {"data": {"judul": "Kunjungan Weru"}}).status_code == 200

    done = petugas.post(f"/tasks/{first['id']}/complete", {"data": {
        "judul": "Kunjungan Weru", "jumlah": 850, "tanggal": "2027-04-02", "jenis": "desa",
        "layanan": ["baca", "pinjam"], "jadwal": [{"visit_date": "2027-04-02", "officer": "petugas"}]}})
    assert done.status_code == 200 and done.json["instance"] == {"id": instance_id, "status": "running"}
    [review] = done.json["next_tasks"]
    assert kabid.get("/tasks?scope=queue").json["items"][0]["id"] == review["id"]
    assert petugas.post(f"/tasks/{review['id']}/complete", {"data": {"decision": "setuju"}}).status_code == 403
    assert kabid.get(f"/tasks/{review['id']}").json["form"]["schema"]["required"] == ["decision"]

    finished = kabid.post(f"/tasks/{review['id']}/complete", {"data": {"decision": "setuju"}})
    assert finished.json == {"instance": {"id": instance_id, "status": "completed"}, "next_tasks": []}

    detail = kabid.get(f"/instances/{instance_id}").json
    assert detail["status"] == "completed" and detail["ended_at"] and detail["tasks"] == []
    assert [(e["actor"], e["action"], e["task"]) for e in detail["history"]] == [
        ("petugas", "start", None), ("petugas", "claim", "isi"), ("petugas", "complete", "isi"),
        ("kabid", "complete", "tinjau")]
    assert detail["data"]["decision"] == "setuju" and detail["data"]["jumlah"] == 850
    assert [t["name"] for t in petugas.get("/tasks?scope=archive").json["items"]] == ["isi"]
    assert [t["name"] for t in kabid.get("/tasks?scope=archive").json["items"]] == ["tinjau"]
    assert kabid.get("/instances?status=completed").json["total"] == 1


def test_public_complaint_to_triage_over_the_api(app, api, factory, people):
    deploy(factory, "pengaduan.bpmn")
    reference = app.test_client().post("/api/v1/public/complaints", json={
        "name": "Warga", "contact": "0812-1", "channel": "lapor", "message": "Jam buka tidak sesuai papan."
    }).json["reference"]
    subkoor = api("subkoor")
    [triage] = subkoor.get("/tasks?scope=queue").json["items"]
    assert triage["name"] == "triase"
    task = subkoor.get(f"/tasks/{triage['id']}").json
    assert task["instructions"] == "Baca pengaduan dan tentukan tindak lanjutnya."
    done = subkoor.post(f"/tasks/{triage['id']}/complete", {"data": {"tindak_lanjut": "tangani"}})
    assert done.json["instance"]["status"] == "completed"
    assert subkoor.get(f"/instances?q={reference}").json["total"] == 1
