"""Everything this process derives from a definition version, kept in one place under its content hash.

A version never changes (changed content is a new version with a new hash), so nothing kept here
goes stale: the restored specs (`engine.workflow.spiff.specs_for`), the form schemas
(`versions.forms_of`), what people read about its elements (`elements.elements`) and the compiled
validators of its forms (`engine.tasks`). Each is made on first use by the module that knows how.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

    from engine.definitions.elements import ElementInfo


@dataclass
class Derived:
    """What has been derived from one definition version so far (None: not yet)."""

    specs: tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]] | None = None
    forms: dict[str, Any] | None = None
    elements: dict[str, ElementInfo] | None = None
    # Per form file: its compiled validators (see `engine.definitions.forms.validate`).
    validators: dict[str, dict[str, Any]] = field(default_factory=dict)


_BY_HASH: dict[str, Derived] = {}
_LOCK = threading.Lock()


def of(content_hash: str) -> Derived:
    """What this process derived from the definition version with this content hash."""
    found = _BY_HASH.get(content_hash)
    if found is None:
        with _LOCK:
            found = _BY_HASH.setdefault(content_hash, Derived())
    return found


def validators(content_hash: str, form: str) -> dict[str, Any]:
    """Where the compiled validators of one form of a definition version are kept."""
    kept = of(content_hash).validators
    found = kept.get(form)
    if found is None:
        with _LOCK:
            found = kept.setdefault(form, {})
    return found
