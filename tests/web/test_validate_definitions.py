"""Validating an upload over the API and on the page: errors and warnings, nothing stored; deploys show warnings."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from engine.models import Definition
from tests.web.helpers import FIXTURES, with_forms

LAPORAN = (FIXTURES / "laporan.bpmn").read_bytes()
# A misspelled flow target: SpiffWorkflow's own message had no line; ours names the flow and its line.
MISSPELLED = LAPORAN.replace(b'sourceRef="isi" targetRef="tinjau"', b'sourceRef="isi" targetRef="tinjauu"')
# A condition naming a variable nothing sets.
UNSET = LAPORAN.replace(b'decision == "setuju"', b'keputusan == "setuju"')


def send(caller, path, content, name="laporan.bpmn", **kwargs):
    """Upload a fixture BPMN file with the forms it names, as a bundle of several files."""
    files = with_forms(content, name) if name.endswith(".bpmn") else [(io.BytesIO(content), name)]
    return caller.post(path, data={"file": files}, content_type="multipart/form-data", json=None, **kwargs)


def stored(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(Definition))


def line_of(content: bytes, text: bytes) -> int:
    return next(i for i, row in enumerate(content.splitlines(), 1) if text in row)


def test_validate_lists_errors_and_warnings_and_stores_nothing(api, factory):
    response = send(api("admin"), "/definitions/validate", MISSPELLED)
    assert response.status_code == 200
    [error] = response.json["errors"]
    assert {k: error[k] for k in ("file", "line", "element", "code")} == {
        "file": "laporan.bpmn", "line": line_of(MISSPELLED, b'targetRef="tinjauu"'), "element": "f2",
        "code": "unknown_reference"}
    assert "tinjauu" in error["message"]
    unreachable = {w["element"] for w in response.json["warnings"] if w["code"] == "unreachable_element"}
    assert "tinjau" in unreachable
    assert all(set(w) >= {"file", "line", "element", "code", "message"} for w in response.json["warnings"])
    assert stored(factory) == 0


def test_validate_answers_in_english_on_request(api):
    response = send(api("admin"), "/definitions/validate", UNSET)
    assert response.json["errors"] == []
    [unset] = [w for w in response.json["warnings"] if w["code"] == "variable_not_set"]
    assert unset["element"] == "f_yes" and unset["line"] == line_of(UNSET, b"keputusan")
    assert "tidak ada yang mengisinya" in unset["message"]
    english = send(api("admin"), "/definitions/validate", UNSET, headers={"Accept-Language": "en"})
    [unset] = [w for w in english.json["warnings"] if w["code"] == "variable_not_set"]
    assert unset["message"] == "'keputusan' is read here, but nothing sets it in process laporan"


def test_validate_is_for_admins_and_needs_a_bpmn_file(api):
    assert send(api("kabid"), "/definitions/validate", LAPORAN).status_code == 403
    assert send(api("admin"), "/definitions/validate", b"a,b", "data.csv").status_code == 400


def test_a_deploy_with_warnings_succeeds_and_returns_them(api, factory):
    response = send(api("admin"), "/definitions", UNSET)
    assert response.status_code == 201 and response.json["version"] == 1
    assert "variable_not_set" in {w["code"] for w in response.json["warnings"]}
    refused = send(api("admin"), "/definitions", MISSPELLED)
    assert refused.status_code == 422 and stored(factory) == 1
    assert [d["code"] for d in refused.json["error"]["details"]] == ["unknown_reference"]


def test_the_page_checks_without_deploying_and_shows_both_lists(web, factory):
    admin = web("admin")
    page = admin.post("/definitions/validate", {"file": with_forms(MISSPELLED, "laporan.bpmn")},
                      content_type="multipart/form-data")
    assert page.status_code == 200
    assert "tidak dapat dipasang. Perbaiki hal berikut" in page.text and 'id="warnings"' in page.text
    assert "<code>unknown_reference</code>" in page.text and "<code>unreachable_element</code>" in page.text
    assert f'data-label="Baris">{line_of(MISSPELLED, b"tinjauu")}</td>' in page.text
    assert stored(factory) == 0
    clean = admin.post("/definitions/validate", {"file": with_forms(LAPORAN, "laporan.bpmn")},
                       content_type="multipart/form-data")
    assert "lolos pemeriksaan" in clean.text and stored(factory) == 0
    assert web("kabid").post("/definitions/validate", {"file": with_forms(LAPORAN, "laporan.bpmn")},
                             content_type="multipart/form-data").status_code == 403


def test_the_page_shows_the_warnings_a_deploy_passed_with(web, factory):
    page = web("admin").post("/definitions", {"file": with_forms(UNSET, "laporan.bpmn")},
                             content_type="multipart/form-data")
    assert page.status_code == 200 and "laporan versi 1 dipasang." in page.text
    assert 'id="warnings"' in page.text and "<code>variable_not_set</code>" in page.text
    assert stored(factory) == 1
