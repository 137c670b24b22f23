"""The bundle editor in a real browser (Debian's Chromium, Playwright) on `senapas demo --empty`'s data.

A process owner edits the SOP: renames a task, adds a user task in the kabid lane with a form and a due
duration, checks the bundle (a missing English text is flagged on the list and on the canvas), saves a
draft and finds the change in the version's diff; edits a DMN rule and a form field with a preview; and
saves the shipped bundle unchanged, which deploys as the same process. Any page error or console error
fails a test. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from engine.definitions import diff, versions
from tests.web.browser import demo_database, live_app, log_in, need_chromium, new_page, serve, snap
from web import demo

pytestmark = pytest.mark.browser
KEY = "kitapun_senapas"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server thread over a fresh SQLite file prepared as `senapas demo --empty` prepares it."""
    need_chromium()
    with (demo_database(tmp_path_factory.mktemp("editor"), empty=True) as (settings, factory),
          serve(live_app(settings, factory)) as base):
        yield {"base": base, "factory": factory}


def _editor(browser: Any, base: str) -> tuple[Any, list[str]]:
    """An admin on the editor of version 1, reached from the version page."""
    page, problems = new_page(browser)
    log_in(page, base, "admin", demo.DEMO_PASSWORD)
    page.goto(f"{base}/definitions/{KEY}/versions/1")
    page.click("a:has-text('Sunting di peramban')")
    page.wait_for_url(f"{base}/definitions/{KEY}/edit?from=1")
    page.wait_for_selector(f".pane[data-file='{KEY}.bpmn'] .djs-container")
    return page, problems


def _open(page: Any, name: str) -> str:
    """Open a file's tab; the selector of its pane."""
    page.click(f"button.tab[data-file='{name}']")
    pane = f".pane[data-file='{name}']"
    page.wait_for_selector(f"{pane}:not([hidden])")
    return pane


def _set(page: Any, selector: str, value: str) -> None:
    """Type into a panel field and leave it, as a person does."""
    page.fill(selector, value)
    page.press(selector, "Tab")


def _save(page: Any, base: str, note: str) -> int:
    """Save a draft; the new version the browser lands on."""
    page.fill("#editor-note", note)
    page.click("#editor-save button")
    page.wait_for_url(f"{base}/definitions/{KEY}/versions/*?from=1")
    return int(page.url.split("/versions/")[1].split("?")[0])


def _stored(factory: Any, version: int) -> dict[str, str]:
    with factory() as session:
        return versions.stored_bundle(versions.get_version(session, KEY, version))


def test_an_owner_adds_a_task_checks_and_saves_a_draft(office: dict[str, Any], browser: Any) -> None:
    base = office["base"]
    page, problems = _editor(browser, base)
    main = f".pane[data-file='{KEY}.bpmn']"
    page.select_option(f"{main} .element-chooser", "Koordinasi_Monev")
    _set(page, f"{main} #p-name", "Rapat koordinasi monev tahunan")
    assert page.locator(f"{main} .djs-element[data-element-id=Koordinasi_Monev] text").all_inner_texts()

    pane = _open(page, "monev_perpustakaan.bpmn")
    page.wait_for_selector(f"{pane} .djs-container")
    # a step of the track after the visit and monev (the modeler keeps lanes for the process's own nodes,
    # not for nodes inside an expanded subprocess)
    page.select_option(f"{pane} .element-chooser", "Flow_Kunjungan_dan_Monev_Monev_Selesai")
    page.click(f"{pane} #p-insert-user-task")
    _set(page, f"{pane} #p-id", "Tinjau_Eskalasi")
    _set(page, f"{pane} #p-name", "Tinjau eskalasi")
    assert page.input_value(f"{pane} #p-lane") == "Lane_petugas"
    page.select_option(f"{pane} #p-form", "eskalasi_kunjungan.json")
    _set(page, f"{pane} #p-dueDuration", "P2D")
    assert page.locator(f"{pane} .djs-element[data-element-id=Tinjau_Eskalasi]").count() == 1
    snap(page, "editor-01-new-task.png")

    form = _open(page, "forms/eskalasi_kunjungan.json")
    schema = json.loads(page.input_value(f"{form} textarea[name=schema]"))
    schema["properties"]["eskalasi_kunjungan"]["properties"]["catatan_kabid"] = {
        "type": "string", "title": "Catatan kepala bidang"}
    page.fill(f"{form} textarea[name=schema]", json.dumps(schema, ensure_ascii=False, indent=2))
    page.wait_for_selector(f"{form} .form-preview :text('Catatan kepala bidang')")

    page.click("#editor-check")
    page.wait_for_selector("#editor-status.warning")
    missing = page.locator("#editor-findings li[data-code=form_text_missing_english]")
    assert missing.count() >= 1 and "catatan_kabid" in missing.first.inner_text()
    assert page.locator("#editor-findings li.error").count() == 0
    _open(page, f"{KEY}.bpmn")  # the coordination minutes nothing reads: a warning marked on the canvas
    assert page.locator(f"{main} .djs-element.senapas-warning").count() >= 1
    _open(page, "monev_perpustakaan.bpmn")
    snap(page, "editor-02-checked.png")

    version = _save(page, base, "Tinjauan eskalasi oleh kepala bidang")
    assert "draf" in page.locator("h1").inner_text()
    changes = page.locator("table.diff").inner_text()
    assert "Tinjau_Eskalasi" in changes and "Koordinasi_Monev" in changes
    snap(page, "editor-03-draft-diff.png")
    assert problems == []

    saved = _stored(office["factory"], version)
    root = etree.fromstring(saved["monev_perpustakaan.bpmn"].encode())
    task = root.find(".//bpmn:userTask[@id='Tinjau_Eskalasi']", NS)
    assert task is not None and task.get("name") == "Tinjau eskalasi"
    props = {p.get("name"): p.get("value") for p in task.iterfind(".//spiffworkflow:property", NS)}
    assert props == {"formJsonSchemaFilename": "eskalasi_kunjungan.json",
                     "formUiSchemaFilename": "eskalasi_kunjungan.ui.json", "dueDuration": "P2D"}
    flows = {(f.get("id"), f.get("sourceRef"), f.get("targetRef")) for f in root.iterfind(".//bpmn:sequenceFlow", NS)}
    assert ("Flow_Kunjungan_dan_Monev_Tinjau_Eskalasi", "Kunjungan_dan_Monev", "Tinjau_Eskalasi") in flows
    assert ("Flow_Tinjau_Eskalasi_Monev_Selesai", "Tinjau_Eskalasi", "Monev_Selesai") in flows
    petugas = root.find(".//bpmn:lane[@name='petugas']", NS)
    assert "Tinjau_Eskalasi" in [ref.text for ref in petugas.iterfind("bpmn:flowNodeRef", NS)]
    original = _stored(office["factory"], 1)
    added = {"property": 3, "properties": 1}  # the new task's form, ui form and due duration
    for name in ("monev_perpustakaan.bpmn", f"{KEY}.bpmn"):
        for tag in ("instructionsForEndUser", "property", "properties", "calledDecisionId"):
            more = added.get(tag, 0) if name.startswith("monev") else 0
            opening = re.compile(rf"<spiffworkflow:{tag}[\s/>]")
            assert len(opening.findall(saved[name])) == len(opening.findall(original[name])) + more, (name, tag)


def test_an_owner_edits_a_rule_and_a_form_field_with_a_preview(office: dict[str, Any], browser: Any) -> None:
    base = office["base"]
    page, problems = _editor(browser, base)
    pane = _open(page, "kesiapan_pembinaan.dmn")
    cell = page.locator(f"{pane} td.input-cell").first
    cell.wait_for()
    assert cell.inner_text().strip().startswith(">= ")
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(">= 65")
    snap(page, "editor-04-dmn.png")

    form = _open(page, "forms/eskalasi_kunjungan.json")
    schema = json.loads(page.input_value(f"{form} textarea[name=schema]"))
    field = schema["properties"]["eskalasi_kunjungan"]["properties"]["tindak_lanjut"]
    field["title"] = "Tindak lanjut yang diputuskan"
    schema["x-senapas-i18n"]["en"]["fields"]["eskalasi_kunjungan.tindak_lanjut"]["title"] = "Follow-up decided"
    page.fill(f"{form} textarea[name=schema]", json.dumps(schema, ensure_ascii=False, indent=2))
    page.wait_for_selector(f"{form} [data-lang=id] :text('Tindak lanjut yang diputuskan')")
    page.wait_for_selector(f"{form} [data-lang=en] :text('Follow-up decided')")
    snap(page, "editor-05-form-preview.png")

    version = _save(page, base, "Batas siap dibina 65; judul tindak lanjut")
    assert problems == []
    with office["factory"]() as session:
        found = diff.compare(versions.get_version(session, KEY, 1), versions.get_version(session, KEY, version))
    rules = [c for c in found["changed"] if c["type"] == "rule"]
    assert len(rules) == 1 and rules[0]["fields"] == ["input"]
    assert found["forms"] == [{"form": "eskalasi_kunjungan.json", "added": [], "removed": [],
                               "changed": ["$", "eskalasi_kunjungan.tindak_lanjut"]}]  # `$`: its English texts
    assert found["added"] == [] and found["removed"] == []
    assert "<text>&gt;= 65</text>" in _stored(office["factory"], version)["kesiapan_pembinaan.dmn"]


def test_the_shipped_bundle_saved_unchanged_deploys_as_the_same_process(office: dict[str, Any],
                                                                       browser: Any) -> None:
    base = office["base"]
    page, problems = _editor(browser, base)
    for name in ("monev_perpustakaan.bpmn", "pembinaan_perpustakaan.bpmn", "kesiapan_pembinaan.dmn"):
        pane = _open(page, name)
        page.wait_for_selector(f"{pane} .djs-container, {pane} .tjs-table")
    version = _save(page, base, "Disimpan tanpa perubahan")
    assert problems == []
    with office["factory"]() as session:
        found = diff.compare(versions.get_version(session, KEY, 1), versions.get_version(session, KEY, version))
    assert (found["added"], found["removed"], found["changed"], found["forms"]) == ([], [], [], [])
    assert set(found["files"]["changed"]) <= {f"{KEY}.bpmn", "monev_perpustakaan.bpmn",
                                              "pembinaan_perpustakaan.bpmn", "kesiapan_pembinaan.dmn"}


def test_a_broken_condition_is_marked_on_its_flow_and_saves_nothing(office: dict[str, Any], browser: Any) -> None:
    base = office["base"]
    with office["factory"]() as session:
        before = len(versions.list_definitions(session))
    page, problems = _editor(browser, base)
    main = f".pane[data-file='{KEY}.bpmn']"
    flow = "Flow_Gateway_Koreksi_Gabung_Surat_Monev"
    page.select_option(f"{main} .element-chooser", flow)
    assert page.input_value(f"{main} #p-condition") == "konfirmasi['status'] == 'ada_koreksi'"
    _set(page, f"{main} #p-condition", "konfirmasi['status'] ==")
    page.click("#editor-check")
    page.wait_for_selector("#editor-status.error")
    broken = page.locator(f"#editor-findings li.error[data-element={flow}]")
    assert broken.count() == 1 and broken.get_attribute("data-code") == "condition_syntax"
    assert page.locator(f"{main} .djs-element.senapas-error[data-element-id={flow}]").count() == 1
    page.fill("#editor-note", "Syarat rusak")
    with page.expect_response(lambda r: r.url == f"{base}/api/v1/definitions" and r.request.method == "POST") as saved:
        page.click("#editor-save button")
    assert saved.value.status == 422
    page.wait_for_selector("#editor-status.error:not(:has-text('Pemeriksaan selesai'))")
    assert page.locator(f"#editor-findings li.error[data-element={flow}]").count() == 1
    snap(page, "editor-06-refused-draft.png")
    assert page.url == f"{base}/definitions/{KEY}/edit?from=1"
    with office["factory"]() as session:
        assert len(versions.list_definitions(session)) == before
    assert all("status of 422" in p for p in problems)  # the refused save, as the browser logs it
