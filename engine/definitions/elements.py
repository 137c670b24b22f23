"""What people read about a definition's BPMN elements: names, instructions and form files.

Read from the definition's cached spec (SpiffWorkflow keeps every task's extensions), so no page
parses BPMN XML again; called processes bundled in the version are included.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.defaults import StartEvent

from engine.models import Definition
from engine.workflow import spiff

_CACHE: dict[str, dict[str, ElementInfo]] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class ElementInfo:
    """Instructions and form files of one BPMN element."""

    instructions: str = ""
    form: str | None = None
    ui_form: str | None = None
    name: str = ""


def elements(definition: Definition) -> dict[str, ElementInfo]:
    """BPMN id -> info for every named or described element of a version (cached by content hash).

    The start event of the root process is also listed as `start:<definition key>`.
    """
    cached = _CACHE.get(definition.hash)
    if cached is not None:
        return cached
    spec, subprocess_specs = spiff.specs_for(definition.hash, lambda: definition.spec)
    found: dict[str, ElementInfo] = {}
    for process in (spec, *subprocess_specs.values()):
        for task_spec in process.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if not bpmn_id or bpmn_id in found:
                continue
            extensions = getattr(task_spec, "extensions", None) or {}
            props = extensions.get("properties", {})
            info = ElementInfo((extensions.get("instructionsForEndUser") or "").strip(),
                               props.get("formJsonSchemaFilename"), props.get("formUiSchemaFilename"),
                               task_spec.bpmn_name or "")
            if info != ElementInfo():
                found[bpmn_id] = info
            if process is spec and isinstance(task_spec, StartEvent):
                found[f"start:{definition.key}"] = info
    with _LOCK:
        return _CACHE.setdefault(definition.hash, found)
