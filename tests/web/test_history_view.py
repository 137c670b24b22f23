"""What pages derive from an instance's forms: titles, table columns, the inline SVG."""

from __future__ import annotations

import json

from engine.models import AuditEvent
from tests.web.helpers import FIXTURES
from web.history import columns, field_titles, inline_svg

FORMS = {name: json.loads((FIXTURES / "forms" / name).read_text()) for name in ("laporan.json", "tinjau.json")}


def event(action, task_name=None, data=None, task_id=None):
    return AuditEvent(actor="x", action=action, task_name=task_name, data=data, task_id=task_id)


def test_titles_of_keys_and_choices_in_both_languages():
    titles = field_titles(FORMS)
    assert titles.get("jumlah", "jumlah") == "Jumlah koleksi" and titles.get("officer", "") == "Petugas"
    assert titles.value("status", "negeri") == "Negeri" and titles.value("decision", "tolak") == "Tolak"
    assert titles.value("judul", "apa saja") == "apa saja" and titles.get("lain", "lain") == "lain"
    english = field_titles(FORMS, "en")
    assert english.get("judul", "") == "Report title" and english.value("status", "swasta") == "Private"
    assert english.get("officer", "") == "Officer"


def test_table_columns_in_first_seen_order():
    assert columns([{"a": 1, "b": 2}, {"c": 3, "a": 4}, "x"]) == ["a", "b", "c"]
    assert columns(["x", "y"]) == []
    resolved = [{"library": 7, "visit_date": "2027-03-01", "officer": "budi", "library_name": "TBM Contoh",
                 "npp": "", "address": "Jl. Contoh", "kecamatan": "Weru"}]
    assert columns(resolved) == ["visit_date", "officer", "library_name", "kecamatan"]


def test_inline_svg_drops_the_style_element_and_keeps_natural_size():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 200" width="100%">'
           '<style>.a{fill:red}</style><title>&lt;b&gt;</title></svg>')
    html = str(inline_svg(svg))
    assert "<style" not in html and 'width="640"' in html and 'height="200"' in html and "&lt;b&gt;" in html
