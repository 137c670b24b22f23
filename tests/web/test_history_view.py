"""What pages derive from an instance's forms: titles and table columns."""

from __future__ import annotations

import json

from engine.models import AuditEvent
from tests.web.helpers import FIXTURES
from web.pages.history import columns, field_titles

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


def test_a_key_several_forms_name_takes_the_title_most_of_them_use():
    def form(title):
        return {"type": "object", "properties": {"officer": {"type": "string", "title": title}}}
    forms = {"a_eskalasi.json": form("Ketua tim baru"), "b_jadwal.json": form("Ketua tim (petugas)"),
             "c_surat.json": form("Ketua tim (petugas)")}
    titles = field_titles(forms)
    assert titles.get("officer", "") == "Ketua tim (petugas)"
    assert titles.get("visit_date_lama", "") == "Tanggal kunjungan semula"  # written by the process alone
