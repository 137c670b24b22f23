"""Reading a submitted HTML form back into typed JSON data for the task's schema.

Strings are converted to the schema's types (integer, number, boolean, arrays). A value that does
not convert is kept as typed by the person, so the engine's validation names the field and the
page shows the value again. Empty fields are left out, so "required" is reported by the engine.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from web.forms.schema import child_ui, items_of, kind_of, ordered, raw_choices, segments, type_of

MAX_ROWS = 200
_INT = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def parse(schema: dict[str, Any] | None, form: MultiDict[str, str], *, ui: dict[str, Any] | None = None,
          libraries: bool = False, keep_empty_rows: bool = False) -> dict[str, Any]:
    """The typed data of a submitted form; `keep_empty_rows` keeps blank table rows (re-rendering)."""
    if not schema:
        return {}
    return _object(schema, ui or {}, form, "", libraries, keep_empty_rows)


def _object(schema: dict[str, Any], ui: dict[str, Any], form: MultiDict[str, str], prefix: str,
            libraries: bool, keep: bool) -> dict[str, Any]:
    result: dict[str, Any] = {}
    required = set(schema.get("required") or [])
    for name in ordered(schema, ui):
        prop = schema["properties"][name]
        if not isinstance(prop, dict) or prop.get("readOnly") is True:
            continue  # a read-only field shows the workflow's value; it is never submitted
        key = f"{prefix}{name}"
        value = _value(prop, child_ui(ui, name), form, key, libraries, keep, name in required)
        if value is not None:
            result[name] = value
    return result


def _value(prop: dict[str, Any], ui: dict[str, Any], form: MultiDict[str, str], key: str, libraries: bool,
           keep: bool, required: bool) -> Any:
    kind = kind_of(prop, ui, libraries)
    if kind == "group":
        sub = _object(prop, ui, form, key + ".", libraries, keep)
        return sub if sub or required or keep else None
    items = items_of(prop)
    if kind == "rows":
        rows = []
        for i in range(_row_count(form, key)):
            row = _object(items, child_ui(ui, "items"), form, f"{key}.{i}.", libraries, keep)
            if row or keep:
                rows.append(row)
        return rows if rows or keep else None
    if kind == "checkboxes":
        chosen = [_scalar(items, v) for v in form.getlist(key) if v != ""]
        return chosen if chosen or f"{key}.__present" in form else None
    if kind == "lines":
        lines = [line.strip() for line in (form.get(key) or "").splitlines() if line.strip()]
        return [_scalar(items, line) for line in lines] if lines or required else None
    raw = (form.get(key) or "").strip()
    if raw == "":
        return None
    if kind == "datetime" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", raw):
        return raw + ":00+07:00"  # the form gives local time without zone; the agency works in WIB
    return _scalar(prop, raw)


def _row_count(form: MultiDict[str, str], key: str) -> int:
    try:
        return max(0, min(MAX_ROWS, int(form.get(f"{key}.__rows") or 0)))
    except ValueError:
        return 0


def _scalar(schema: dict[str, Any], raw: str) -> Any:
    """One submitted string as the schema's type; unconvertible text stays text."""
    choices = {str(value): value for value, _ in raw_choices(schema)}
    if raw in choices:
        return choices[raw]
    kind = type_of(schema)
    if kind == "integer" and _INT.fullmatch(raw):
        return int(raw)
    if kind == "number" and _NUMBER.fullmatch(raw):
        number = float(raw.replace(",", "."))
        return int(number) if _INT.fullmatch(raw) else number
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def row_action(data: dict[str, Any], form: MultiDict[str, str]) -> bool:
    """Apply a "add row" / "remove row" button to the data; True when one was pressed."""
    if form.get("_add"):
        path = segments(form["_add"])
        rows = _lookup(data, path)
        if rows is None and path:
            parent = _lookup(data, path[:-1])
            if isinstance(parent, dict):
                parent[path[-1]] = rows = []
        if isinstance(rows, list) and len(rows) < MAX_ROWS:
            rows.append({})
        return True
    if form.get("_remove"):
        path = segments(form["_remove"])
        rows = _lookup(data, path[:-1]) if path else None
        if isinstance(rows, list) and isinstance(path[-1], int) and path[-1] < len(rows):
            del rows[path[-1]]
        return True
    return False


def _lookup(data: Any, path: list[str | int]) -> Any:
    current = data
    for part in path:
        if isinstance(current, dict) and isinstance(part, str):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            return None
    return current
