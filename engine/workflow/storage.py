"""Where an instance's state lives: one part for its top workflow, one for each subprocess.

The texts stay out of the instance row, which every action reads and every save updates (its
version, counters, times), so that row stays small and a text that did not change is not written
again. A save writes the instance row with one version-checked UPDATE and only the parts that
changed; a restore reads them back. `instances.state` holds a fresh random mark of each save, which tells
saves apart even across databases (see `engine.workflow.cache`); rows saved by earlier releases
hold their top workflow's text there instead, are read as they are and moved by their next save.
See `engine.workflow.state_text` for how the texts are made.
"""

from __future__ import annotations

import json
import logging
from typing import Any, cast
from uuid import uuid4

from sqlalchemy import CursorResult, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.db import execute
from engine.errors import StaleState
from engine.models import Instance, InstancePart
from engine.workflow import state_text

log = logging.getLogger(__name__)
# The part holding the top workflow's text (the others are keyed by the id of the task that
# started their subprocess, a UUID).
TOP = "top"
# How the save mark in `instances.state` begins (a stored text begins with "{").
MARK = "saved:"

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


def stored_texts(session: Session, instance: Instance) -> tuple[str, dict[str, str]]:
    """The stored text of an instance's top workflow, and those of its subprocesses by key."""
    parts = {part: text for part, text in execute(session, _PARTS_OF, {"instance_id": instance.id})}
    top = parts.pop(TOP, None)
    return (instance.state if top is None else top), parts


def stored_state(session: Session, instance: Instance) -> dict[str, Any]:
    """The whole stored state of an instance as one JSON object, subprocesses included."""
    top, parts = stored_texts(session, instance)
    state: dict[str, Any] = json.loads(top)
    if "subprocesses" not in state:
        state["subprocesses"] = {key: json.loads(text) for key, text in parts.items()}
    return state


def new_mark() -> str:
    """The `instances.state` of a save: a mark no other save of any database has."""
    return MARK + uuid4().hex


def top_apart(instance: Instance) -> bool:
    """Whether the instance's top workflow has its part already (its row holds a save mark)."""
    return instance.state.startswith(MARK)


def write_parts(session: Session, instance_id: int, dumped: state_text.Dumped, apart: bool) -> None:
    """Store the texts of a save that changed (all, after a restore of a whole state).

    `apart` says whether the top workflow had its part before this save; if not, it gets one.
    """
    texts = {**dumped.parts, TOP: dumped.top}
    if dumped.full:
        execute(session, _DELETE_PARTS, {"instance_id": instance_id})
        added: frozenset[str] = frozenset(texts)
    else:
        added = dumped.added if apart else dumped.added | {TOP}
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


def write_instance(session: Session, instance: Instance, changes: dict[str, Any]) -> None:
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
    for name, value in {**changes, "row_version": version + 1}.items():
        set_committed_value(instance, name, value)
