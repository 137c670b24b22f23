"""The form renderer and parser: every widget kind, type conversion, rows, errors and English texts."""

from __future__ import annotations

import json

from werkzeug.datastructures import MultiDict

from tests.web.helpers import FIXTURES
from web.forms.parse import parse, row_action
from web.forms.render import build

SCHEMA = json.loads((FIXTURES / "forms" / "laporan.json").read_text())
UI = json.loads((FIXTURES / "forms" / "laporan.ui.json").read_text())
LIBRARIES = [("7", "Perpustakaan Contoh — Baki"), ("9", "TBM Contoh — Weru")]


def kinds(form):
    return {f.name: f.kind for f in form.fields}


def test_each_schema_type_gets_its_widget():
    form = build(SCHEMA, ui=UI, libraries=LIBRARIES)
    assert kinds(form) == {
        "judul": "text", "tanggal": "date", "jenis": "radio", "status": "radio", "jumlah": "integer",
        "rasio": "number", "layanan": "checkboxes", "daring": "boolean", "perpustakaan": "library",
        "jadwal": "rows", "alamat": "group", "catatan": "textarea"}
    fields = {f.name: f for f in form.fields}
    assert fields["status"].options == [("negeri", "Negeri"), ("swasta", "Swasta")]
    assert fields["perpustakaan"].options == LIBRARIES
    assert [c.name for c in fields["jadwal"].rows[0]] == ["jadwal.0.visit_date", "jadwal.0.officer"]
    assert fields["alamat"].children[0].name == "alamat.kecamatan"
    assert fields["jumlah"].attrs == {"min": 1, "step": "1"} and fields["judul"].attrs["maxlength"] == 120


def test_ui_order_star_places_the_rest_before_trailing_fields():
    names = [f.name for f in build(SCHEMA, ui=UI).fields]
    assert names[0] == "judul" and names[-1] == "catatan"


def test_long_strings_and_the_widget_keyword_become_textareas():
    schema = {"type": "object", "properties": {"a": {"type": "string", "maxLength": 201},
                                               "b": {"type": "string", "x-senapas-widget": "textarea"},
                                               "c": {"type": "string", "maxLength": 200}}}
    assert kinds(build(schema)) == {"a": "textarea", "b": "textarea", "c": "text"}


def test_few_choices_are_radio_buttons_many_a_select():
    schema = {"type": "object", "properties": {
        "q": {"type": "string", "oneOf": [{"const": c, "title": f"{c}. jawaban"} for c in "abcde"]},
        "kecamatan": {"type": "string", "enum": ["Baki", "Bendosari", "Bulu", "Gatak", "Grogol", "Kartasura",
                                                 "Mojolaban"]},
        "pilih": {"type": "string", "enum": ["x", "y"]}}}
    assert kinds(build(schema, ui={"pilih": {"ui:widget": "select"}})) == {
        "q": "radio", "kecamatan": "select", "pilih": "select"}


def test_library_field_without_registry_is_a_number():
    assert kinds(build(SCHEMA, ui=UI, libraries=None))["perpustakaan"] == "integer"


def test_narrow_choices_replace_the_registry_where_the_field_asks():
    schema = {"type": "object", "properties": {"pembinaan": {
        "type": "array", "x-senapas-choices": "hasil_monev",
        "items": {"type": "integer", "x-senapas-source": "library"}}}}
    form = build(schema, libraries=LIBRARIES, choices=[("9", "TBM Contoh — 80 (B)")])
    assert form.fields[0].kind == "checkboxes" and form.fields[0].options == [("9", "TBM Contoh — 80 (B)")]
    assert build(schema, libraries=LIBRARIES, choices=[]).fields[0].options == LIBRARIES


def test_submitted_strings_become_schema_types():
    form = MultiDict([
        ("judul", " Laporan Baki "), ("jumlah", "1200"), ("rasio", "0,25"), ("tanggal", "2027-03-01"),
        ("jenis", "desa"), ("status", ""), ("layanan.__present", "1"), ("layanan", "baca"), ("layanan", "pinjam"),
        ("daring", "true"), ("perpustakaan", "7"), ("jadwal.__rows", "2"), ("jadwal.0.visit_date", "2027-03-02"),
        ("jadwal.0.officer", "petugas"), ("jadwal.1.visit_date", ""), ("jadwal.1.officer", ""),
        ("alamat.kecamatan", ""), ("catatan", "baris 1\nbaris 2")])
    assert parse(SCHEMA, form, ui=UI, libraries=True) == {
        "judul": "Laporan Baki", "jumlah": 1200, "rasio": 0.25, "tanggal": "2027-03-01", "jenis": "desa",
        "layanan": ["baca", "pinjam"], "daring": True, "perpustakaan": 7,
        "jadwal": [{"visit_date": "2027-03-02", "officer": "petugas"}], "catatan": "baris 1\nbaris 2"}


def test_values_that_do_not_convert_stay_as_typed():
    data = parse(SCHEMA, MultiDict({"jumlah": "seribu", "rasio": "1.5x", "daring": "mungkin"}), ui=UI)
    assert data == {"jumlah": "seribu", "rasio": "1.5x", "daring": "mungkin"}


def test_unchecked_multi_select_is_an_empty_list_only_when_shown():
    assert parse(SCHEMA, MultiDict({"layanan.__present": "1"}))["layanan"] == []
    assert "layanan" not in parse(SCHEMA, MultiDict({}))


def test_add_and_remove_rows():
    form = MultiDict({"jadwal.__rows": "1", "jadwal.0.officer": "a", "_add": "jadwal"})
    data = parse(SCHEMA, form, keep_empty_rows=True)
    assert row_action(data, form) and data["jadwal"] == [{"officer": "a"}, {}]
    form = MultiDict({"jadwal.__rows": "2", "jadwal.0.officer": "a", "jadwal.1.officer": "b", "_remove": "jadwal.0"})
    data = parse(SCHEMA, form, keep_empty_rows=True)
    assert row_action(data, form) and data["jadwal"] == [{"officer": "b"}]
    assert not row_action({}, MultiDict({"judul": "x"}))


def test_errors_land_on_their_field_or_its_nearest_ancestor():
    errors = [{"path": "jumlah", "message": "minimal 1"}, {"path": "jadwal.0.officer", "message": "wajib diisi"},
              {"path": "layanan.1", "message": "nilai tidak termasuk pilihan yang tersedia"},
              {"path": "", "message": "berisi isian yang tidak dikenal"}]
    form = build(SCHEMA, {"jadwal": [{"visit_date": "2027-01-01"}]}, errors=errors, ui=UI)
    fields = {f.name: f for f in form.fields}
    assert fields["jumlah"].errors == ["minimal 1"]
    assert fields["jadwal"].rows[0][1].errors == ["wajib diisi"]
    assert fields["jadwal"].rows[0][0].value == "2027-01-01"
    assert fields["layanan"].errors == ["nilai tidak termasuk pilihan yang tersedia"]
    assert form.general_errors == ["berisi isian yang tidak dikenal"]


def test_english_titles_and_options_from_the_schema():
    form = build(SCHEMA, ui=UI, lang="en")
    fields = {f.name: f for f in form.fields}
    assert form.title == "Visit report" and fields["judul"].label == "Report title"
    assert fields["status"].label == "Institution status" and fields["status"].options[0] == ("negeri", "Public")
    assert fields["jadwal"].row_label == "Visit" and fields["jadwal"].rows[0][1].label == "Officer"
    assert fields["jumlah"].label == "Jumlah koleksi"  # no English text: the Indonesian one stays


def test_values_are_shown_as_strings():
    form = build(SCHEMA, {"jumlah": 5, "daring": False, "layanan": ["baca"], "rasio": 0.5}, ui=UI)
    fields = {f.name: f for f in form.fields}
    assert (fields["jumlah"].value, fields["daring"].value, fields["layanan"].value, fields["rasio"].value) == \
        ("5", "false", ["baca"], "0.5")


def test_a_task_without_schema_has_no_fields():
    assert build(None).fields == [] and parse(None, MultiDict({"x": "1"})) == {}


def test_defaults_fill_a_fresh_form_only():
    schema = {"type": "object", "properties": {"sifat": {"type": "string", "default": "biasa",
                                                         "enum": ["biasa", "segera"]}}}
    assert build(schema, defaults=True).fields[0].value == "biasa"
    assert build(schema).fields[0].value == ""
    assert build(schema, {"sifat": "segera"}, defaults=True).fields[0].value == "segera"


def test_read_only_fields_are_shown_read_only_and_never_parsed_back():
    schema = {"type": "object", "properties": {"judul": {"type": "string", "readOnly": True},
                                               "catatan": {"type": "string"}}}
    assert parse(schema, MultiDict({"judul": "Palsu", "catatan": "isi"})) == {"catatan": "isi"}
    fields = build(schema, {"judul": "Monev 2027"}).fields
    assert fields[0].attrs.get("readonly") == "readonly" and "readonly" not in fields[1].attrs
