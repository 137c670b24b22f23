"""Where an instance's workflow is stored: `load` it for an action, `save` it after one.

The state lives in `InstancePart` rows: the part "top" holds the top workflow's text and each
subprocess has a part of its own, keyed by the id of the task that started it. The texts stay out
of the instance row, which every action reads and every save updates (its version, counters,
times), so that row stays small and a text that did not change is not written again. A save
writes the instance row with one version-checked UPDATE (the one optimistic lock: the version
column, which the unit of work checks too) and only the parts that changed; `load` takes the
workflow this process saved last when the row still holds its version (`engine.workflow.cache`),
else restores it from the parts. See `engine.workflow.state_text` for how the texts are made and
`engine.workflow.spiff` for the serializer.
"""

from __future__ import annotations

import json
import logging
from typing import Any, cast

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import CursorResult, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.db import execute, note_written, wrote
from engine.errors import StaleState
from engine.models import Definition, Instance, InstancePart
from engine.workflow import cache, spiff, state_text

log = logging.getLogger(__name__)
# The part holding the top workflow's text (the others are keyed by a UUID).
TOP = "top"

_INSTANCES = cast(Table, Instance.__table__)
_PARTS = cast(Table, InstancePart.__table__)
_PARTS_OF = select(_PARTS.c.part, _PARTS.c.text).where(_PARTS.c.instance_id == bindparam("instance_id"))
_DELETE_PARTS = delete(_PARTS).where(_PARTS.c.instance_id == bindparam("instance_id"))
_DELETE_SOME_PARTS = _DELETE_PARTS.where(_PARTS.c.part.in_(bindparam("parts", expanding=True)))
_INSERT_PARTS = insert(_PARTS)
_UPDATE_PART = update(_PARTS).where(_PARTS.c.instance_id == bindparam("for_instance"),
                                    _PARTS.c.part == bindparam("for_part"))
# Sets the columns named by the parameters besides these two (compiled once per set of names).
_UPDATE_INSTANCE = update(_INSTANCES).where(_INSTANCES.c.id == bindparam("instance_id"),
                                            _INSTANCES.c.row_version == bindparam("read_version"))


def load(session: Session, instance: Instance, definition: Definition, time_limit: float) -> BpmnWorkflow:
    """The workflow of an instance for one action: the one this process saved last, or restored.

    The workflow belongs to the caller alone until `save` or `put_back` hands it to the cache.
    """
    workflow = cache.of(session).take((definition.hash, instance.id), instance.row_version)
    if workflow is None:
        return restore(session, instance, definition, time_limit)
    spiff.set_time_limit(workflow, time_limit)
    return workflow


def restore(session: Session, instance: Instance, definition: Definition, time_limit: float) -> BpmnWorkflow:
    """Restore the workflow of an instance from its stored parts around its definition's cached spec."""
    spec, subprocess_specs = spiff.specs_for(definition.hash, lambda: definition.spec)
    top, parts = stored_texts(session, instance.id)
    return spiff.load_state(top, parts, spec, subprocess_specs, time_limit)


def put_back(session: Session, instance: Instance, definition: Definition, workflow: BpmnWorkflow) -> None:
    """Return a workflow that was only read to the cache, unless a newer one was kept meanwhile.

    Not when this transaction wrote the instance row: its version is not committed, and might
    never be (a save keeps its workflow once the transaction commits).
    """
    if not wrote(session, instance):
        cache.of(session).put((definition.hash, instance.id), instance.row_version, workflow, replace=False)


def add(session: Session, instance: Instance, workflow: BpmnWorkflow) -> None:
    """Store the state of a new instance (its row flushed already) as its first parts."""
    _write_parts(session, instance.id, spiff.dump_state(workflow))


def save(session: Session, instance: Instance, definition: Definition, workflow: BpmnWorkflow,
         changes: dict[str, Any]) -> None:
    """Write the instance row (`changes`, version-checked) and the parts of the state that changed.

    The instance row goes first: its version check stops a lost race before any part is written.
    The workflow is kept for the next action once, and only if, the transaction commits.
    """
    dumped = spiff.dump_state(workflow)
    _write_instance(session, instance, changes)
    _write_parts(session, instance.id, dumped)
    cache.keep_after_commit(session, (definition.hash, instance.id), instance, workflow)


def stored_texts(session: Session, instance_id: int) -> tuple[str, dict[str, str]]:
    """The stored text of an instance's top workflow, and those of its subprocesses by key."""
    parts = {part: text for part, text in execute(session, _PARTS_OF, {"instance_id": instance_id})}
    top = parts.pop(TOP, None)
    if top is None:
        raise LookupError(f"instance {instance_id} has no stored state")
    return top, parts


def stored_state(session: Session, instance_id: int) -> dict[str, Any]:
    """The whole stored state of an instance as one JSON object, subprocesses included."""
    top, parts = stored_texts(session, instance_id)
    state: dict[str, Any] = json.loads(top)
    state["subprocesses"] = {key: json.loads(text) for key, text in parts.items()}
    return state


def _write_parts(session: Session, instance_id: int, dumped: state_text.Dumped) -> None:
    """Store the texts of a save that changed (all, when the workflow was not saved or restored before)."""
    texts = {**dumped.parts, TOP: dumped.top}
    if dumped.full:
        execute(session, _DELETE_PARTS, {"instance_id": instance_id})
        added: frozenset[str] = frozenset(texts)
    else:
        added = dumped.added
        if dumped.removed:
            execute(session, _DELETE_SOME_PARTS, {"instance_id": instance_id, "parts": sorted(dumped.removed)})
        updated = sorted((dumped.changed | ({TOP} if dumped.top_changed else set())) - added)
        if updated:
            result = execute(session, _UPDATE_PART, [{"for_instance": instance_id, "for_part": key,
                                                     "text": texts[key]} for key in updated])
            if cast(CursorResult[Any], result).rowcount not in (-1, len(updated)):
                log.warning("instance %s: stored parts were not as expected; storing them all again", instance_id)
                execute(session, _DELETE_PARTS, {"instance_id": instance_id})
                added = frozenset(texts)
    if added:
        execute(session, _INSERT_PARTS, [{"instance_id": instance_id, "part": key, "text": texts[key]}
                                        for key in sorted(added)])


def _write_instance(session: Session, instance: Instance, changes: dict[str, Any]) -> None:
    """Write `changes` to the instance row with one prepared, version-checked UPDATE.

    A row another transaction changed since this one read it matches no row: StaleState, and the
    unit of work runs again. The written values become the object's committed state without
    marking it changed, so the unit of work writes only what else the action changed (a status,
    an incident), on the new version.
    """
    version = instance.row_version
    with session.no_autoflush:  # pending changes of the same row go out after this, on the new version
        result = execute(session, _UPDATE_INSTANCE, {"instance_id": instance.id, "read_version": version,
                                                    "row_version": version + 1, **changes})
    if cast(CursorResult[Any], result).rowcount != 1:
        raise StaleState(f"instance {instance.id} diubah transaksi lain")
    note_written(session, instance)
    for name, value in {**changes, "row_version": version + 1}.items():
        set_committed_value(instance, name, value)
