"""Reading a task's JSON Schema the way both the form renderer and the form parser need it."""

from __future__ import annotations

from typing import Any

TEXTAREA_AT = 200  # strings that may be longer than this get a textarea
RADIO_UP_TO = 6  # choices shown as radio buttons; more become a select


def type_of(schema: dict[str, Any]) -> str:
    """The schema's main JSON type (the first non-null one), inferred from choices when absent."""
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    if isinstance(declared, str):
        return declared
    consts = [value for value, _ in raw_choices(schema)]
    if consts and all(isinstance(c, bool) for c in consts):
        return "boolean"
    if consts and all(isinstance(c, int) and not isinstance(c, bool) for c in consts):
        return "integer"
    if consts and all(isinstance(c, int | float) and not isinstance(c, bool) for c in consts):
        return "number"
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def raw_choices(schema: dict[str, Any]) -> list[tuple[Any, str]]:
    """(value, title) of an `enum`, or of `oneOf`/`anyOf` branches that are each a `const`."""
    if isinstance(schema.get("enum"), list):
        return [(value, str(value)) for value in schema["enum"] if value is not None]
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches and all(isinstance(b, dict) and "const" in b for b in branches):
            return [(b["const"], str(b.get("title") or b["const"])) for b in branches]
    return []


def items_of(schema: dict[str, Any]) -> dict[str, Any]:
    """The `items` schema of an array (empty when absent or not a single schema)."""
    items = schema.get("items")
    return items if isinstance(items, dict) else {}


def is_library(schema: dict[str, Any]) -> bool:
    """True for a reference to the library registry."""
    return schema.get("x-senapas-source") == "library"


def is_officer(schema: dict[str, Any]) -> bool:
    """True for a username of someone who may do visits (a visit team's lead or member)."""
    return schema.get("x-senapas-source") == "officer"


def kind_of(schema: dict[str, Any], ui: dict[str, Any], libraries: bool) -> str:
    """The widget kind of a property: how it is shown and how its submitted strings are read back."""
    kind = type_of(schema)
    widget = ui.get("ui:widget") or schema.get("x-senapas-widget")
    if is_library(schema):
        return "library" if libraries else "integer"
    if is_officer(schema):
        return "select"
    if kind == "object":
        return "group"
    if kind == "array":
        items = items_of(schema)
        if type_of(items) == "object":
            return "rows"
        if raw_choices(items) or (is_library(items) and libraries) or is_officer(items):
            return "checkboxes"
        return "lines"
    if kind == "boolean":
        return "boolean"
    choices = raw_choices(schema)
    if choices:
        if widget in ("radio", "select"):
            return str(widget)
        # Few choices read and tap best as radio buttons (an instrument's a–e answers stay alike).
        return "radio" if len(choices) <= RADIO_UP_TO else "select"
    if kind in ("integer", "number"):
        return kind
    fmt = schema.get("format")
    if fmt == "date":
        return "date"
    if fmt == "date-time":
        return "datetime"
    if fmt == "email":
        return "email"
    if widget == "textarea" or int(schema.get("maxLength") or 0) > TEXTAREA_AT:
        return "textarea"
    return "text"


def ordered(schema: dict[str, Any], ui: dict[str, Any]) -> list[str]:
    """Property names in `ui:order` (with `*` for the rest), else in schema order."""
    names = list((schema.get("properties") or {}).keys())
    order = ui.get("ui:order")
    if not isinstance(order, list):
        return names
    head = [n for n in order if n in names]
    rest = [n for n in names if n not in head]
    if "*" in order:
        star = order.index("*")
        before = [n for n in order[:star] if n in names]
        after = [n for n in order[star + 1:] if n in names]
        return before + [n for n in rest if n not in after] + after
    return head + rest


def child_ui(ui: dict[str, Any], name: str) -> dict[str, Any]:
    """The UI schema of one property (or of `items` for arrays)."""
    value = ui.get(name)
    return value if isinstance(value, dict) else {}


def segments(path: str) -> list[str | int]:
    """A dotted data path as keys and list indexes: "jadwal.0.tanggal" -> ["jadwal", 0, "tanggal"]."""
    return [int(p) if p.isdigit() else p for p in path.split(".") if p != ""]
