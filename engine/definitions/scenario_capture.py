"""A scenario test written from an instance's path, checked by running it on the instance's version.

The audit trail holds the path: the start data, each completion with the data submitted for it
(the registry facts the engine copied beside library ids go back to the scenario's `registry`),
and each timer that fell due (`timer_fired`). The track a step worked on and the documents it
made come from the instance; what each step left READY comes from running the scenario on the
version. The end data are the values the workflow computed (not what people submitted). A
scenario that does not lead the version through the same steps to the same end is refused; a
good one goes into a new draft version of the bundle as `tests/<name>.json`, or back to the caller.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import scenarios, versions
from engine.documents.documents import Document
from engine.errors import BadRequest, Conflict, Forbidden, NotFound, TooLarge, ValidationFailed, field_error
from engine.libraries import registry
from engine.models import AuditEvent, Definition, Instance, InstanceStatus, Task, TaskStatus
from engine.people import roles
from engine.people.users import Actor
from engine.workflow import rehearsal, runtime, steps
from engine.workflow.runtime import Limits

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
MODES = ("draft", "download")
# A cancelled instance or one stopped by an incident has no end a scenario could expect.
CAPTURABLE = (InstanceStatus.COMPLETED, InstanceStatus.RUNNING, InstanceStatus.SUSPENDED)
MAX_TITLE = 300
MAX_END_PATHS, MAX_PATHS_PER_KEY, MAX_DEPTH = 30, 10, 4


@dataclass(frozen=True)
class Captured:
    """A scenario written from an instance: its bundle path, its content, and the draft version it went into."""

    path: str
    scenario: dict[str, Any]
    text: str
    draft: Definition | None = None


def check_name(name: str) -> str:
    """The bundle path `tests/<name>.json` of a scenario name (`.json` may be given); a bad name is refused (422)."""
    stem = (name or "").strip().removesuffix(".json")
    if not NAME.fullmatch(stem):
        shown = (name or "")[:100]
        raise ValidationFailed("scenario_name_invalid", name=shown,
                               details=[field_error("name", "scenario_name_invalid", name=shown)])
    return f"tests/{stem}.json"


def save(session: Session, instance_id: int, actor: Actor, name: str, *, limits: Limits, mode: str = "draft",
         note: str = "", title: str = "") -> Captured:
    """Write the scenario of an instance (admins only) and keep it as a new draft version, or only return it.

    The draft is the instance's version with `tests/<name>.json` added; `note` is its change note
    and the scenario's description, `title` the scenario's name (the instance's title when empty).
    """
    if not roles.DEPLOY_ROLES & actor.roles:
        raise Forbidden("admins_only")
    if mode not in MODES:
        raise BadRequest("scenario_mode_invalid", value=str(mode)[:40])
    path = check_name(name)
    instance, definition = _instance(session, instance_id)
    bundle = {p: text.encode("utf-8") for p, text in versions.stored_bundle(definition).items()}
    if mode == "draft" and path in bundle:
        raise Conflict("scenario_name_taken", name=path.removeprefix("tests/"), version=definition.version)
    scenario = capture(session, instance, definition, limits, title=title, note=note)
    text = json.dumps(scenario, ensure_ascii=False, indent=2) + "\n"
    if len(text.encode("utf-8")) > scenarios.MAX_FILE_BYTES:
        raise TooLarge("scenario_too_large", limit_kb=scenarios.MAX_FILE_BYTES // 1024)
    if mode == "download":
        return Captured(path, scenario, text)
    bundle[path] = text.encode("utf-8")
    result = versions.deploy_bundle(session, bundle, actor, main=definition.filename, note=note.strip(), draft=True)
    return Captured(path, scenario, text, result.definition)


def _instance(session: Session, instance_id: int) -> tuple[Instance, Definition]:
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound("instance_not_found", id=instance_id)
    if instance.status not in CAPTURABLE:
        raise Conflict("scenario_instance_unfit", status=InstanceStatus(instance.status).value)
    return instance, runtime.get_definition(session, instance.definition_id)


def capture(session: Session, instance: Instance, definition: Definition, limits: Limits, *, title: str = "",
            note: str = "") -> dict[str, Any]:
    """The scenario of an instance's path on its version, run there twice (to learn, then to check), or Conflict."""
    stage = scenarios.stage(definition)
    with runtime.reading(session, instance) as workflow:
        path = _path(session, instance, stage, workflow)
        final = steps.current_data(workflow)
    scenario: dict[str, Any] = {"name": (title or "").strip()[:MAX_TITLE] or instance.title,
                                **({"description": note.strip()} if note.strip() else {}),
                                "process": definition.key, "start": path.start}
    if path.facts:
        scenario["registry"] = path.facts
    status = "completed" if instance.status == InstanceStatus.COMPLETED else "running"
    scenario.update(steps=path.steps, end={"status": status})
    trace = rehearsal.Trace()
    _refuse_failure(stage.run(scenario, limits, trace), definition)
    for step, ready in zip(path.steps, trace.ready[1:], strict=True):
        step["next"] = ready
    if status == "running":
        open_rows = sorted(session.scalars(select(Task.name).where(Task.instance_id == instance.id,
                                                                   Task.status == TaskStatus.OPEN)))
        if open_rows != trace.ready[-1]:
            _refuse(definition, len(path.steps) + 1, "scenario_open_tasks_differ", expected=open_rows,
                    actual=trace.ready[-1])
    scenario["end"]["data"] = end_paths(final, path.submitted)
    _refuse_failure(stage.run(scenario, limits), definition)
    return scenario


@dataclass
class _Path:
    start: dict[str, Any]
    steps: list[dict[str, Any]]
    facts: dict[str, Any]
    submitted: set[str]  # every key people (or the system, at start) sent, at any level


def _path(session: Session, instance: Instance, stage: scenarios.Stage, workflow: BpmnWorkflow) -> _Path:
    """The start data and the steps of the audit trail, oldest first, with each track and its documents."""
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id)
                                  .order_by(AuditEvent.id)))
    made: dict[str, list[str]] = {}
    for task_id, kind in session.execute(select(Document.task_id, Document.kind)
                                         .where(Document.instance_id == instance.id).order_by(Document.id)):
        made.setdefault(str(task_id), []).append(kind)
    forms = {row.id: row.form for row in session.scalars(select(Task).where(Task.instance_id == instance.id))}
    found = _Path({}, [], {}, set())
    for event in events:
        if event.action == "start":
            schema = stage.form_schemas.get(stage.start_form or "")
            _names(event.data or {}, found.submitted)
            found.start = _submitted(found, schema, _without_read_only(schema, event.data or {}))
        elif event.action == "complete" and event.task_name:
            task = runtime.find_task(workflow, event.task_id or "")
            step: dict[str, Any] = {"task": event.task_name}
            item = steps.item_marker(task) if task is not None else None
            if item:
                step["item"] = item
            step["data"] = _submitted(found, stage.form_schemas.get(forms.get(event.task_id or "") or ""),
                                      event.data or {})
            on_open = set(runtime.properties(task).get("documentsOnOpen", "").replace(" ", "").split(",")) \
                if task is not None else set()
            kinds = [kind for kind in made.get(event.task_id or "", []) if kind not in on_open]
            if kinds:
                step["documents"] = kinds
            found.steps.append(step)
        elif event.action == "timer_fired" and event.task_name:
            timer: dict[str, Any] = {"timer": event.task_name}
            if isinstance(event.data, dict) and isinstance(event.data.get("item"), dict) and event.data["item"]:
                timer["item"] = event.data["item"]
            found.steps.append(timer)
    return found


def _submitted(found: _Path, schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """Data as the person submitted it: registry facts go to the scenario's registry, top-level keys are noted."""
    plain, facts = registry.split_facts(schema, steps.plain(data))
    for library, values in facts.items():
        entry = found.facts.setdefault(library, {})
        for key, value in values.items():
            entry.setdefault(key, value)
    _names(data, found.submitted)
    return plain


def _names(value: Any, names: set[str]) -> None:
    """Collect every object key inside a value."""
    if isinstance(value, dict):
        for key, inner in value.items():
            names.add(str(key))
            _names(inner, names)
    elif isinstance(value, list):
        for inner in value:
            _names(inner, names)


def _without_read_only(schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """Start data without the read-only values the system assigned (a complaint's reference)."""
    declared = (schema or {}).get("properties") or {}
    return {k: v for k, v in data.items() if not (isinstance(declared.get(k), dict) and declared[k].get("readOnly"))}


def end_paths(data: dict[str, Any], submitted: set[str]) -> dict[str, Any]:
    """A few dotted paths into the final data with their values: what the workflow computed, not what was sent.

    A path ends in a key nobody submitted (a score, a readiness, a count) or in `library`, which
    says whose result it is; the registry's facts are in the scenario's `registry` already.
    """
    found: dict[str, Any] = {}
    skipped = (submitted | set(registry.FACT_KEYS)) - {"library"}
    for key in sorted(data):
        if key in submitted or "." in key or key == "data_objects":
            continue
        leaves: list[tuple[str, Any]] = []
        _leaves(data[key], key, 0, leaves, skipped)
        for path, value in sorted(leaves, key=lambda leaf: (leaf[0].count("."), leaf[0]))[:MAX_PATHS_PER_KEY]:
            found[path] = value
    return dict(sorted(found.items())[:MAX_END_PATHS])


def _leaves(value: Any, path: str, depth: int, out: list[tuple[str, Any]], skipped: set[str]) -> None:
    if isinstance(value, dict):
        if depth < MAX_DEPTH:
            for key, inner in value.items():
                if isinstance(key, str) and "." not in key and key not in skipped:
                    _leaves(inner, f"{path}.{key}", depth + 1, out, skipped)
    elif isinstance(value, list):
        if depth < MAX_DEPTH:
            for index, inner in enumerate(value):
                _leaves(inner, f"{path}.{index}", depth + 1, out, skipped)
    elif value is None or isinstance(value, str | int | float | bool):
        out.append((path, value))


def _refuse_failure(failure: rehearsal.Failure | None, definition: Definition) -> None:
    if failure is not None:
        _refuse(definition, failure.step, failure.code, **failure.params)


def _refuse(definition: Definition, step: int, code: str, **params: Any) -> None:
    """Refuse a scenario that does not retrace the instance's path: where it parted (a detail) and why."""
    raise Conflict("scenario_not_reproduced", version=definition.version, step=step,
                   details=[{"path": f"steps.{step}", "code": code, "params": params}])
