"""The bundle editor page and form previews over the test client; the committed vendor files and their record."""

from __future__ import annotations

import hashlib
import html
import json
import re

from engine.config import PROJECT_DIR
from engine.db import run_in_transaction
from engine.definitions import bundles, versions
from tests.web.helpers import ADMIN

BUNDLE = PROJECT_DIR / "processes" / "kitapun_senapas"
VENDOR = PROJECT_DIR / "web" / "static" / "vendor"
EDITOR = PROJECT_DIR / "tools" / "editor"
DATA = re.compile(r"<div id=\"editor\" class=\"editor\" data-editor='([^']*)'>")


def deploy_kitapun(factory):
    run_in_transaction(factory, lambda s: versions.deploy_bundle(s, bundles.from_folder(BUNDLE), ADMIN))


def editor_data(page: str) -> dict:
    match = DATA.search(page)
    assert match, "the editor page carries its bundle"
    return json.loads(html.unescape(match.group(1)))


def test_editor_carries_every_file_of_the_version(web, factory):
    deploy_kitapun(factory)
    response = web("admin").get("/definitions/kitapun_senapas/edit?from=1")
    assert response.status_code == 200
    data = editor_data(response.text)
    on_disk = {name: content.decode() for name, content in bundles.from_folder(BUNDLE).items()}
    assert data["files"] == on_disk and data["main"] == "kitapun_senapas.bpmn" and data["version"] == 1
    assert data["urls"]["validate"] == "/api/v1/definitions/validate"
    assert data["urls"]["upload"] == "/api/v1/definitions"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy
    assert '<script src="/static/vendor/senapas-editor.js" defer></script>' in response.text


def test_editor_opens_the_version_asked_for_else_the_current_one(web, factory):
    deploy_kitapun(factory)
    changed = dict(bundles.from_folder(BUNDLE))
    changed["kitapun_senapas.bpmn"] = changed["kitapun_senapas.bpmn"].replace(b"Rapat koordinasi monev", b"Rapat monev")
    run_in_transaction(factory, lambda s: versions.deploy_upload(s, changed, ADMIN, note="draf", draft=True))
    admin = web("admin")
    draft = editor_data(admin.get("/definitions/kitapun_senapas/edit?from=2").text)
    assert draft["version"] == 2 and "Rapat monev" in draft["files"]["kitapun_senapas.bpmn"]
    current = editor_data(admin.get("/definitions/kitapun_senapas/edit").text)
    assert current["version"] == 1 and "Rapat koordinasi monev" in current["files"]["kitapun_senapas.bpmn"]


def test_editor_is_for_admins_and_known_versions(web, factory):
    deploy_kitapun(factory)
    for username in ("kabid", "petugas"):
        assert web(username).get("/definitions/kitapun_senapas/edit").status_code == 403
    admin = web("admin")
    assert admin.get("/definitions/kitapun_senapas/edit?from=7").status_code == 404
    assert admin.get("/definitions/tidak_ada/edit").status_code == 404
    assert admin.get("/definitions/kitapun_senapas/edit?from=satu").status_code == 400
    assert "Sunting di peramban" in admin.get("/definitions/kitapun_senapas/versions/1").text


def test_form_preview_shows_indonesian_and_english_texts(web):
    schema = json.loads((BUNDLE / "forms" / "eskalasi_kunjungan.json").read_text())
    ui = (BUNDLE / "forms" / "eskalasi_kunjungan.ui.json").read_text()
    response = web("admin").post("/definitions/forms/preview", {"schema": json.dumps(schema), "ui": ui})
    assert response.status_code == 200
    indonesian, english = response.text.split('data-lang="en"')
    assert "Tindak lanjut" in indonesian and "Jadwalkan ulang kunjungan" in indonesian
    assert "Follow-up" in english and "Reschedule the visit" in english
    assert "<form" not in response.text and "<fieldset disabled>" in response.text


def test_form_preview_refuses_broken_json_with_a_message(web):
    admin = web("admin")
    response = admin.post("/definitions/forms/preview", {"schema": '{"type": "object",'})
    assert response.status_code == 400 and response.text.startswith("schema bukan JSON Schema")
    assert admin.post("/definitions/forms/preview", {"schema": "[1, 2]"}).status_code == 400
    assert admin.post("/definitions/forms/preview", {"schema": "{}", "ui": "3"}).status_code == 400
    assert web("petugas").post("/definitions/forms/preview", {"schema": "{}"}).status_code == 403


def test_vendor_files_match_their_recorded_versions_and_checksums():
    record = (VENDOR / "VERSIONS").read_text().splitlines()
    lock = json.loads((EDITOR / "package-lock.json").read_text())
    pinned = json.loads((EDITOR / "package.json").read_text())["dependencies"]
    for name, version in pinned.items():
        assert f"{name} {version}" in record and lock["packages"][f"node_modules/{name}"]["version"] == version
    sums = {line.split()[2]: line.split()[1] for line in record if line.startswith("sha256 ")}
    present = {str(p.relative_to(VENDOR)) for p in VENDOR.rglob("*") if p.is_file() and p.name != "VERSIONS"}
    assert set(sums) == present
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
