"""What the pages need from a definition's BPMN that the task rows do not carry yet.

The end-user instructions (`spiffworkflow:instructionsForEndUser`) and the UI-schema file
(`formUiSchemaFilename`) of each element, read with the engine's hardened parser from the
stored BPMN of the definition version and the files it calls, cached per content hash.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from engine import bpmn_xml
from engine.bpmn_xml import NS
from engine.errors import InvalidDefinition
from engine.models import Definition

_CACHE: dict[str, dict[str, ElementInfo]] = {}
_LOCK = threading.Lock()
_CACHE_SIZE = 64


@dataclass(frozen=True)
class ElementInfo:
    """Instructions and form files of one BPMN element."""

    instructions: str = ""
    form: str | None = None
    ui_form: str | None = None
    name: str = ""


def element_info(definition: Definition, element_id: str) -> ElementInfo:
    """The info of one element of a definition (empty when the element is unknown)."""
    return _elements(definition).get(element_id, ElementInfo())


def ui_schema(definition: Definition, element_id: str, form: str | None) -> dict[str, Any]:
    """The UI schema of a task's form: its declared file, else `<form>.ui.json` beside it."""
    forms = definition.forms or {}
    info = element_info(definition, element_id)
    if info.ui_form and isinstance(forms.get(info.ui_form), dict):
        return dict(forms[info.ui_form])
    if form and form.endswith(".json"):
        guess = forms.get(form[: -len(".json")] + ".ui.json")
        if isinstance(guess, dict):
            return dict(guess)
    return {}


def step_names(definition: Definition) -> dict[str, str]:
    """BPMN id -> element name, for showing history entries by the names people know."""
    return {key: info.name for key, info in _elements(definition).items() if info.name}


def start_info(definition: Definition) -> ElementInfo:
    """Instructions and form files of the root process's start event."""
    return _elements(definition).get(f"start:{definition.key}", ElementInfo())


def _elements(definition: Definition) -> dict[str, ElementInfo]:
    cached = _CACHE.get(definition.hash)
    if cached is not None:
        return cached
    found: dict[str, ElementInfo] = {}
    sources: list[tuple[str, bytes]] = [(definition.filename, definition.bpmn)]
    sources += [(name, text.encode("utf-8")) for name, text in sorted((definition.files or {}).items())
                if name.endswith(".bpmn")]
    for name, content in sources:
        try:
            root = bpmn_xml.parse(content, name)
        except InvalidDefinition:
            continue  # stored definitions passed this parser at deploy; nothing to show otherwise
        for element in root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if not element_id or element_id in found:
                continue
            props = bpmn_xml.extension_properties(element)
            text = element.findtext("bpmn:extensionElements/spiffworkflow:instructionsForEndUser",
                                    namespaces=NS)
            if text or props or element.get("name"):
                found[element_id] = ElementInfo((text or "").strip(), props.get("formJsonSchemaFilename"),
                                                props.get("formUiSchemaFilename"), element.get("name") or "")
        process = root.find(f"bpmn:process[@id='{definition.key}']", NS)
        start = process.find("bpmn:startEvent", NS) if process is not None else None
        if start is not None and start.get("id") in found:
            found[f"start:{definition.key}"] = found[str(start.get("id"))]
    with _LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[definition.hash] = found
    return found
