"""Restored workflows kept in this process between actions, so the next action skips restoring one.

An entry is a workflow together with the version and the `state` its instance row was committed
with (a random mark of that save, see `engine.workflow.storage`). An action takes the entry out, so
no two actions ever share a workflow object, and uses it only when the instance row it has just
read holds that very version and mark. A saved workflow goes back in only once its transaction
has committed, with the row as committed. Whatever else happened to the row (an action in another
process, a rollback, a restored backup, another database with the same ids) shows as another
version or mark, and the workflow is restored from the rows instead. A fix by hand of the stored
texts is seen once the row's mark or version changes too, or once the process restarts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from engine.models import Instance

# How many instances one process keeps; the least recently used go first. A kept SOP cycle takes
# about 0.2 MB with 5 libraries and 2.3 MB with 50 (measured), so at most ~230 MB per process.
CAPACITY = 100
# Where a session keeps the workflows it saved until its transaction ends.
_PENDING = "senapas_saved_workflows"
Key = tuple[str, int]
# What a workflow was committed as: the instance row's version and `state` (the save's mark).
Saved = tuple[int, str]


class WorkflowCache:
    """A bounded, thread-safe map of (definition hash, instance id) to a workflow and its saved row."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Key, tuple[Saved, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Key, saved: Saved) -> BpmnWorkflow | None:
        """Remove and return the workflow of `key` if its row was committed as exactly `saved`."""
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is None or entry[0] != saved:
            return None
        return entry[1]

    def put(self, key: Key, saved: Saved, workflow: BpmnWorkflow, *, replace: bool = True) -> None:
        """Keep a workflow whose row was committed as `saved`, evicting the least recently used.

        With `replace=False` an entry put meanwhile (a newer state) is left as it is.
        """
        with self._lock:
            if not replace and key in self._entries:
                return
            self._entries[key] = (saved, workflow)
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every workflow."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


CACHE = WorkflowCache()


def _committed(instance: Instance) -> Saved | None:
    """What an instance row holds as this session last wrote or read it, without loading anything."""
    values = inspect(instance).dict
    version, state = values.get("row_version"), values.get("state")
    return (version, state) if isinstance(version, int) and isinstance(state, str) else None


def keep_after_commit(session: Session, key: Key, instance: Instance, workflow: BpmnWorkflow) -> None:
    """Put a saved workflow in the cache when, and only if, the session's transaction commits.

    It is kept with the row as committed: changes the unit of work flushed after the save (a
    title, say) count the version up once more.
    """
    session.info.setdefault(_PENDING, {})[key] = (instance, workflow)


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    pending: dict[Key, tuple[Instance, BpmnWorkflow]] = session.info.pop(_PENDING, None) or {}
    for key, (instance, workflow) in pending.items():
        committed = _committed(instance)
        if committed is not None:
            CACHE.put(key, committed, workflow)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_PENDING, None)
