"""The whole KITAPUN SENAPAS SOP as data: who does which step, for which library, with what form data,
and API callers for the demo users (shared by the over-HTTP walkthroughs and the export tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Flask

from tests.processes.accreditation import accompaniment, follow_up, result, submission
from tests.processes.helpers import answers
from tests.web.helpers import Api
from web.demo import DEMO_PASSWORD

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def letter(subject: str) -> dict[str, Any]:
    return {"penerima": ["dindikbud", "kemenag"], "perihal": subject, "sifat": "biasa"}


def visit(offset: int) -> dict[str, Any]:
    return {"kunjungan_monev": {"tanggal": day(offset), "narasumber": "Kepala perpustakaan"}}


def report(given: str, changes: dict[str, str] | None = None, library: int | None = None) -> dict[str, Any]:
    return {"answers": answers(changes or {}, given, library), "laporan_monev": {
        "tanggal": day(30), "temuan": "Koleksi referensi terbatas.", "rekomendasi": "Tambah koleksi."}}


def coaching(offset: int, ready: bool, topics: list[str], then: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"tanggal": day(offset), "topik": topics, "catatan": "Catatan pembinaan.",
                            "siap_akreditasi": ready}
    if then is not None:
        data["tanggal_berikutnya"] = day(then)
    return {"kunjungan_pembinaan": data}


# Each step: (user, BPMN task id, library id or None, data). The mitra's correction sends the
# letter back once; library 1 is not chosen for coaching; library 2 is coached twice and accredited;
# library 3 is not accredited and its accompaniment closed.
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
    ("petugas", "Kunjungan_Monev", 3, visit(32)), ("petugas", "Monev", 3, report("b", {"kol_04": "c"}, 3)),
    ("kabid", "Pemilihan_Pembinaan", None, {"pembinaan": [2, 3], "catatan_pemilihan": "Skor di atas 60."}),
    ("petugas", "Surat_Pemberitahuan_Pembinaan", None, {
        "surat_pembinaan": letter("Jadwal Pembinaan"),
        "jadwal_pembinaan": [{"library": 2, "visit_date": day(60), "officer": "petugas"},
                             {"library": 3, "visit_date": day(61), "officer": "petugas"}]}),
    ("petugas", "Kunjungan_Pembinaan", 2, coaching(60, False, ["administrasi"], then=90)),
    ("petugas", "Kunjungan_Pembinaan", 2, coaching(90, True, ["otomasi"])),
    ("petugas", "Kunjungan_Pembinaan", 3, coaching(61, True, ["otomasi"])),
    ("petugas", "Pengajuan_Akreditasi", 2, submission(day(95), day(110), lead="subkoor")),
    ("petugas", "Pengajuan_Akreditasi", 3, submission(day(96), day(111), "SIPAPI-2027-0002", lead="kabid")),
    ("subkoor", "Pendampingan_Akreditasi", 2, accompaniment(day(110), ("petugas",))),
    ("kabid", "Pendampingan_Akreditasi", 3, accompaniment(day(111), ("petugas",))),
    ("petugas", "Hasil_Akreditasi", 2, result("terakreditasi", day(120), 91.17, nomor_sertifikat="AKR/0001/2027")),
    ("petugas", "Hasil_Akreditasi", 3, result("tidak_terakreditasi", day(121), 58.5)),
    ("petugas", "Tindak_Lanjut_Akreditasi", 3, follow_up("tutup", "Perpustakaan menunda pengajuan ulang.")),
]


Callers = Callable[[str], Api]


def callers(app: Flask) -> Callers:
    """One API caller (one token) per demo user."""
    made: dict[str, Api] = {}

    def api(username: str) -> Api:
        if username not in made:
            made[username] = Api(app.test_client(), username, password=DEMO_PASSWORD)
        return made[username]
    return api


def tasks_of(api: Callers, username: str) -> list[dict[str, Any]]:
    """Every task a person sees: their inbox (held or shared with them) and their role's queue."""
    return [t for scope in ("inbox", "queue")
            for t in api(username).get(f"/tasks?scope={scope}&per_page=200").json["items"]]


def one_task(api: Callers, username: str, instance_id: int, name: str, library: int | None = None) -> dict[str, Any]:
    """The one open task `name` (of `library`) of the cycle that `username` sees."""
    found = [t for t in tasks_of(api, username) if t["instance_id"] == instance_id and t["name"] == name
             and (library is None or t.get("item_key") == str(library))]
    assert len(found) == 1, (username, name, library, [(t["name"], t.get("item_key")) for t in found])
    return found[0]


def complete(api: Callers, username: str, instance_id: int, name: str, library: int | None,
             data: dict[str, Any]) -> None:
    """Complete a task over the API."""
    task = one_task(api, username, instance_id, name, library)
    done = api(username).post(f"/tasks/{task['id']}/complete", json={"data": data})
    assert done.status_code == 200, (username, name, library, done.json)
