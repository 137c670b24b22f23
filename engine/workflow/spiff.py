"""The one place that builds, serializes and restores SpiffWorkflow objects.

Specs are serialized once per definition version and cached per process; an instance's state is
the serializer's output without the spec, so it stays small and loads without re-parsing BPMN.
The serializer is configured here, explicitly and on first use, on a registry of our own: no
library default is replaced.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers import DefaultRegistry
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.definitions import derived
from engine.workflow import state_text
from engine.workflow.scripts import RestrictedScriptEngine

# Typenames the serializer writes for the workflow's own structure; any other typename in a state
# (a datetime in task data, a pending event) means values that need restoring.
STRUCTURAL_TYPENAMES = frozenset({"Task", "BpmnSubWorkflow", "BpmnWorkflow"})
log = logging.getLogger(__name__)
_TYPENAME = re.compile(r'"typename":\s*"([^"\\]*)"')


class _Registry(DefaultRegistry):
    """The library's registry with two modes of its own, set per thread.

    `plain`: restoring walks every nested value of every task's data looking for typed values,
    the largest single cost of loading an instance; when the state's text shows no typed value at
    all, `load_state` switches that walk off. `encoding`: converting leaves task data as it is
    for the JSON encoder to convert typed values (what the library's `serialize_json` does), so
    data is walked once, by the encoder, not twice.
    """

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    def convert(self, obj: Any) -> Any:
        if getattr(self.local, "encoding", False):
            typename = self.typenames.get(obj.__class__)
            if typename in self.convert_to_dict:
                return self.convert_to_dict[typename](obj)
            return self.clean(obj) if isinstance(obj, dict) else obj
        return super().convert(obj)

    def restore(self, val: Any, **kwargs: Any) -> Any:
        typed = isinstance(val, dict) and "typename" in val
        if getattr(self.local, "plain", False) and not typed:
            return val
        if not typed or (isinstance(val["typename"], str) and val["typename"] in STRUCTURAL_TYPENAMES):
            return super().restore(val, **kwargs)
        # Task data is written as it is, so a data dict holding a `typename` key reads back as the
        # type it names; one that is no such value stays a dict, and the instance stays loadable.
        try:
            return super().restore(val, **kwargs)
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError):
            log.warning("task data holds a 'typename' that is no stored value: %r", val.get("typename"))
            return {key: self.restore(value, **kwargs) for key, value in val.items()}


@dataclass(frozen=True)
class Serializer:
    """The configured serializer, its registry, the converter of top workflows and the JSON encoder's default."""

    serializer: BpmnWorkflowSerializer
    registry: _Registry
    workflows: BpmnWorkflowConverter
    default: Callable[[Any], Any]


@functools.cache
def serializer() -> Serializer:
    """The serializer for the Spiff flavour of BPMN, built once on first use."""
    registry = _Registry()
    config = {cls: converter for cls, converter in SPIFF_CONFIG.items() if cls is not BpmnWorkflow}
    BpmnWorkflowSerializer.configure(config, registry=registry)
    # Kept by us (it registers itself) so a workflow can be restored around an already-restored, cached spec.
    workflows = BpmnWorkflowConverter(BpmnWorkflow, registry)
    return Serializer(BpmnWorkflowSerializer(registry), registry, workflows, create_encoder(registry)().default)


def dump_spec(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    """Serialize a process spec and the specs it calls to JSON, once per definition version."""
    registry = serializer().registry
    return json.dumps({
        "spec": registry.convert(spec),
        "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
    }, default=serializer().default)


def specs_for(content_hash: str, spec_json: Callable[[], str]) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """The restored specs of a definition version, kept with it (`engine.definitions.derived`).

    `spec_json` is called only on a miss, so the stored spec is not even read from the database
    once this process has it.
    """
    kept = derived.of(content_hash)
    if kept.specs is None:
        registry = serializer().registry
        dct = json.loads(spec_json())
        kept.specs = (registry.restore(dct["spec"]),
                      {name: registry.restore(s) for name, s in dct["subprocess_specs"].items()})
    return kept.specs


def fresh_specs(spec_json: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """The specs of a definition version restored anew, never shared: for runs that change them (rehearsals)."""
    registry = serializer().registry
    dct = json.loads(spec_json)
    return (registry.restore(dct["spec"]),
            {name: registry.restore(s) for name, s in dct["subprocess_specs"].items()})


def new_workflow(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec],
                 time_limit: float) -> BpmnWorkflow:
    """A fresh workflow on the restricted script engine."""
    return BpmnWorkflow(spec, subprocess_specs, script_engine=RestrictedScriptEngine(time_limit))


def set_time_limit(workflow: BpmnWorkflow, time_limit: float) -> None:
    """Give a kept workflow a script engine with this time limit, unless it has one already."""
    if workflow.script_engine.environment.time_limit != time_limit:
        workflow.script_engine = RestrictedScriptEngine(time_limit)


def dump_state(workflow: BpmnWorkflow) -> state_text.Dumped:
    """The workflow's state without its spec: the top text and each subprocess's (only changes re-serialized)."""
    built = serializer()
    built.registry.local.encoding = True
    try:
        return state_text.dump(workflow, built.serializer, built.default)
    finally:
        built.registry.local.encoding = False


def full_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The library's own serialization of the whole workflow without its specs (what `dump_state` stores)."""
    dct: dict[str, Any] = json.loads(serializer().serializer.serialize_json(workflow))
    for key in ("spec", "subprocess_specs"):
        dct.pop(key)
    return dct


def load_state(top: str, parts: dict[str, str], spec: BpmnProcessSpec,
               subprocess_specs: dict[str, BpmnProcessSpec], time_limit: float) -> BpmnWorkflow:
    """Restore a workflow from its stored texts around its cached spec, on our script engine.

    `top` is the top workflow's text; `parts` the texts of its subprocesses by key.
    """
    built = serializer()
    dct: dict[str, Any] = json.loads(top)
    dct["subprocesses"] = {key: json.loads(text) for key, text in parts.items()}
    built.serializer.migrate(dct)
    conv = built.workflows
    local = built.registry.local
    local.plain = all(set(_TYPENAME.findall(text)) <= STRUCTURAL_TYPENAMES for text in (top, *parts.values()))
    try:
        workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
        workflow.tasks = conv.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        conv.set_default_attributes(workflow, dct)
        conv.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = built.registry.restore(dct.pop("bpmn_events", []))
    finally:
        local.plain = False
    state_text.remember(workflow, top, parts)  # the next save writes only the texts that change
    # Deserialization attaches the library's unrestricted engine: put ours back every time.
    workflow.script_engine = RestrictedScriptEngine(time_limit)
    return workflow
