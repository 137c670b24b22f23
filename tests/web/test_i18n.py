"""The English catalog is complete and compiled; engine messages have English versions."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from web.messages import english, localize_details

WEB = Path(__file__).resolve().parent.parent.parent / "web"
PO = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def _catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="en")


def test_every_text_in_the_code_is_in_the_catalog_and_translated():
    catalog = _catalog()
    found = {message for _, _, message, _, _ in extract_from_dir(
        str(WEB), METHODS, keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None})}
    found = {m if isinstance(m, str) else m[0] for m in found}
    assert len(found) > 150
    missing = sorted(m for m in found if catalog.get(m) is None)
    assert not missing, f"run the pybabel commands in web/i18n.py; missing: {missing[:5]}"
    untranslated = sorted(m.id for m in catalog if m.id and not m.string)
    assert not untranslated, untranslated[:5]


def test_compiled_catalog_matches_the_po_file():
    buffer = io.BytesIO()
    write_mo(buffer, _catalog())
    assert MO.read_bytes() == buffer.getvalue(), "run: pybabel compile -d web/translations"


def test_engine_messages_in_english():
    assert english("tugas sedang dikerjakan oleh budi", "conflict") == "the task is being worked on by budi"
    assert english("instance berstatus ditangguhkan; tidak dapat menjadi ditangguhkan", "conflict") == \
        "the instance is suspended; it cannot become suspended"
    assert english("harus berupa bilangan bulat atau kosong") == "must be an integer or empty"
    assert english("maksimal 500 karakter") == "at most 500 characters"
    assert english("sesuatu yang belum dikenal", "forbidden") == "Your roles do not allow this."
    problem = {"path": "gw", "message": "gateway eksklusif ...", "line": 3, "element": "gw"}
    assert localize_details([problem, {"path": "a", "message": "wajib diisi"}], "en") == [
        problem, {"path": "a", "message": "required"}]
    indonesian = [{"path": "a", "message": "wajib diisi"}]
    assert localize_details(indonesian, "id") == indonesian


def test_web_layer_messages_in_english():
    assert english("'username' wajib diisi sebagai teks") == "'username' is required as text"
    assert english("scope harus salah satu dari: inbox, queue") == "scope must be one of: inbox, queue"
    assert english("token tidak dikenal, kedaluwarsa, atau sudah dicabut") == "unknown, expired or revoked token"
