"""Warnings about forms' English texts (`x-senapas-i18n.en`): a form, field or choice without one
shows its Indonesian text to an English reader."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from engine.errors import Problem
from engine.libraries.instrument_forms import answers_field
from engine.libraries.instruments import INSTRUMENT_KEYWORD


def missing_english(form_name: str, schema: dict[str, Any], element: str | None,
                    source: str = "") -> list[Problem]:
    """One warning per field path (and per choice) of a form that has no English title.

    `source` is the form file's text, to point at the line that declares the field.
    """
    english = ((schema.get("x-senapas-i18n") or {}).get("en") or {})
    fields = english.get("fields") or {}
    file = f"forms/{form_name}"
    problems: list[Problem] = []
    if not english.get("title"):
        problems.append(Problem("form_text_missing_english", file, 1, element, {"path": "", "form": form_name}))
    instrument = bool(schema.get(INSTRUMENT_KEYWORD))
    answers = f"{answers_field(schema)}." if instrument else ""
    for path, sub in _fields(schema, ""):
        if instrument and path.startswith(answers) and path.count(".") >= 2:
            continue  # instrument indicators fall back to the instrument's own text (processes/README.md)
        entry = fields.get(path) or {}
        if not entry.get("title"):
            problems.append(Problem("form_text_missing_english", file, _line(source, path), element,
                                    {"path": path, "form": form_name}))
            continue
        choices = _choices(sub)
        options = entry.get("options") or (fields.get(f"{path}[]") or {}).get("options") or {}
        untranslated = [str(value) for value in choices if str(value) not in options]
        if choices and untranslated:
            problems.append(Problem("form_choice_missing_english", file, _line(source, path), element,
                                    {"path": path, "form": form_name, "values": untranslated}))
    return problems


def _fields(schema: Any, prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, schema) of every property, `[]` standing for array items, as `x-senapas-i18n` names them."""
    if not isinstance(schema, dict):
        return
    for name, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        path = f"{prefix}.{name}" if prefix else name
        yield path, sub
        yield from _fields(sub, path)
        items = sub.get("items")
        if isinstance(items, dict) and items.get("properties"):
            yield from _fields(items, f"{path}[]")
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key) or []:
            yield from _fields(part, prefix)


def _choices(schema: dict[str, Any]) -> list[Any]:
    """The `const` values of a single choice (`oneOf`), or of a multiple choice's items."""
    options = schema.get("oneOf")
    if not options and isinstance(schema.get("items"), dict):
        options = schema["items"].get("oneOf")
    return [o["const"] for o in options or [] if isinstance(o, dict) and "const" in o]


def _line(source: str, path: str) -> int | None:
    """The line of the first `"<last part of path>":` in the form's text, if the text is known."""
    leaf = path.replace("[]", "").rsplit(".", 1)[-1]
    match = re.search(r'"' + re.escape(leaf) + r'"\s*:', source) if source and leaf else None
    return source.count("\n", 0, match.start()) + 1 if match else None
