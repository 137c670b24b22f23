"""Scenario tests of a definition version: the JSON format, where the files are, and running them.

A scenario is one JSON file of a bundle (`tests/<name>.json`, format in processes/README.md) naming
its process, the start data, the data each task is completed with, and what must follow. The
scenarios stored with a version run in memory on its stored spec and forms
(`engine.workflow.rehearsal`); nothing is stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session

from engine.definitions import elements, versions
from engine.errors import Forbidden
from engine.models import Definition
from engine.people import roles
from engine.people.users import Actor
from engine.workflow import rehearsal, spiff
from engine.workflow.rehearsal import Failure
from engine.workflow.runtime import Limits

MAX_FILE_BYTES = 1024 * 1024
_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}}
FORMAT: dict[str, Any] = {
    "type": "object",
    "required": ["name", "process", "steps"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "process": {"type": "string", "minLength": 1},
        "start": {"type": "object"},
        "registry": {"type": "object", "additionalProperties": {"type": "object"}},
        "steps": {"type": "array", "items": {
            "type": "object",
            "oneOf": [{"required": ["task"], "not": {"required": ["timer"]}},
                      {"required": ["timer"], "not": {"anyOf": [{"required": ["task"]}, {"required": ["data"]}]}}],
            "additionalProperties": False,
            "properties": {
                "task": {"type": "string", "minLength": 1},
                "timer": {"type": "string", "minLength": 1},
                "item": {"type": "object", "minProperties": 1},
                "data": {"type": "object"},
                "next": _NAMES,
                "documents": _NAMES,
            },
        }},
        "end": {"type": "object", "additionalProperties": False, "properties": {
            "status": {"enum": ["completed", "running"]},
            "data": {"type": "object"},
        }},
    },
}
_VALIDATOR = Draft202012Validator(FORMAT)


@dataclass(frozen=True)
class Stage:
    """What the scenarios of one version run on: its specs (timers waiting for a step), forms and start form."""

    specs: tuple[Any, dict[str, Any]]
    form_schemas: dict[str, Any]
    start_form: str | None

    def run(self, scenario: dict[str, Any], limits: Limits, trace: rehearsal.Trace | None = None) -> Failure | None:
        """Play one scenario on this version; None when it passes."""
        return rehearsal.run(scenario, self.specs, self.form_schemas, self.start_form, limits, trace)


def stage(definition: Definition) -> Stage:
    """The stage of one definition version, its specs restored afresh (they are changed for the run)."""
    start = elements.elements(definition).get(f"start:{definition.key}")
    return Stage(rehearsal.frozen_clock(spiff.fresh_specs(definition.spec)), versions.forms_of(definition),
                 start.form if start else None)


@dataclass(frozen=True)
class Outcome:
    """How a version's scenarios went: the number passed and where each other one stopped."""

    passed: int
    failed: list[Failure] = field(default_factory=list)


def load(files: Mapping[str, str], key: str) -> tuple[list[dict[str, Any]], list[Failure]]:
    """The scenarios of process `key` among a bundle's `tests/*.json` (path order), and a failure per unreadable one."""
    found: list[dict[str, Any]] = []
    broken: list[Failure] = []
    for path in sorted(p for p in files if p.startswith("tests/") and p.endswith(".json")):
        name = path.removeprefix("tests/")
        try:
            if len(files[path]) > MAX_FILE_BYTES:
                raise ValueError(f"lebih dari {MAX_FILE_BYTES} byte")
            scenario = json.loads(files[path])
        except ValueError as exc:
            broken.append(Failure(name, 0, "scenario_file_invalid", {"detail": str(exc)}))
            continue
        errors = sorted(_VALIDATOR.iter_errors(scenario), key=lambda e: list(e.absolute_path))
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "-"
            broken.append(Failure(name, 0, "scenario_file_invalid", {"detail": f"{where}: {errors[0].message}"}))
        elif scenario["process"] == key:
            found.append(scenario)
    return found, broken


def run_tests(session: Session, key: str, version: int, actor: Actor, *, limits: Limits) -> Outcome:
    """Run the scenarios stored with one version against it (admins only); nothing is stored."""
    if not roles.DEPLOY_ROLES & actor.roles:
        raise Forbidden("admins_only")
    definition = versions.get_version(session, key, version)
    scenarios, failed = load(versions.stored_bundle(definition), key)
    if not scenarios:
        return Outcome(0, failed)
    where = stage(definition)
    passed = 0
    for scenario in scenarios:
        failure = where.run(scenario, limits)
        if failure is None:
            passed += 1
        else:
            failed.append(failure)
    return Outcome(passed, failed)
