"""Run the process models of processes/ in memory (SpiffWorkflow only, no database) for the tests."""

from __future__ import annotations

import builtins
import copy
import csv
import json
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.libraries import instrument_forms, instruments
from engine.workflow import scripts

PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"
# One bundle folder per startable process; the SOP's holds its called tracks, DMN and instruments.
SOP_DIR = PROCESSES_DIR / "kitapun_senapas"
BUNDLE_DIRS = (SOP_DIR, PROCESSES_DIR / "pengaduan")
FORMS_DIR = SOP_DIR / "forms"
LIBRARIES_CSV = PROCESSES_DIR / "demo" / "libraries.csv"
INSTRUMENT_ID = "akreditasi-sekolah-2018"
BPMN_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}

# Multi-instance item variables whose `library` tells the parallel tracks apart.
ITEM_VARIABLES = ("kunjungan", "binaan")
# The builtins our BPMN expressions may use: a subset of the engine's allow-list (engine/workflow/scripts.py),
# so a script that needs anything else fails here first.
SCRIPT_BUILTINS = {name: getattr(builtins, name) for name in (
    "len", "dict", "list", "str", "int", "float", "bool", "min", "max", "round", "sorted", "sum", "any", "all")}


def parse(process_id: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Parse `<process_id>.bpmn` of its bundle folder with XSD validation, the files of the processes it calls
    and every DMN file of the bundles (the called processes come back among the subprocess specs)."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for dmn in sorted(p for folder in BUNDLE_DIRS for p in folder.glob("*.dmn")):
        parser.add_dmn_file(str(dmn))
    for path in bpmn_files(process_id):
        parser.add_bpmn_file(str(path))
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


def bpmn_files(process_id: str) -> list[Path]:
    """`processes/<process_id>.bpmn` and, transitively, the files of the processes its call activities call."""
    owners = {str(p.get("id")): path for path in all_bpmn()
              for p in etree.parse(str(path)).getroot().iterfind("bpmn:process", BPMN_NS)}
    files = [bpmn_path(process_id)]
    for path in files:
        for call in etree.parse(str(path)).getroot().iterfind(".//bpmn:callActivity", BPMN_NS):
            called = owners.get(str(call.get("calledElement")))
            assert called is not None, f"{path.name}: no file of processes/ defines {call.get('calledElement')}"
            if called not in files:
                files.append(called)
    return files


def all_bpmn() -> list[Path]:
    """Every BPMN file of every bundle folder."""
    return sorted((p for folder in BUNDLE_DIRS for p in folder.glob("*.bpmn")), key=lambda p: p.name)


def bpmn_path(process_id: str) -> Path:
    """The file `<process_id>.bpmn` in whichever bundle folder holds it."""
    return next(p for p in all_bpmn() if p.stem == process_id)


def all_forms() -> list[Path]:
    """Every form and UI-schema file of every bundle folder."""
    return sorted((p for folder in BUNDLE_DIRS for p in (folder / "forms").glob("*.json")), key=lambda p: p.name)


def form_path(filename: str) -> Path:
    """A form file in whichever bundle folder holds it (a missing one: where the SOP's would be)."""
    return next((p for p in all_forms() if p.name == filename), FORMS_DIR / filename)


def script_engine() -> PythonScriptEngine:
    """A script engine with the globals the engine provides to BPMN scripts, timers and DMN."""
    return PythonScriptEngine(environment=TaskDataEnvironment({
        "__builtins__": SCRIPT_BUILTINS,
        "datetime": datetime,
        "timedelta": timedelta,
        "date": date,
        "monev_score": instruments.monev_score,
        "instrument_for": instruments.instrument_for,
        "agency_setting": scripts.helpers()["agency_setting"],
    }))


@cache
def _form_json(filename: str) -> str:
    path = form_path(filename)
    raw = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps(instrument_forms.expand_schema(raw, path.parent.parent))


def load_form(filename: str) -> dict[str, Any]:
    """A form schema as the engine deploys it: instrument references expanded."""
    loaded: dict[str, Any] = json.loads(_form_json(filename))
    return loaded


def form_errors(filename: str, data: dict[str, Any], instrument: str | None = None) -> list[str]:
    """Every JSON Schema error of `data` against a form (with the instrument chosen for it), formats included."""
    schema = load_form(filename)
    if instrument_forms.variants(schema):
        schema = instrument_forms.variant(schema, str(instrument))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'.'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def properties(task: Task) -> dict[str, str]:
    """The `spiffworkflow:properties` of a task's spec."""
    return dict((getattr(task.task_spec, "extensions", None) or {}).get("properties", {}))


@cache
def _registry() -> dict[int, dict[str, str]]:
    with LIBRARIES_CSV.open(encoding="utf-8", newline="") as fh:
        return {int(row["id"]): row for row in csv.DictReader(fh)}


def registry_entry(library_id: int) -> dict[str, Any]:
    """What the engine adds to a schedule entry when it resolves a library id against the registry."""
    row = _registry()[library_id]
    return {"library_name": row["name"], "npp": row["npp"], "library_type": row["library_type"],
            "subtype": row["subtype"], "institution": row["institution"], "supervisor": row["supervisor"],
            "address": row["address"], "desa": row["desa"], "kecamatan": row["kecamatan"]}


def answers(letters: dict[str, str], default: str = "a", library: int | None = None) -> dict[str, dict[str, str]]:
    """Instrument answers: `letters` maps indicator ids to a–e, every other indicator gets `default`.

    With a demo `library`, the answers fit the instrument its type gets; without, the school one.
    """
    instrument = instrument_of(library) if library is not None else instruments.load(INSTRUMENT_ID, SOP_DIR)
    return {c.key: {i.id: letters.get(i.id, default) for i in c.indicators} for c in instrument.components}


def instrument_of(library: int) -> instruments.Instrument:
    """The instrument the SOP bundle gives a demo library (by its type and sub-type)."""
    row = _registry()[library]
    return instruments.choose(instruments.typed(SOP_DIR), row["library_type"], row["subtype"])


class ProcessRun:
    """One workflow in memory, advanced the way the engine does: complete a READY user task, then steps."""

    def __init__(self, process_id: str, start_data: dict[str, Any] | None = None) -> None:
        spec, subprocess_specs = parse(process_id)
        self.workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine())
        if start_data:
            self.workflow.task_tree.data.update(copy.deepcopy(start_data))
            for task in self.workflow.task_tree.children:
                task.data.update(copy.deepcopy(start_data))
        self.workflow.do_engine_steps()

    def ready(self, spec_name: str | None = None, library: int | None = None) -> list[Task]:
        """READY user tasks, optionally of one spec and of one library's track."""
        tasks = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        if spec_name is not None:
            tasks = [t for t in tasks if t.task_spec.name == spec_name]
        if library is not None:
            tasks = [t for t in tasks if library_of(t) == library]
        return tasks

    def ready_names(self) -> list[str]:
        """Spec names of the READY user tasks, sorted, one entry per task."""
        return sorted(t.task_spec.name for t in self.ready())

    def complete(self, spec_name: str, data: dict[str, Any], *, library: int | None = None,
                 resolved: dict[str, Any] | None = None) -> Task:
        """Complete the one READY user task `spec_name` (of `library`'s track) with form data.

        The data must pass the task's form schema; `resolved` is merged after validation, the way the
        engine adds registry details (library names) to a submission.
        """
        matches = self.ready(spec_name, library)
        assert len(matches) == 1, f"{spec_name} (library {library}) not READY once; READY: {self.ready_names()}"
        task = matches[0]
        errors = form_errors(properties(task)["formJsonSchemaFilename"], data, task.data.get("instrumen"))
        assert not errors, errors
        task.data.update(copy.deepcopy(data))
        if resolved:
            task.data.update(copy.deepcopy(resolved))
        task.run()
        self.workflow.do_engine_steps()
        return task

    def unfinished(self) -> list[Task]:
        """Tasks not finished (a completed workflow must have none)."""
        return self.workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK)


def library_of(task: Task) -> int | None:
    """The library id of the multi-instance item a task works on, if any."""
    for name in ITEM_VARIABLES:
        item = task.data.get(name)
        if isinstance(item, dict) and "library" in item:
            return int(item["library"])
    return None
