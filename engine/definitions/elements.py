"""What people read about a definition's BPMN elements: names, instructions and form files.

Read from the definition's cached spec (SpiffWorkflow keeps every task's extensions), so no page
parses BPMN XML again; called processes bundled in the version are included.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.defaults import StartEvent

from engine.definitions import derived
from engine.models import Definition
from engine.workflow import spiff


@dataclass(frozen=True)
class ElementInfo:
    """Instructions and form files of one BPMN element."""

    instructions: str = ""
    form: str | None = None
    ui_form: str | None = None
    name: str = ""


def elements(definition: Definition) -> dict[str, ElementInfo]:
    """BPMN id -> info for every named or described element of a version (kept with it in `derived`).

    The start event of the root process is also listed as `start:<definition key>`.
    """
    kept = derived.of(definition.hash)
    if kept.elements is not None:
        return kept.elements
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
    kept.elements = found
    return found
