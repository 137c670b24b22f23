"""Restored workflows kept in this process between actions, so the next action skips restoring one.

An entry is a workflow together with the version its instance row was committed with. An action
takes the entry out, so no two actions ever share a workflow object, and uses it only when the
instance row it has just read holds that very version. A saved workflow goes back in only once
its transaction has committed, with the row's version as committed; one that was only read goes
back at once, unless its transaction wrote the row (that version may never be committed).

The version alone is enough because each database has a cache of its own: the cache lives in
the store its session factory gives every session (`engine.db.kept`), so two databases in one
process (tests, a restored copy opened beside the live one) never see each other's workflows
even where their rows have the same ids and versions. Within one database a version is written
once (every write of the instance row counts it up, under the row's version check), so an action
in another process, a rollback or a fix through the application all show as another version.
What bypasses the version, a database restored from a backup or emptied under a running
process, or a fix by hand of the stored texts, is seen once the processes restart.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from engine.db import after_commit, kept
from engine.models import Instance

# How many instances one process keeps per database; the least recently used go first. A kept
# SOP cycle takes about 0.2 MB with 5 libraries and 2.3 MB with 50 (measured), so at most ~230 MB.
CAPACITY = 100
# The name of the cache in a factory's store.
_KEPT_AS = "workflows"
Key = tuple[str, int]


class WorkflowCache:
    """A bounded, thread-safe map of (definition hash, instance id) to a workflow and its row's version."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Key, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Key, version: int) -> BpmnWorkflow | None:
        """Remove and return the workflow of `key` if its row was committed at exactly `version`."""
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is None or entry[0] != version:
            return None
        return entry[1]

    def put(self, key: Key, version: int, workflow: BpmnWorkflow, *, replace: bool = True) -> None:
        """Keep a workflow whose row was committed at `version`, evicting the least recently used.

        With `replace=False` an entry put meanwhile (a newer state) is left as it is.
        """
        with self._lock:
            if not replace and key in self._entries:
                return
            self._entries[key] = (version, workflow)
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every workflow."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def of(session: Session) -> WorkflowCache:
    """The cache of the session's database in this process."""
    store = kept(session)
    cache = store.get(_KEPT_AS)
    if cache is None:
        cache = store.setdefault(_KEPT_AS, WorkflowCache())
    assert isinstance(cache, WorkflowCache)
    return cache


def keep_after_commit(session: Session, key: Key, instance: Instance, workflow: BpmnWorkflow) -> None:
    """Put a saved workflow in the cache when, and only if, the session's transaction commits.

    It is kept with the row's version as committed: changes the unit of work flushed after the
    save (a title, say) count the version up once more.
    """
    cache = of(session)

    def publish() -> None:
        version = inspect(instance).dict.get("row_version")  # as committed, without loading anything
        if isinstance(version, int):
            cache.put(key, version, workflow)

    after_commit(session, ("workflow", key), publish)
