"""API definitions: list, upload (201 new, 200 same bytes, 422 with line and element, 403, 413), XML."""

from __future__ import annotations

import io

from tests.web.helpers import FIXTURES, with_forms

LAPORAN = (FIXTURES / "laporan.bpmn").read_bytes()
RUSAK = (FIXTURES / "invalid" / "rusak.bpmn").read_bytes()


def upload(caller, content, name="laporan.bpmn"):
    files = with_forms(content, name) if name.endswith(".bpmn") else (io.BytesIO(content), name)
    return caller.post("/definitions", data={"file": files},
                       content_type="multipart/form-data", json=None)


def test_upload_new_then_identical_then_changed(api):
    admin = api("admin")
    created = upload(admin, LAPORAN)
    assert created.status_code == 201
    assert {k: created.json[k] for k in ("key", "name", "version", "latest")} == {
        "key": "laporan", "name": "Laporan kunjungan", "version": 1, "latest": True}
    assert len(created.json["hash"]) == 64 and created.json["deployed_at"].endswith("+00:00")
    same = upload(admin, LAPORAN)
    assert same.status_code == 200 and same.json["version"] == 1
    changed = upload(admin, LAPORAN.replace(b"Tinjau laporan", b"Periksa laporan"))
    assert changed.status_code == 201 and changed.json["version"] == 2
    listed = admin.get("/definitions").json
    assert listed["total"] == 2
    assert [(d["version"], d["latest"]) for d in listed["items"]] == [(2, True), (1, False)]
    assert api("petugas").get("/definitions").status_code == 200


def test_invalid_bpmn_is_422_with_line_and_element(api):
    response = upload(api("admin"), RUSAK, "rusak.bpmn")
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_definition"
    [detail] = [d for d in error["details"] if d["element"] == "pilih"]
    assert detail["file"] == "rusak.bpmn" and isinstance(detail["line"], int) and detail["line"] > 1


def test_upload_is_for_admins_only(api):
    response = upload(api("kabid"), LAPORAN)
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_upload_errors_400_and_413(api):
    admin = api("admin")
    assert upload(admin, b"x", "catatan.txt").status_code == 400
    assert admin.post("/definitions", data={}, content_type="multipart/form-data", json=None).status_code == 400
    too_big = upload(admin, b" " * (5 * 1024 * 1024 + 10))
    assert too_big.status_code == 413 and too_big.json["error"]["code"] == "too_large"


def test_bpmn_download(api):
    upload(api("admin"), LAPORAN)
    caller = api("admin")
    response = caller.get("/definitions/laporan/versions/1/bpmn")
    assert response.status_code == 200 and response.data == LAPORAN
    assert api("petugas").get("/definitions/laporan/versions/1/bpmn").status_code == 403
    missing = caller.get("/definitions/laporan/versions/3/bpmn")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
