"""Two-tier validation: errors block a deploy, warnings do not; each finding has file, line, element and code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.db import run_in_transaction
from engine.definitions import bundles, validation, versions
from engine.errors import Forbidden, InvalidDefinition, Problem
from engine.models import Definition
from tests.engine.helpers import ADMIN, KABID

PROCESSES = Path(__file__).resolve().parents[3] / "processes"
# Records kept for the people who read the instance (minutes, escalation decisions, handling and
# forwarding notes the reply is written from); no script, condition, document or form reads them.
# (The visit escalation's decision is read now: it reschedules, replaces or withdraws the visit.)
JUSTIFIED = {
    ("form_field_unread", "Koordinasi_Monev", "notulen"),
    ("form_field_unread", "Eskalasi_Pengaduan", "eskalasi_pengaduan"),
    ("form_field_unread", "Penanganan_Pengaduan", "penanganan"),
    ("form_field_unread", "Penerusan_Pengaduan", "penerusan"),
}


def source(name: str) -> Path:
    """A shipped BPMN file, wherever its bundle keeps it."""
    return next(PROCESSES.rglob(name))


def bundle(text: str, name: str, folder: Path | None = None) -> dict[str, bytes]:
    """The bundle of a shipped (or copied) folder with its main file `name` replaced by `text`."""
    return {**bundles.from_folder(folder or source(name).parent), name: text.encode()}


def examine(factory, text: str, name: str = "kitapun_senapas.bpmn", folder: Path | None = None,
            actor=ADMIN) -> versions.Examined:
    whole = bundle(text, name, folder)
    return run_in_transaction(factory, lambda s: validation.validate_upload(s, whole, actor))


def changed(name: str, old: str, new: str) -> str:
    text = source(name).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def codes(problems: list[Problem]) -> list[tuple[str, str | None]]:
    return [(p.code, p.element) for p in problems]


@pytest.mark.parametrize("name", ["kitapun_senapas.bpmn", "pengaduan.bpmn"])
def test_shipped_processes_have_no_errors_and_only_justified_warnings(factory, name):
    examined = examine(factory, source(name).read_text(encoding="utf-8"), name)
    assert examined.errors == []
    found = {(p.code, p.element, p.params.get("field")) for p in examined.warnings}
    assert found <= JUSTIFIED
    assert found  # each shipped process keeps at least one record-only field


def test_a_misspelled_flow_target_is_an_error_on_the_flows_line(factory):
    text = changed("pengaduan.bpmn", 'targetRef="Telaah_Pengaduan"', 'targetRef="Telaah_Pengadu"')
    examined = examine(factory, text, "pengaduan.bpmn")
    [error] = examined.errors
    line = next(i for i, row in enumerate(text.splitlines(), 1) if 'targetRef="Telaah_Pengadu"' in row)
    assert (error.code, error.file, error.line, error.element) == (
        "unknown_reference", "pengaduan.bpmn", line, "Flow_Pengaduan_Masuk_Telaah_Pengaduan")
    assert error.params == {"attribute": "targetRef", "target": "Telaah_Pengadu"}
    assert ("unreachable_element", "Telaah_Pengaduan") in codes(examined.warnings)


def test_a_typo_in_a_record_key_is_a_warning_naming_the_keys_the_form_has(factory):
    text = changed("kitapun_senapas.bpmn", "konfirmasi['status'] == 'ada_koreksi'",
                   "konfirmasi['statuss'] == 'ada_koreksi'")
    examined = examine(factory, text)
    assert examined.errors == []
    [warning] = [p for p in examined.warnings if p.code == "record_key_not_in_form"]
    assert warning.element == "Flow_Gateway_Koreksi_Gabung_Surat_Monev"
    assert warning.params == {"name": "konfirmasi", "key": "statuss",
                              "known": ["catatan_koreksi", "status", "tanggal_penyebaran"]}
    assert "konfirmasi['statuss']" in text.splitlines()[warning.line - 1]


def test_a_name_nothing_sets_is_a_warning_on_its_line(factory):
    text = changed("kitapun_senapas.bpmn", "konfirmasi['status'] == 'ada_koreksi'",
                   "konfirmasi['status'] == 'ada_koreksi' and koreksi_diminta")
    examined = examine(factory, text)
    assert examined.errors == []
    [warning] = [p for p in examined.warnings if p.code == "variable_not_set"]
    assert (warning.element, warning.params) == ("Flow_Gateway_Koreksi_Gabung_Surat_Monev",
                                                 {"name": "koreksi_diminta", "process": "kitapun_senapas"})
    assert "koreksi_diminta" in text.splitlines()[warning.line - 1]


def test_names_set_by_forms_scripts_items_and_decisions_are_not_reported(factory):
    text = changed("kitapun_senapas.bpmn", "konfirmasi['status'] == 'ada_koreksi'",
                   "konfirmasi['status'] == 'ada_koreksi' and len(jadwal) > 0 and periode != ''")
    assert [p for p in examine(factory, text).warnings if p.code == "variable_not_set"] == []


def test_an_element_without_a_shape_is_a_warning(factory):
    text = changed("pengaduan.bpmn", 'bpmnElement="Telaah_Pengaduan"', 'bpmnElement="Telaah_Pengaduan_x"')
    examined = examine(factory, text, "pengaduan.bpmn")
    assert ("element_not_drawn", "Telaah_Pengaduan") in codes(examined.warnings)
    assert examined.errors == []
    [stale] = [p for p in examined.warnings if p.code == "stale_reference"]
    assert stale.params == {"attribute": "bpmnElement", "target": "Telaah_Pengaduan_x"}


def test_a_lane_listing_a_missing_node_is_a_warning_and_a_missing_flow_source_an_error(factory):
    text = changed("pengaduan.bpmn", "<bpmn:flowNodeRef>Telaah_Pengaduan</bpmn:flowNodeRef>",
                   "<bpmn:flowNodeRef>Telaah_Pengaduan</bpmn:flowNodeRef><bpmn:flowNodeRef>Hilang</bpmn:flowNodeRef>")
    examined = examine(factory, text, "pengaduan.bpmn")
    assert examined.errors == []
    assert [(p.code, p.params["target"]) for p in examined.warnings if p.code == "stale_reference"] == [
        ("stale_reference", "Hilang")]
    broken = changed("pengaduan.bpmn", 'sourceRef="Pengaduan_Masuk"', 'sourceRef="Pengaduan_Masu"')
    assert [(p.code, p.params["attribute"]) for p in examine(factory, broken, "pengaduan.bpmn").errors] == [
        ("unknown_reference", "sourceRef")]


def test_an_unreachable_task_is_a_warning(factory):
    text = changed("pengaduan.bpmn", 'sourceRef="Pengaduan_Masuk" targetRef="Telaah_Pengaduan"',
                   'sourceRef="Telaah_Pengaduan" targetRef="Telaah_Pengaduan"')
    examined = examine(factory, text, "pengaduan.bpmn")
    unreachable = {p.element for p in examined.warnings if p.code == "unreachable_element"}
    assert "Telaah_Pengaduan" in unreachable and "Pengaduan_Masuk" not in unreachable


def test_an_undeclared_multi_instance_collection_is_a_warning(factory):
    text = changed("kitapun_senapas.bpmn", '<bpmn:property id="jadwal" name="jadwal">',
                   '<bpmn:property id="jadwal_monev" name="jadwal">')
    examined = examine(factory, text)
    assert examined.errors == []
    [warning] = [p for p in examined.warnings if p.code == "collection_not_declared"]
    assert (warning.element, warning.params) == ("Monev_Perpustakaan", {"name": "jadwal"})


def test_a_form_field_without_english_text_is_a_warning_without_a_server_path(factory, tmp_path):
    folder = tmp_path / "bundle"
    shutil.copytree(source("pengaduan.bpmn").parent, folder)
    form = json.loads((folder / "forms" / "telaah_pengaduan.json").read_text(encoding="utf-8"))
    field = next(iter(form["properties"]))
    del form["x-senapas-i18n"]["en"]["fields"][field]
    (folder / "forms" / "telaah_pengaduan.json").write_text(json.dumps(form, indent=2), encoding="utf-8")
    examined = examine(factory, (folder / "pengaduan.bpmn").read_text(encoding="utf-8"), "pengaduan.bpmn", folder)
    assert examined.errors == []
    missing = [p for p in examined.warnings if p.code == "form_text_missing_english"]
    assert [(p.file, p.element, p.params["path"]) for p in missing] == [
        ("forms/telaah_pengaduan.json", "Telaah_Pengaduan", field)]
    written = (folder / "forms" / "telaah_pengaduan.json").read_text(encoding="utf-8")
    assert f'"{field}"' in written.splitlines()[missing[0].line - 1]
    assert str(tmp_path) not in json.dumps([p.as_dict() for p in examined.warnings])


def test_a_missing_form_file_names_no_server_folder(factory, tmp_path):
    folder = tmp_path / "bundle"
    shutil.copytree(source("pengaduan.bpmn").parent, folder)
    (folder / "forms" / "telaah_pengaduan.json").unlink()
    examined = examine(factory, (folder / "pengaduan.bpmn").read_text(encoding="utf-8"), "pengaduan.bpmn", folder)
    [error] = examined.errors
    assert error.code == "form_file_missing" and error.element == "Telaah_Pengaduan"
    assert str(tmp_path) not in json.dumps(error.as_dict())


def test_import_and_dunder_chains_in_scripts_are_errors(factory):
    for script in ("import os", "x = ().__class__.__base__"):
        text = changed("kitapun_senapas.bpmn", "<bpmn:script>", f"<bpmn:script>{script}\n")
        examined = examine(factory, text)
        assert [p.code for p in examined.errors] == ["script_refused"]


def test_a_parser_error_is_mapped_to_the_elements_line(factory):
    text = changed("kitapun_senapas.bpmn", "<bpmn:loopDataInputRef>jadwal</bpmn:loopDataInputRef>", "")
    [error] = examine(factory, text).errors
    line = next(i for i, row in enumerate(text.splitlines(), 1) if '<bpmn:callActivity id="Monev_Perpustakaan"' in row)
    assert (error.code, error.element, error.line) == ("spec_invalid", "Monev_Perpustakaan", line)


def test_validating_stores_nothing_and_is_for_admins(factory):
    examine(factory, source("pengaduan.bpmn").read_text(encoding="utf-8"), "pengaduan.bpmn")
    assert run_in_transaction(factory, lambda s: s.scalar(select(func.count()).select_from(Definition))) == 0
    with pytest.raises(Forbidden):
        examine(factory, source("pengaduan.bpmn").read_text(encoding="utf-8"), "pengaduan.bpmn", actor=KABID)


def test_a_deploy_with_only_warnings_succeeds_and_returns_them(factory):
    text = changed("kitapun_senapas.bpmn", "konfirmasi['status'] == 'ada_koreksi'",
                   "konfirmasi['statuss'] == 'ada_koreksi'")
    result = run_in_transaction(factory, lambda s: versions.deploy_upload(
        s, bundle(text, "kitapun_senapas.bpmn"), ADMIN))
    assert result.created and result.definition.version == 1
    assert "record_key_not_in_form" in {p.code for p in result.warnings}
    broken = changed("pengaduan.bpmn", 'targetRef="Telaah_Pengaduan"', 'targetRef="Telaah_Pengadu"')
    with pytest.raises(InvalidDefinition) as refused:
        run_in_transaction(factory, lambda s: versions.deploy_upload(s, bundle(broken, "pengaduan.bpmn"), ADMIN))
    assert [p.code for p in refused.value.problems] == ["unknown_reference"]
