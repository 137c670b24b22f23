"""A workflow's state as JSON text, serialized again only where it changed since the last save.

An instance's workflow stays in memory between actions (`engine.workflow.cache`), and one action
changes little of it: the finished tracks of other libraries and the finished steps before this
one stay as they were. The text of each subprocess and of each settled task is kept on the
workflow with a fingerprint of what it depends on, and reused while the fingerprint holds:

- a subprocess, while every task in it keeps its state and state-change time and no subprocess
  it called changed (results flow up to the caller);
- a task that is finished (COMPLETED, CANCELLED) or not reached yet (FUTURE, LIKELY, MAYBE),
  under a parent that is too, while neither's state, state-change time nor children change: its
  data and its delta against its parent are fixed.

The top workflow and each subprocess are stored in rows of their own
(`InstancePart`), so a save writes the top only when its text changed (an action inside one
library's track often leaves it as it was) and the subprocesses that changed. Put together, the
texts are the serializer's own output without the specs (same keys, same values); the tests
compare every save of a whole SOP cycle with the library's full serialization.

Both kinds of reuse pay, measured with `senapas bench --quick --json --only engine_throughput
--only growth` on a loaded 2-core machine, two runs each (ratio to the in-memory floor):
every text serialized on every save (writing only the texts that changed), engine 0.217 / 0.209
and growth 0.242 / 0.252 (128-147 ms per completion at 50 libraries); subprocess texts reused but
every task of a changed one serialized again, engine 0.261 / 0.240 and growth 0.374 / 0.404
(59-73 ms); both kept, engine 0.273 / 0.241 and growth 0.478 / 0.439 (55-56 ms).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from engine import json_text

SETTLED = TaskState.COMPLETED | TaskState.CANCELLED
# Settled, or predicted and not reached yet.
STATIC = SETTLED | TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE
# The attribute of a workflow object holding the texts of its last save.
_TEXTS = "_senapas_texts"


@dataclass
class _Texts:
    """What the last save of one workflow object wrote: the top text, each subprocess, and each
    task by the subprocess holding it (None: the top workflow)."""

    top: str | None = None
    subprocesses: dict[UUID, tuple[Any, str]] = field(default_factory=dict)
    tasks: dict[UUID | None, dict[UUID, tuple[Any, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Dumped:
    """One save's state: the top workflow's text, every subprocess's text, and what to write.

    `top_changed` says the top text differs from the one stored. `full` means the stored parts
    must all be replaced (the workflow was not saved by this object before); otherwise the
    `changed` parts are written (the `added` among them are new) and the `removed` deleted.
    """

    top: str
    top_changed: bool
    parts: dict[str, str]
    changed: frozenset[str]
    added: frozenset[str]
    removed: frozenset[str]
    full: bool


def dump(workflow: BpmnWorkflow, serializer: BpmnWorkflowSerializer, default: Callable[[Any], Any]) -> Dumped:
    """The state of a workflow; the caller holds the registry in encoding mode, `default` encodes typed values."""
    previous: _Texts | None = getattr(workflow, _TEXTS, None)
    known = previous or _Texts()
    writer = _Writer(serializer, default, known)
    prints = {key: _fingerprint(sub) for key, sub in workflow.subprocesses.items()}
    changed = {key for key, print_ in prints.items()
               if key not in known.subprocesses or known.subprocesses[key][0] != print_}
    _mark_callers(workflow, changed)
    parts = {}
    for key, sub in workflow.subprocesses.items():
        if key in changed:
            head = {**writer.head(sub), "parent_task_id": str(sub.parent_task_id), "spec": sub.spec.name}
            entry = (prints[key], writer.with_tasks(head, sub, key))
        else:
            entry = known.subprocesses[key]
            writer.texts.tasks[key] = known.tasks.get(key, {})
        writer.texts.subprocesses[key] = entry
        parts[str(key)] = entry[1]
    head = {**writer.head(workflow), "bpmn_events": serializer.registry.convert(workflow.bpmn_events),
            serializer.VERSION_KEY: serializer.VERSION}
    top = writer.texts.top = writer.with_tasks(head, workflow, None)
    setattr(workflow, _TEXTS, writer.texts)
    return Dumped(top, top != known.top, parts, frozenset(str(key) for key in changed),
                  frozenset(str(key) for key in changed if key not in known.subprocesses),
                  frozenset(str(key) for key in known.subprocesses if key not in workflow.subprocesses),
                  previous is None)


def forget(workflow: BpmnWorkflow) -> None:
    """Make the next save write every part again (the workflow moved to other specs)."""
    if hasattr(workflow, _TEXTS):
        delattr(workflow, _TEXTS)


def remember(workflow: BpmnWorkflow, top: str, parts: dict[str, str]) -> None:
    """Record the stored texts a workflow was just restored from, so its next save writes only changes."""
    texts = _Texts(top=top)
    for key, sub in workflow.subprocesses.items():
        text = parts.get(str(key))
        if text is not None:
            texts.subprocesses[key] = (_fingerprint(sub), text)
    setattr(workflow, _TEXTS, texts)


class _Writer:
    """Serializes one save: the parts that changed, reusing the texts of the last save for the rest."""

    def __init__(self, serializer: BpmnWorkflowSerializer, default: Callable[[Any], Any], previous: _Texts) -> None:
        self.registry = serializer.registry
        self.default = default
        self.previous = previous
        self.texts = _Texts()

    def head(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """The attributes a workflow or subprocess serializes besides its tasks."""
        registry = self.registry
        return {
            "data": registry.convert(registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "root": str(workflow.task_tree.id),
            "typename": registry.typenames[workflow.__class__],
        }

    def with_tasks(self, head: dict[str, Any], workflow: BpmnWorkflow, owner: UUID | None) -> str:
        """The text of `head` with the workflow's tasks added (`owner`: the subprocess key, or None)."""
        tasks = {}
        previous = self.previous.tasks.get(owner, {})
        written = self.texts.tasks[owner] = {}
        for task_id, task in workflow.tasks.items():
            key = _settled_key(task)
            entry = previous.get(task_id)
            if key is None or entry is None or entry[0] != key:
                entry = (key, json_text.dumps(self.registry.convert(task), self.default))
            written[task_id] = entry
            tasks[str(task_id)] = entry[1]
        return json_text.dumps_with(head, "tasks", tasks, self.default)


def _settled_key(task: SpiffTask) -> tuple[Any, ...] | None:
    """What a settled or predicted task's text depends on; None while it or its parent may change unseen.

    Finished tasks keep their data; predicted ones (not reached yet) have none of their own until
    they become ready, which changes their state. Either way their delta against the parent only
    changes with the parent, which must be settled or predicted too.
    """
    if not task.state & STATIC:
        return None
    parent = task.parent
    if parent is None:
        return (task.state, task.last_state_change, _child_ids(task))
    if not parent.state & STATIC:
        return None
    return (task.state, task.last_state_change, _child_ids(task), parent.state, parent.last_state_change)


def _child_ids(task: SpiffTask) -> tuple[UUID, ...]:
    """The ids of a task's children, as the serializer writes them."""
    # SpiffWorkflow 3.2.0 keeps them in the private `_children` (what its TaskConverter writes);
    # the public `children` would look up every child's task object on each save.
    return tuple(task._children)


def _fingerprint(sub: BpmnWorkflow) -> tuple[tuple[int, float], ...]:
    """What changes whenever anything in a subprocess changes: every task's state and its time."""
    return tuple((task.state, task.last_state_change) for task in sub.tasks.values())


def _mark_callers(workflow: BpmnWorkflow, changed: set[UUID]) -> None:
    """Mark the subprocesses that called a changed one as changed too."""
    subprocesses = workflow.subprocesses
    # A subprocess's key is the id of the task that started it; most are started by the top workflow.
    holder = {key: next((other for other, caller in subprocesses.items() if key in caller.tasks), None)
              for key in subprocesses if key not in workflow.tasks}
    pending = list(changed)
    while pending:
        caller = holder.get(pending.pop())
        if caller is not None and caller not in changed:
            changed.add(caller)
            pending.append(caller)
