"""Turn a task's JSON Schema, its UI schema, values and validation errors into fields for templates.

Supported: text, textarea (long strings or `ui:widget`/`x-senapas-widget` textarea), integer and
number, date and date-time, email, choices (`enum`, or `oneOf`/`anyOf` of `const` with titles) as a
select or radio buttons, multi-select (arrays of choices) as checkboxes, booleans, nested objects
as fieldsets, arrays of objects as table rows with "add row"/"remove row" buttons (no script),
other arrays as one value per line, and `"x-senapas-source": "library"` as a choice of libraries
when the registry can list them. English titles come from the schema's `x-senapas-i18n`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from web.forms.schema import child_ui, items_of, kind_of, ordered, raw_choices

Options = list[tuple[str, str]]


@dataclass
class Field:
    """One form field (or a fieldset / a table of rows) ready for the template."""

    name: str
    label: str
    kind: str
    help: str = ""
    required: bool = False
    value: Any = ""
    options: Options = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    rows: list[list[Field]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    row_label: str = ""


@dataclass
class RenderedForm:
    """A whole form: its title and description, its fields, and errors no field could take."""

    title: str
    description: str
    fields: list[Field]
    general_errors: list[str]


@dataclass
class _Context:
    lang_fields: dict[str, Any]
    libraries: Options | None
    choices: Options | None
    officers: Options
    errors: dict[str, list[str]]
    defaults: bool
    index: dict[str, Field] = field(default_factory=dict)


def build(schema: dict[str, Any] | None, values: dict[str, Any] | None = None, *,
          errors: list[dict[str, Any]] | None = None, ui: dict[str, Any] | None = None, lang: str = "id",
          libraries: Options | None = None, choices: Options | None = None,
          officers: Options | None = None, defaults: bool = False) -> RenderedForm:
    """The fields of a form with values and per-field error messages (by dotted data path).

    `libraries` are the registry's (id, label) pairs; `choices` the narrower list offered where a
    field names `x-senapas-choices` (the libraries monitored in this cycle), when there are any;
    `officers` the (username, full name) pairs of the people who may do visits.
    With `defaults`, fields without a value show their schema `default` (a form opened fresh).
    """
    schema = schema or {}
    english = ((schema.get("x-senapas-i18n") or {}).get("en") or {}) if lang == "en" else {}
    by_path: dict[str, list[str]] = {}
    for detail in errors or []:
        by_path.setdefault(str(detail.get("path") or ""), []).append(str(detail.get("message", "")))
    ctx = _Context(english.get("fields") or {}, libraries, choices or None, list(officers or []), by_path, defaults)
    fields = _fields(schema, ui or {}, values or {}, "", "", ctx)
    general: list[str] = []
    for path, messages in by_path.items():
        owner = _owner(path, ctx.index)
        if owner is None:
            general.extend(f"{path}: {m}" if path else m for m in messages)
        else:
            owner.errors.extend(messages)
    return RenderedForm(str(english.get("title") or schema.get("title") or ""),
                        str(english.get("description") or schema.get("description") or ""), fields, general)


def _owner(path: str, index: dict[str, Field]) -> Field | None:
    """The field an error path belongs to: itself, else its nearest shown ancestor."""
    parts = path.split(".") if path else []
    while parts:
        found = index.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return None


def _fields(schema: dict[str, Any], ui: dict[str, Any], values: Any, prefix: str, i18n_prefix: str,
            ctx: _Context) -> list[Field]:
    values = values if isinstance(values, dict) else {}
    required = set(schema.get("required") or [])
    result = []
    for name in ordered(schema, ui):
        prop = (schema.get("properties") or {})[name]
        if isinstance(prop, dict):
            result.append(_field(prop, child_ui(ui, name), values.get(name), f"{prefix}{name}",
                                 f"{i18n_prefix}{name}", name in required, ctx))
    return result


def _field(prop: dict[str, Any], ui: dict[str, Any], value: Any, name: str, i18n_key: str, required: bool,
           ctx: _Context) -> Field:
    kind = kind_of(prop, ui, ctx.libraries is not None)
    if value is None and ctx.defaults and "default" in prop:
        value = prop["default"]
    text = ctx.lang_fields.get(i18n_key) or {}
    item = Field(name=name, kind=kind, required=required,
                 label=str(text.get("title") or prop.get("title") or name.rsplit(".", 1)[-1]),
                 help=str(text.get("description") or ui.get("ui:help") or prop.get("description") or ""))
    ctx.index[name] = item
    items = items_of(prop)
    if kind == "group":
        item.children = _fields(prop, ui, value, name + ".", i18n_key + ".", ctx)
    elif kind == "rows":
        rows = value if isinstance(value, list) else []
        count = max(len(rows), int(prop.get("minItems") or 0), 1)
        item_text = ctx.lang_fields.get(i18n_key + "[]") or {}
        item.row_label = str(item_text.get("title") or items.get("title") or item.label)
        item.rows = [_fields(items, child_ui(ui, "items"), rows[i] if i < len(rows) else {},
                             f"{name}.{i}.", i18n_key + "[].", ctx) for i in range(count)]
        item.attrs = {"max_rows": int(prop.get("maxItems") or 200)}
    elif kind == "checkboxes":
        item.options = _options(items, ctx, i18n_key + "[]", narrow="x-senapas-choices" in prop)
        item.value = [_display(v) for v in value] if isinstance(value, list) else []
    elif kind == "lines":
        item.value = "\n".join(_display(v) for v in value) if isinstance(value, list) else _display(value)
    else:
        item.options = (_options(prop, ctx, i18n_key, narrow="x-senapas-choices" in prop)
                        if kind in ("select", "radio", "library") else [])
        item.value = _display(value)
        item.attrs = _attrs(prop, kind)
    return item


def _options(schema: dict[str, Any], ctx: _Context, i18n_key: str, *, narrow: bool = False) -> Options:
    if schema.get("x-senapas-source") == "library":
        return list((ctx.choices if narrow and ctx.choices else ctx.libraries) or [])
    if schema.get("x-senapas-source") == "officer":
        return ctx.officers
    names = (ctx.lang_fields.get(i18n_key) or {}).get("options") or {}
    return [(_display(value), str(names.get(str(value)) or title)) for value, title in raw_choices(schema)]


def _attrs(prop: dict[str, Any], kind: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if kind in ("integer", "number"):
        for key, attr in (("minimum", "min"), ("maximum", "max")):
            if isinstance(prop.get(key), int | float):
                attrs[attr] = prop[key]
        attrs["step"] = "1" if kind == "integer" else "any"
    if kind in ("text", "textarea", "email"):
        for key, attr in (("minLength", "minlength"), ("maxLength", "maxlength")):
            if isinstance(prop.get(key), int) and prop[key] > 0:
                attrs[attr] = prop[key]
    if prop.get("readOnly") is True:
        attrs["readonly"] = "readonly"
    return attrs


def _display(value: Any) -> str:
    """A JSON value as the string an input shows."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # date-time values come back from the form as "...:00+07:00"; the input wants "YYYY-MM-DDTHH:MM"
        return value
    return str(value)


def datetime_input(value: str) -> str:
    """The `datetime-local` input value of an ISO date-time string."""
    return value[:16] if len(value) >= 16 and value[10:11] == "T" else value


@dataclass(frozen=True)
class ErrorLink:
    """One error of the summary above a refused form: where it is (the element id) and what it says."""

    anchor: str
    label: str
    message: str


def problems(form: RenderedForm) -> list[ErrorLink]:
    """Every error of a form in reading order, each field named with the group or row it is in."""
    found = [ErrorLink("", "", message) for message in form.general_errors]

    def walk(fields: list[Field], group: str) -> None:
        for f in fields:
            found.extend(ErrorLink(f"f-{f.name}", f"{group} › {f.label}" if group else f.label, message)
                         for message in f.errors)
            walk(f.children, f.label)
            for number, row in enumerate(f.rows, start=1):
                walk(row, f"{f.label} {number}")

    walk(form.fields, "")
    return found
