"""The English catalog is complete and compiled; engine messages have English versions."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

from engine.definitions import forms
from engine.errors import BadRequest, Conflict, NotFound, Problem, field_error
from engine.libraries.fields import clean
from web import error_texts, i18n
from web.api import openapi

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


def _render(lang: str, render):
    app = Flask("web")
    i18n.init(app)
    with app.test_request_context("/api/v1/tasks", headers={"Accept-Language": lang}):
        return render()


def test_errors_read_in_indonesian_by_default_and_in_english_on_request():
    claimed = Conflict("task_claimed", holder="budi")
    assert _render("id", lambda: error_texts.message(claimed)) == "tugas sedang dikerjakan oleh budi"
    assert _render("en", lambda: error_texts.message(claimed)) == "the task is being worked on by budi"
    refused = Conflict("invalid_transition", status="suspended", target="suspended")
    assert _render("id", lambda: error_texts.message(refused)) == \
        "instance berstatus ditangguhkan; tidak dapat menjadi ditangguhkan"
    assert _render("en", lambda: error_texts.message(refused)) == \
        "the instance is suspended; it cannot become suspended"
    assert _render("en", lambda: error_texts.message(NotFound("instance_not_found", id=7))) == "instance 7 not found"
    assert _render("en", lambda: error_texts.message(BadRequest())) == "The request could not be processed."


def test_field_errors_and_problems_carry_a_message_in_the_page_language():
    fields = [field_error("age", "wrong_type", types=["integer", "null"]), field_error("name", "max_length", limit=500),
              field_error("a", "required")]
    assert [d["message"] for d in _render("en", lambda: error_texts.details(fields))] == [
        "must be an integer or empty", "at most 500 characters", "required"]
    assert [d["message"] for d in _render("id", lambda: error_texts.details(fields))] == [
        "harus berupa bilangan bulat atau kosong", "maksimal 500 karakter", "wajib diisi"]
    problem = Problem("unknown_lane", "a.bpmn", 3, "Lane_1", {"lane": "x", "known": ["kabid", "petugas"]})
    [rendered] = _render("en", lambda: error_texts.details([problem.as_dict()]))
    assert rendered == {"path": "Lane_1", "code": "unknown_lane", "params": problem.params,
                        "file": "a.bpmn", "line": 3, "element": "Lane_1",
                        "message": "lane 'x' is not a known role (kabid, petugas)"}


def test_library_checks_and_instrument_problems_read_in_both_languages():
    _, _, [kecamatan] = clean({"name": "A", "kecamatan": "Solo", "library_type": "desa"}, creating=True)
    assert _render("id", lambda: error_texts.details([kecamatan]))[0]["message"].startswith(
        "kecamatan 'Solo' tidak dikenal; pilih salah satu dari 12 kecamatan Kabupaten Sukoharjo: Baki, Bendosari")
    assert _render("en", lambda: error_texts.details([kecamatan]))[0]["message"].startswith(
        "unknown kecamatan 'Solo'; choose one of the 12 kecamatan of Sukoharjo Regency: Baki, Bendosari")
    weights = Problem("instrument_weights", "a.bpmn", params={"source": "uji.json", "total": "90"})
    assert _render("en", lambda: error_texts.details([weights.as_dict()]))[0]["message"] == \
        "uji.json: the component weights add up to 90, they must add up to 100"


ERROR_CLASSES = {"SenapasError", "NotFound", "Forbidden", "Conflict", "ValidationFailed", "BadRequest",
                 "NotAuthenticated", "RateLimited"}


# Calls that name an error: where their code argument is; None: any string argument (lint's helpers).
CODE_ARGUMENT = {**dict.fromkeys(ERROR_CLASSES, 0), "Problem": 0, "FormFileError": 0, "InstrumentError": 0, "add": 0,
                 "field_error": 1, "_check_code": None, "_check_expression": None}


def _raised_codes() -> dict[str, set[str] | None]:
    """Every literal case, field code and problem code in engine/ and web/, with the params given there
    (None where a helper adds them)."""
    codes: dict[str, set[str] | None] = {}
    for path in [*WEB.parent.joinpath("engine").rglob("*.py"), *WEB.rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else ""
            if name not in CODE_ARGUMENT:
                continue
            index = CODE_ARGUMENT[name]
            args = node.args if index is None else node.args[index:index + 1]
            args = [b for a in args for b in ((a.body, a.orelse) if isinstance(a, ast.IfExp) else (a,))]
            params = {k.arg for k in node.keywords if k.arg not in (None, "code", "details")}
            if name == "Problem" and len(node.args) > 4 and isinstance(node.args[4], ast.Dict):
                params |= {k.value for k in node.args[4].keys if isinstance(k, ast.Constant)}
            params |= {k.value for kw in node.keywords if kw.arg == "params" and isinstance(kw.value, ast.Dict)
                       for k in kw.value.keys if isinstance(k, ast.Constant)}
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and (
                        index is not None or arg.value.isidentifier()):
                    known = codes.get(arg.value, set())
                    codes[arg.value] = None if index is None or known is None else known | params
    for table in (forms.LIMIT_CODES, forms.FORMAT_CODES, forms.RULE_CODES):
        codes.update({code: {"limit"} if table is forms.LIMIT_CODES else set() for code in table.values()})
    return codes


def test_every_error_code_raised_anywhere_has_indonesian_and_english_text():
    catalog = _catalog()
    raised = _raised_codes()
    assert {"task_claimed", "not_your_lane", "required", "unknown_lane", "xml_invalid", "script_syntax",
            "too_many_logins", "maximum"} <= set(raised)
    missing = sorted(code for code in raised if code not in error_texts.TEXTS)
    assert not missing, f"add these codes to web/error_texts/: {missing}"
    for code, params in raised.items():
        template = str(error_texts.TEXTS[code])
        needed = set(re.findall(r"%\((\w+)\)s", template))
        assert params is None or needed <= params, f"{code} is raised without {needed - params}"
        if template != "%(detail)s":
            assert catalog.get(template) is not None and catalog.get(template).string, f"no English for {code}"


def _answered_codes(status: str = "") -> set[str]:
    """Every error `code` the built document lists (for one status, or any)."""
    found: set[str] = set()
    for operations in openapi.build()["paths"].values():
        for operation in operations.values():
            for code, answer in operation["responses"].items():
                if code >= "400" and (not status or code == status):
                    found |= set(answer["content"]["application/json"]["schema"]["properties"]["error"][
                        "properties"]["code"]["enum"])
    return found


def test_every_api_code_is_in_the_openapi_document():
    assert _answered_codes() >= {
        "not_authenticated", "forbidden", "not_found", "invalid_request", "invalid_data", "invalid_definition",
        "task_completed", "task_cancelled", "task_claimed", "instance_not_running", "stale", "too_large",
        "rate_limited"}
    detail_codes = set(openapi.build()["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["enum"])
    assert {"required", "max_length", "unknown_lane", "xml_invalid", "task_claimed"} <= detail_codes


def test_every_conflict_code_is_in_the_openapi_document():
    conflicts = set()
    for path in [*WEB.parent.joinpath("engine").rglob("*.py"), *WEB.rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Conflict":
                given = [k.value for k in node.keywords if k.arg == "code"] or node.args[:1]
                given = [b for a in given for b in ((a.body, a.orelse) if isinstance(a, ast.IfExp) else (a,))]
                conflicts |= {a.value for a in given if isinstance(a, ast.Constant)}
    assert {"task_completed", "task_claimed", "stale"} <= conflicts
    assert conflicts - {"npp_taken"} <= _answered_codes("409")  # libraries are registered on the pages only
