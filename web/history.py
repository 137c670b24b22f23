"""What an instance's audit trail tells the pages: its business data and its finished steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from markupsafe import Markup

from web.forms_schema import items_of, raw_choices
from web.labels import REGISTRY_FIELDS

SVG_NS = "http://www.w3.org/2000/svg"
# Profile fields the engine copies next to a library id (engine.libraries.summary) besides the name.
REGISTRY_COPY = frozenset({"library", "npp", "library_type", "subtype", "institution", "supervisor", "address",
                           "desa"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


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

    Keys are bare property names (`officer`, `visit_date`); the first form naming one wins, so
    the instance data can be shown with the words the forms used.
    """
    titles = Titles()
    for _, schema in sorted(forms.items()):
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            english = ((schema.get("x-senapas-i18n") or {}).get("en") or {}).get("fields") or {}
            _collect(schema, "", english if lang == "en" else {}, titles)
    for key, label in REGISTRY_FIELDS.items():
        titles.fields.setdefault(key, str(label))
    return titles


def _collect(schema: dict[str, Any], prefix: str, english: dict[str, Any], titles: Titles) -> None:
    for key, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        path = prefix + key
        text = english.get(path) or {}
        title = text.get("title") or prop.get("title")
        if title:
            titles.fields.setdefault(key, str(title))
        items = items_of(prop)
        choices = raw_choices(prop) or raw_choices(items)
        if choices and key not in titles.options:
            names = text.get("options") or (english.get(path + "[]") or {}).get("options") or {}
            titles.options[key] = {str(v): str(names.get(str(v)) or t) for v, t in choices}
        if isinstance(prop.get("properties"), dict):
            _collect(prop, path + ".", english, titles)
        if isinstance(items.get("properties"), dict):
            _collect(items, path + "[].", english, titles)


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


def inline_svg(svg: str) -> Markup:
    """The engine's diagram SVG, ready to inline under our CSP, drawn at its natural size.

    Its style element is dropped (the CSP would block it; the same rules are in senapas.css), and
    its width becomes the diagram's own width in pixels, so a wide process scrolls sideways in its
    frame instead of shrinking into unreadable text.
    """
    root = etree.fromstring(svg.encode("utf-8"), _PARSER)
    for style in list(root.iter(f"{{{SVG_NS}}}style")):
        parent = style.getparent()
        if parent is not None:
            parent.remove(style)
    box = (root.get("viewBox") or "").split()
    if len(box) == 4:
        root.set("width", box[2])
        root.set("height", box[3])
    return Markup(etree.tostring(root, encoding="unicode"))  # noqa: S704 - our own serializer output
