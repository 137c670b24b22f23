"""A coaching drop-out and a return to coaching after a result that is no accreditation, over the API and pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from tests.processes.accreditation import accompaniment, follow_up, result, submission
from tests.reliability.test_hostile_payloads import run_sop_until, step_index
from tests.web.helpers import Api, Web
from tests.web.sop_steps import DEMO_PASSWORD, STEPS, callers, coaching, day, one_task


def complete(api: Callable[[str], Api], username: str, instance_id: int, name: str, library: int,
             data: dict[str, Any]) -> Any:
    """Complete the one open task `name` of `library` that `username` may take or holds; the response."""
    task = one_task(api, username, instance_id, name, library)
    return api(username).post(f"/tasks/{task['id']}/complete", json={"data": data})


def open_names(api: Callable[[str], Api], instance_id: int, library: int) -> list[str]:
    detail = api("kabid").get(f"/instances/{instance_id}").json
    return sorted(t["name"] for t in detail["tasks"] if t.get("item_key") == str(library))


def test_a_library_drops_out_of_coaching_with_its_reason(demo_app: Flask) -> None:
    api = callers(demo_app)
    instance_id, _ = run_sop_until(api, step_index("Kunjungan_Pembinaan", 2))
    no_reason = coaching(60, False, ["administrasi"])
    no_reason["kunjungan_pembinaan"] = {**no_reason["kunjungan_pembinaan"], "mundur": True}
    del no_reason["kunjungan_pembinaan"]["siap_akreditasi"]
    refused = complete(api, "petugas", instance_id, "Kunjungan_Pembinaan", 2, no_reason)
    assert refused.status_code == 422, "a drop-out needs its reason"
    assert open_names(api, instance_id, 2) == ["Kunjungan_Pembinaan"], "nothing moved"

    no_reason["kunjungan_pembinaan"]["alasan_mundur"] = "Sekolah digabung dengan sekolah lain."
    assert complete(api, "petugas", instance_id, "Kunjungan_Pembinaan", 2, no_reason).status_code == 200
    assert open_names(api, instance_id, 2) == [], "the track of library 2 ended"
    assert open_names(api, instance_id, 3) == ["Kunjungan_Pembinaan"], "the other library goes on"

    library = api("kabid").get("/libraries/2").json
    [dropped] = [r for r in library["results"] if r["kind"] == "coaching"]
    assert (dropped["score"], dropped["details"]["status"], dropped["details"]["reason"]) == (
        None, "mundur", "Sekolah digabung dengan sekolah lain.")
    assert library["accreditation_status"] == "belum", "the registry's accreditation stays as it was"
    documents = api("kabid").get(f"/instances/{instance_id}").json["documents"]
    [summary] = [d for d in documents if d["kind"] == "accreditation_summary"]
    assert summary["title"].startswith("Ringkasan Pembinaan (mundur) – "), "the coaching summary"

    web = Web(demo_app.test_client()).login("kabid", DEMO_PASSWORD)
    assert "Mundur dari pembinaan: Sekolah digabung dengan sekolah lain." in web.get(f"/instances/{instance_id}").text
    assert "Sekolah digabung dengan sekolah lain." in web.get("/libraries/2").text


def test_not_accredited_returns_to_coaching_then_is_accredited(demo_app: Flask) -> None:
    api = callers(demo_app)
    instance_id, _ = run_sop_until(api, step_index("Tindak_Lanjut_Akreditasi", 3))
    no_date = follow_up("bina_lagi", "Nilai koleksi masih rendah.")
    assert complete(api, "petugas", instance_id, "Tindak_Lanjut_Akreditasi", 3, no_date).status_code == 422
    back = follow_up("bina_lagi", "Nilai koleksi masih rendah.", day(150))
    assert complete(api, "petugas", instance_id, "Tindak_Lanjut_Akreditasi", 3, back).status_code == 200
    [visit] = [t for t in api("kabid").get(f"/instances/{instance_id}").json["tasks"] if t.get("item_key") == "3"]
    assert visit["name"] == "Kunjungan_Pembinaan" and visit["due_at"].startswith(day(150))

    for username, name, data in (
            ("petugas", "Kunjungan_Pembinaan", coaching(150, True, ["koleksi"])),
            ("petugas", "Pengajuan_Akreditasi", submission(day(151), day(170), "SIPAPI-2027-0003", lead="subkoor")),
            ("subkoor", "Pendampingan_Akreditasi", accompaniment(day(170), ("petugas",))),
            ("petugas", "Hasil_Akreditasi", result("terakreditasi", day(180), 80.0, nomor_sertifikat="AKR/9/2027"))):
        done = complete(api, username, instance_id, name, 3, data)
        assert done.status_code == 200, (name, done.json)

    detail = api("kabid").get(f"/instances/{instance_id}").json
    assert detail["status"] == "completed"
    [track] = [h for h in detail["data"]["hasil_pembinaan"] if h["library"] == 3]
    assert (track["status"], track["putaran_pembinaan"], track["akreditasi"]["predikat"]) == ("terakreditasi", 2, "B")
    library = api("kabid").get("/libraries/3").json
    assert (library["accreditation_status"], library["accreditation_grade"], library["accreditation_score"]) == (
        "terakreditasi", "B", 80.0)
    assert [(r["details"]["status"], r["details"].get("round")) for r in library["results"]
            if r["kind"] == "accreditation"] == [("tidak_terakreditasi", 1), ("terakreditasi", 2)]
    assert [d["kind"] for d in detail["documents"]].count("surat_tugas") == 10, "the second round's visit and escort"
    assert STEPS[-1][1] == "Tindak_Lanjut_Akreditasi"
