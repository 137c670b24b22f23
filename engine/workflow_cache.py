"""Restored workflows kept in this process between actions, so the next action skips restoring one.

An entry is a workflow together with the exact state text its instance row was saved with (the
top workflow's text, which every save marks apart). An action takes the entry out, so no two
actions ever share a workflow object, and uses it only when the instance row it has just read
holds that very text. A saved workflow goes back in only once its transaction has
committed. Whatever else happened to the row (an action in another process, a rollback, a restored
backup, a fix by hand) shows as different text, and the workflow is restored from the row instead.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import event
from sqlalchemy.orm import Session

# How many instances one process keeps; the least recently used go first. A kept SOP cycle takes
# about 0.2 MB with 5 libraries and 2.3 MB with 50 (measured), so at most ~230 MB per process.
CAPACITY = 100
# Where a session keeps the workflows it saved until its transaction ends.
_PENDING = "senapas_saved_workflows"
Key = tuple[str, int]


class WorkflowCache:
    """A bounded, thread-safe map of (definition hash, instance id) to a workflow and its state text."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Key, tuple[str, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Key, state: str) -> BpmnWorkflow | None:
        """Remove and return the workflow of `key` if it was saved as exactly `state`."""
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is None or entry[0] != state:
            return None
        return entry[1]

    def put(self, key: Key, state: str, workflow: BpmnWorkflow, *, replace: bool = True) -> None:
        """Keep a workflow whose committed state is `state`, evicting the least recently used.

        With `replace=False` an entry put meanwhile (a newer state) is left as it is.
        """
        with self._lock:
            if not replace and key in self._entries:
                return
            self._entries[key] = (state, workflow)
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


def keep_after_commit(session: Session, key: Key, state: str, workflow: BpmnWorkflow) -> None:
    """Put a saved workflow in the cache when, and only if, the session's transaction commits."""
    session.info.setdefault(_PENDING, {})[key] = (state, workflow)


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    pending: dict[Key, tuple[str, BpmnWorkflow]] = session.info.pop(_PENDING, None) or {}
    for key, (state, workflow) in pending.items():
        CACHE.put(key, state, workflow)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_PENDING, None)
