"""Everything this process derives from a definition version, kept in one place under its content hash.

A version never changes (changed content is a new version with a new hash), so nothing kept here
goes stale: the restored specs (`engine.workflow.spiff.specs_for`), the form schemas
(`versions.forms_of`), what people read about its elements (`elements.elements`) and, per form,
its compiled validators (`forms.validate`), the fields its data contract declares
(`contract.admit`) and whether it refers to the library registry (`registry.resolve_sources`).
Each is made on first use by the module that knows how.

What is derived from something else stays with its module, bounded or fixed: compiled script
text (`workflow.scripts.compiled`, shared by definitions, LRU of 1024), instrument files
(`libraries.instruments`, immutable files of the processes folder, LRU of 32), queue listings
(`engine.tasks`, per set of lanes, LRU of 64) and fixed data read once (serializer, reserved
names, the common-password list, letter templates).
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
    # Per form file: validators (`forms.validate`), contract (`contract.admit`), registry marker.
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
    """Where what is derived from one form of a definition version (its validators, ...) is kept."""
    kept = of(content_hash).validators
    found = kept.get(form)
    if found is None:
        with _LOCK:
            found = kept.setdefault(form, {})
    return found
