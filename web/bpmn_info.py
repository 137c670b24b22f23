"""What the pages need from a definition's BPMN that the task rows do not carry: instructions,
UI schemas, step names and the start form, from `engine.definitions.elements` (the cached spec)."""

from __future__ import annotations

from typing import Any

from engine.definitions import versions
from engine.definitions.elements import ElementInfo, elements
from engine.models import Definition


def element_info(definition: Definition, element_id: str) -> ElementInfo:
    """The info of one element of a definition (empty when the element is unknown)."""
    return elements(definition).get(element_id, ElementInfo())


def ui_schema(definition: Definition, element_id: str, form: str | None) -> dict[str, Any]:
    """The UI schema of a task's form: its declared file, else `<form>.ui.json` beside it."""
    forms = versions.forms_of(definition)
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
    return {key: info.name for key, info in elements(definition).items() if info.name}


def start_info(definition: Definition) -> ElementInfo:
    """Instructions and form files of the root process's start event."""
    return elements(definition).get(f"start:{definition.key}", ElementInfo())
