"""How pages show an instance's data: field titles and choice labels from its forms, table columns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from web.forms.schema import items_of, raw_choices
from web.labels import PROCESS_FIELDS, REGISTRY_FIELDS

# Profile fields the engine copies next to a library id (engine.libraries.summary) besides the name.
REGISTRY_COPY = frozenset({"library", "npp", "library_type", "subtype", "institution", "supervisor", "address",
                           "desa"})


@dataclass
class Titles:
    """What the forms of a definition version call each data key and each choice value."""

    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, key: str, default: str) -> str:
        """The title of a data key."""
        return self.fields.get(key, default)

    def value(self, key: str | None, value: Any) -> Any:
        """The title of a choice value of a key, else the value itself."""
        return self.options.get(key or "", {}).get(str(value), value)


def field_titles(forms: dict[str, Any], lang: str = "id") -> Titles:
    """Titles of data keys and choice values from every form of a definition version.

    Keys are bare property names (`officer`, `visit_date`); where forms call a key differently the
    title most of them use wins (the first, among equals), so the instance data is shown with the
    words the forms used: a schedule row's `officer` is its lead although an escalation's is a new one.
    """
    titles = Titles()
    named: dict[str, Counter[str]] = {}
    for _, schema in sorted(forms.items()):
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            english = ((schema.get("x-senapas-i18n") or {}).get("en") or {}).get("fields") or {}
            _collect(schema, "", english if lang == "en" else {}, titles, named)
    titles.fields = {key: counts.most_common(1)[0][0] for key, counts in named.items()}
    for key, label in (*REGISTRY_FIELDS.items(), *PROCESS_FIELDS.items()):
        titles.fields.setdefault(key, str(label))
    return titles


def _collect(schema: dict[str, Any], prefix: str, english: dict[str, Any], titles: Titles,
             named: dict[str, Counter[str]]) -> None:
    for key, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        path = prefix + key
        text = english.get(path) or {}
        title = text.get("title") or prop.get("title")
        if title:
            named.setdefault(key, Counter())[str(title)] += 1
        items = items_of(prop)
        choices = raw_choices(prop) or raw_choices(items)
        if choices and key not in titles.options:
            names = text.get("options") or (english.get(path + "[]") or {}).get("options") or {}
            titles.options[key] = {str(v): str(names.get(str(v)) or t) for v, t in choices}
        if isinstance(prop.get("properties"), dict):
            _collect(prop, path + ".", english, titles, named)
        if isinstance(items.get("properties"), dict):
            _collect(items, path + "[].", english, titles, named)


def columns(rows: list[Any]) -> list[str]:
    """The keys of a list of objects, in first-seen order (table columns).

    Rows naming a library from the registry carry a copy of its profile; the table shows its
    name and kecamatan only (the profile is one click away in the registry).
    """
    seen: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            seen.update(dict.fromkeys(row))
    if "library_name" in seen:
        return [key for key in seen if key not in REGISTRY_COPY]
    return list(seen)
