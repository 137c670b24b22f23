"""The one place that builds, stores and restores SpiffWorkflow objects.

Specs are serialized once per definition version and cached per process; an instance's state is
the serializer's output without the spec, so it stays small and loads without re-parsing BPMN.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers import DefaultRegistry
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.workflow import state_text
from engine.workflow.scripts import RestrictedScriptEngine

# Typenames the serializer writes for the workflow's own structure; any other typename in a state
# (a datetime in task data, a pending event) means values that need restoring.
STRUCTURAL_TYPENAMES = frozenset({"Task", "BpmnSubWorkflow", "BpmnWorkflow"})
_TYPENAME = re.compile(r'"typename":\s*"([^"\\]*)"')


class _Registry(DefaultRegistry):
    """The library's registry, able to skip walking task data that holds only JSON values.

    Restoring walks every nested value of every task's data looking for typed values, and that
    walk is the largest single cost of loading an instance. When the state's text shows no typed
    value at all, `load_state` switches the walk off for that load (per thread).
    """

    _local = threading.local()

    def restore(self, val: Any, **kwargs: Any) -> Any:
        if getattr(self._local, "plain", False) and not (isinstance(val, dict) and "typename" in val):
            return val
        return super().restore(val, **kwargs)


REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG, registry=_Registry())
SERIALIZER = BpmnWorkflowSerializer(REGISTRY)
# A converter instance of our own (it registers itself, replacing the equivalent default), so
# that a workflow can be restored around an already-restored, cached spec.
_WORKFLOW_CONVERTER = BpmnWorkflowConverter(BpmnWorkflow, REGISTRY)

_SPECS: dict[str, tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]] = {}
_SPECS_LOCK = threading.Lock()
_ENCODER_LOCK = threading.Lock()


def dump_spec(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    """Serialize a process spec and the specs it calls to JSON, once per definition version."""
    return json.dumps({
        "spec": REGISTRY.convert(spec),
        "subprocess_specs": {name: REGISTRY.convert(s) for name, s in subprocess_specs.items()},
    }, cls=SERIALIZER._encoder_cls)


def specs_for(content_hash: str, spec_json: Callable[[], str]) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """The restored specs of a definition version, cached by content hash for the life of the process.

    `spec_json` is called only on a miss, so the stored spec is not even read from the database
    once this process has it.
    """
    cached = _SPECS.get(content_hash)
    if cached is not None:
        return cached
    dct = json.loads(spec_json())
    restored = (REGISTRY.restore(dct["spec"]),
                {name: REGISTRY.restore(s) for name, s in dct["subprocess_specs"].items()})
    with _SPECS_LOCK:
        return _SPECS.setdefault(content_hash, restored)


def new_workflow(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec],
                 time_limit: float) -> BpmnWorkflow:
    """A fresh workflow on the restricted script engine."""
    return BpmnWorkflow(spec, subprocess_specs, script_engine=RestrictedScriptEngine(time_limit))


def dump_state(workflow: BpmnWorkflow) -> state_text.Dumped:
    """The workflow's state without its spec: the top text and each subprocess's (only changes re-serialized)."""
    # The registry switches to "encoder mode" for a dump; that flag is shared, hence the lock.
    with _ENCODER_LOCK:
        REGISTRY._encoder_mode = True
        try:
            return state_text.dump(workflow, SERIALIZER)
        finally:
            REGISTRY._encoder_mode = False


def load_state(top: str, parts: dict[str, str], spec: BpmnProcessSpec,
               subprocess_specs: dict[str, BpmnProcessSpec], time_limit: float) -> BpmnWorkflow:
    """Restore a workflow from its stored texts around its cached spec, on our script engine.

    `top` is the instance row's state; `parts` the texts of its subprocesses by key. A state saved
    whole (before subprocesses were stored apart) carries its subprocesses itself.
    """
    dct: dict[str, Any] = json.loads(top)
    texts = [top]
    apart = "subprocesses" not in dct
    if apart:
        dct["subprocesses"] = {key: json.loads(text) for key, text in parts.items()}
        texts.extend(parts.values())
    dct.pop(state_text.SAVED_KEY, None)
    SERIALIZER.migrate(dct)
    conv = _WORKFLOW_CONVERTER
    _Registry._local.plain = all(set(_TYPENAME.findall(text)) <= STRUCTURAL_TYPENAMES for text in texts)
    try:
        workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
        workflow.tasks = conv.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        conv.set_default_attributes(workflow, dct)
        conv.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = REGISTRY.restore(dct.pop("bpmn_events", []))
    finally:
        _Registry._local.plain = False
    if apart:  # the next save writes only the texts that change
        state_text.remember(workflow, top, parts)
    # Deserialization attaches the library's unrestricted engine: put ours back every time.
    workflow.script_engine = RestrictedScriptEngine(time_limit)
    return workflow
