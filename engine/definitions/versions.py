"""Definitions: immutable, content-addressed BPMN versions, deployed only after every check passes."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.definitions import bpmn_xml, derived, findings, structure
from engine.definitions.bpmn_xml import NS
from engine.definitions.lint import lint
from engine.errors import Forbidden, InvalidDefinition, NotFound, Problem
from engine.models import Definition
from engine.people import roles
from engine.people.users import Actor
from engine.workflow import scripts, spiff

# lxml's XMLSchema object is not documented as thread-safe; deploys are rare, so serialize them.
_VALIDATOR_LOCK = threading.Lock()


@dataclass(frozen=True)
class DeployResult:
    """The definition version a deploy ended on, whether it was new, and the warnings it passed with."""

    definition: Definition
    created: bool
    warnings: tuple[Problem, ...] = ()


@dataclass
class Examined:
    """Every check of an upload, nothing stored: errors block a deploy, warnings do not."""

    errors: list[Problem]
    warnings: list[Problem] = field(default_factory=list)
    key: str | None = None
    root: etree._Element | None = None
    deps: dict[str, etree._Element] = field(default_factory=dict)
    forms: dict[str, Any] = field(default_factory=dict)
    specs: Any = None


def examine(session: Session, content: bytes, filename: str, *, processes_dir: Path,
            library: dict[str, bytes] | None = None) -> Examined:
    """Run every check of a deploy on one BPMN file and the files it calls; store nothing."""
    filename = Path(filename).name or "upload.bpmn"
    try:
        root = bpmn_xml.parse(content, filename)
    except InvalidDefinition as exc:
        return Examined(exc.problems)
    bounds = scripts.agency_bounds(session)
    problems, forms = lint(root, filename, processes_dir / "forms", bounds)
    problems += structure.dangling(root, filename)
    key = _root_process_id(root, filename, problems)
    deps = _dependencies(root, filename, library or {}, problems)
    for dep_name, dep_root in deps.items():
        dep_problems, dep_forms = lint(dep_root, dep_name, processes_dir / "forms", bounds)
        problems.extend(dep_problems + structure.dangling(dep_root, dep_name))
        forms.update(dep_forms)
    files = {filename: root, **deps}
    warnings = findings.without_paths(findings.warnings(files, forms, processes_dir / "forms"), processes_dir)
    examined = Examined(problems, warnings, key, root, deps, forms)
    if not problems:
        assert key is not None
        try:
            examined.specs = _build_spec(root, filename, deps, key)
        except InvalidDefinition as exc:
            examined.errors = findings.located(exc.problems, files)
    examined.errors = findings.without_paths(examined.errors, processes_dir)
    return examined


def deploy(session: Session, content: bytes, filename: str, actor: Actor, *, processes_dir: Path,
           library: dict[str, bytes] | None = None) -> DeployResult:
    """Validate and store one BPMN file; identical content returns the existing version.

    `library` holds other BPMN/DMN files (name -> bytes) that called processes and decisions are
    resolved from; forms are read from `processes_dir/forms`. Nothing is stored unless every
    check passes; warnings do not block it and come back with the result.
    """
    if not roles.DEPLOY_ROLES & actor.roles:
        raise Forbidden("admins_only")
    filename = Path(filename).name or "upload.bpmn"
    examined = examine(session, content, filename, processes_dir=processes_dir, library=library)
    if examined.errors:
        raise InvalidDefinition(examined.errors)
    key, root, deps, forms = examined.key, examined.root, examined.deps, examined.forms
    assert key is not None and root is not None
    spec, subprocess_specs = examined.specs
    files = {name: (library or {})[name].decode("utf-8") for name in sorted(deps)}
    digest = _hash(content, files, forms)
    existing = session.scalar(select(Definition).where(Definition.key == key, Definition.hash == digest))
    if existing is not None:
        return DeployResult(existing, created=False, warnings=tuple(examined.warnings))
    version = (session.scalar(select(func.max(Definition.version)).where(Definition.key == key)) or 0) + 1
    process = root.find(f"bpmn:process[@id='{key}']", NS)
    definition = Definition(
        key=key, name=(process.get("name") if process is not None else None) or key, version=version,
        hash=digest, filename=filename, bpmn=content, files=files, forms=forms,
        spec=spiff.dump_spec(spec, subprocess_specs), start_roles=sorted(_start_roles(root, key)),
        deployed_by=actor.username,
    )
    session.add(definition)
    session.flush()
    audit.record(session, actor.username, "deploy", data={"definition": key, "version": version,
                                                          "hash": digest})
    return DeployResult(definition, created=True, warnings=tuple(examined.warnings))


def deploy_upload(session: Session, content: bytes, filename: str, actor: Actor, *,
                  processes_dir: Path) -> DeployResult:
    """Deploy one uploaded file, resolving its calls and decisions against the processes folder's files."""
    library = files_of(processes_dir) if processes_dir.is_dir() else {}
    return deploy(session, content, filename, actor, processes_dir=processes_dir, library=library)


def files_of(folder: Path) -> dict[str, bytes]:
    """The BPMN and DMN files of a folder by name, in name order."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".bpmn", ".dmn") and p.is_file()}


def deploy_folder(session: Session, folder: Path, actor: Actor) -> list[DeployResult]:
    """Deploy every BPMN file of a folder, resolving calls and decisions among its files.

    A file whose processes are all called by other files of the folder (a per-library track, say)
    is deployed inside its callers' versions, not as a definition people start on their own.
    """
    library = files_of(folder)
    called_by_others = _called_only(library)
    return [deploy(session, content, name, actor, processes_dir=folder, library=library)
            for name, content in library.items() if name.endswith(".bpmn") and name not in called_by_others]


def _called_only(library: dict[str, bytes]) -> set[str]:
    """Names of the BPMN files whose every process is the called element of another file."""
    processes: dict[str, set[str]] = {}
    calls: dict[str, set[str]] = {}
    for name, content in library.items():
        if not name.endswith(".bpmn"):
            continue
        try:
            root = bpmn_xml.parse(content, name)
        except InvalidDefinition:
            continue  # deploy() reports it with file and line
        processes[name] = {str(p.get("id")) for p in root.iterfind("bpmn:process", NS)}
        calls[name] = {str(c.get("calledElement")) for c in root.iterfind(".//bpmn:callActivity", NS)}
    return {name for name, ids in processes.items()
            if ids and all(any(pid in calls[other] for other in calls if other != name) for pid in ids)}


def latest(session: Session, key: str) -> Definition:
    """The newest version of a definition."""
    definition = session.scalar(select(Definition).where(Definition.key == key)
                                .order_by(Definition.version.desc()).limit(1))
    if definition is None:
        raise NotFound("definition_not_found", key=key)
    return definition


def forms_of(definition: Definition) -> dict[str, Any]:
    """A version's form schemas by file name, read from the database once per process.

    Its content hash covers the forms (`engine.definitions.derived`). The mapping is shared: read
    it, never change it.
    """
    kept = derived.of(definition.hash)
    if kept.forms is None:
        kept.forms = dict(definition.forms or {})
    return kept.forms


def get_version(session: Session, key: str, version: int) -> Definition:
    """One version of a definition."""
    definition = session.scalar(select(Definition).where(Definition.key == key, Definition.version == version))
    if definition is None:
        raise NotFound("definition_version_not_found", key=key, version=version)
    return definition


def list_definitions(session: Session) -> list[tuple[Definition, bool]]:
    """Every version, newest first per key, each with whether it is the latest."""
    rows = list(session.scalars(select(Definition).order_by(Definition.key, Definition.version.desc())))
    newest: dict[str, int] = {}
    for row in rows:
        newest.setdefault(row.key, row.version)
    return [(row, newest[row.key] == row.version) for row in rows]


def _root_process_id(root: etree._Element, filename: str, problems: list[Problem]) -> str | None:
    """The one executable process of the file that no other process of the file calls."""
    executable = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
    called = {c.get("calledElement") for c in root.iterfind(".//bpmn:callActivity", NS)}
    roots = [p for p in executable if p.get("id") not in called]
    if len(roots) != 1:
        problems.append(Problem("executable_process_count", filename, root.sourceline,
                                params={"found": len(roots)}))
        return None
    return str(roots[0].get("id"))


def _dependencies(root: etree._Element, filename: str, library: dict[str, bytes],
                  problems: list[Problem]) -> dict[str, etree._Element]:
    """The library files that provide the processes and decisions this file calls, transitively."""
    index: dict[str, str] = {}
    parsed: dict[str, etree._Element] = {}
    for name, content in library.items():
        if name == filename:
            continue
        try:
            parsed[name] = bpmn_xml.parse(content, name)
        except InvalidDefinition:
            continue  # a broken neighbour matters only if it is needed; then it is reported as missing
        for element in parsed[name].iter(f"{{{NS['bpmn']}}}process", "{*}decision"):
            index.setdefault(str(element.get("id")), name)
    needed: dict[str, etree._Element] = {}
    queue = [(filename, root)]
    while queue:
        current_name, current = queue.pop()
        local = {str(p.get("id")) for p in current.iterfind("bpmn:process", NS)}
        wanted = [(c.get("calledElement"), c) for c in current.iterfind(".//bpmn:callActivity", NS)]
        wanted += [(d.text.strip() if d.text else "", d)
                   for d in current.iterfind(".//spiffworkflow:calledDecisionId", NS)]
        for target, element in wanted:
            if not target or target in local:
                continue
            source = index.get(target)
            if source is None:
                problems.append(Problem("called_element_missing", current_name, element.sourceline,
                                        _owner_id(element), {"target": target}))
            elif source not in needed:
                needed[source] = parsed[source]
                queue.append((source, parsed[source]))
    return needed


def _owner_id(element: etree._Element) -> str | None:
    """The id of the element itself or of its nearest ancestor that has one."""
    for candidate in (element, *element.iterancestors()):
        if candidate.get("id"):
            return str(candidate.get("id"))
    return None


def _build_spec(root: etree._Element, filename: str, deps: dict[str, etree._Element], key: str) -> Any:
    """XSD-validate and parse with SpiffWorkflow; its errors become Problems with file and line."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        with _VALIDATOR_LOCK:
            parser.add_bpmn_xml(root, filename=filename)
            for name, dep in deps.items():
                if name.endswith(".dmn"):
                    parser.add_dmn_xml(dep, filename=name)
                else:
                    parser.add_bpmn_xml(dep, filename=name)
        return parser.get_spec(key), parser.get_subprocess_specs(key)
    except ValidationException as exc:
        raise InvalidDefinition([Problem("spec_invalid", exc.file_name or filename, _int(exc.line_number),
                                         getattr(exc, "id", None) or None,
                                         {"detail": str(exc.args[0]) if exc.args else str(exc)})]) from exc
    except SpiffWorkflowException as exc:
        raise InvalidDefinition([Problem("spec_invalid", filename, params={"detail": str(exc)})]) from exc


def _start_roles(root: etree._Element, key: str) -> set[str]:
    """Roles of the lane holding the process's start event (a lane-less start: supervisors)."""
    process = root.find(f"bpmn:process[@id='{key}']", NS)
    start = process.find("bpmn:startEvent", NS) if process is not None else None
    if start is None or process is None:
        return set(roles.SUPERVISOR_ROLES)
    for lane in process.iterfind(".//bpmn:lane", NS):
        if any((ref.text or "").strip() == start.get("id") for ref in lane.iterfind("bpmn:flowNodeRef", NS)):
            return set(roles.roles_for_lane(lane.get("name")))
    return set(roles.SUPERVISOR_ROLES)


def _hash(content: bytes, files: dict[str, str], forms: dict[str, Any]) -> str:
    digest = hashlib.sha256(content)
    for name, text in sorted(files.items()):
        digest.update(b"\0" + name.encode() + b"\0" + text.encode())
    digest.update(b"\0forms\0" + json.dumps(forms, sort_keys=True).encode())
    return digest.hexdigest()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
