"""Definitions: immutable, content-addressed bundle versions, deployed only after every check passes."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
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
from engine.definitions import bpmn_xml, bundles, derived, findings, lifecycle, structure
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
    """Every check of a bundle, nothing stored: errors block a deploy, warnings do not."""

    errors: list[Problem]
    warnings: list[Problem] = field(default_factory=list)
    main: str = ""
    key: str | None = None
    root: etree._Element | None = None
    forms: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    specs: Any = None


def examine_bundle(session: Session, bundle: Mapping[str, bytes], *, main: str | None = None) -> Examined:
    """Run every check of a deploy on a bundle and sort the findings into errors and warnings; store nothing."""
    try:
        parsed = _parse_all(bundle)
        main = main or _main_file(parsed)
    except InvalidDefinition as exc:
        return Examined(exc.problems)
    root = parsed[main]
    bounds = scripts.agency_bounds(session)
    problems, forms = lint(root, main, bundle, bounds)
    problems += structure.dangling(root, main)
    key = _root_process_id(root, main, problems)
    deps = _dependencies(root, main, parsed, problems)
    for dep_name, dep_root in deps.items():
        dep_problems, dep_forms = lint(dep_root, dep_name, bundle, bounds)
        problems.extend(dep_problems + structure.dangling(dep_root, dep_name))
        forms.update(dep_forms)
    texts = _texts(bundle, problems)
    if key is not None:
        _refuse_called_only(session, key, main, root, parsed, problems)
    files = {main: root, **deps}
    examined = Examined(problems, findings.warnings(files, forms, bundle), main, key, root, forms, texts)
    if not problems:
        assert key is not None
        try:
            examined.specs = _build_spec(root, main, deps, key)
        except InvalidDefinition as exc:
            examined.errors = findings.located(exc.problems, files)
    return examined


def deploy_bundle(session: Session, bundle: Mapping[str, bytes], actor: Actor, *, main: str | None = None,
                  note: str = "", draft: bool = False) -> DeployResult:
    """Validate and store a bundle as one version; an identical bundle returns the existing version.

    The main file is `main` or the one BPMN file of the bundle whose process no other file calls;
    called processes, decisions and forms are resolved inside the bundle only. A new version becomes
    current at once unless `draft`. Nothing is stored unless every check passes; warnings do not
    block it and come back with the result.
    """
    if not roles.DEPLOY_ROLES & actor.roles:
        raise Forbidden("admins_only")
    examined = examine_bundle(session, bundle, main=main)
    if examined.errors:
        raise InvalidDefinition(examined.errors)
    main, key, root, forms, texts = examined.main, examined.key, examined.root, examined.forms, examined.texts
    assert key is not None and root is not None
    spec, subprocess_specs = examined.specs
    warnings = tuple(examined.warnings)
    digest = bundles.digest(bundle)
    existing = session.scalar(select(Definition).where(Definition.key == key, Definition.hash == digest))
    if existing is not None:
        return DeployResult(existing, created=False, warnings=warnings)
    version = (session.scalar(select(func.max(Definition.version)).where(Definition.key == key)) or 0) + 1
    process = root.find(f"bpmn:process[@id='{key}']", NS)
    if not draft:
        lifecycle.demote_current(session, key)
    definition = Definition(
        key=key, name=(process.get("name") if process is not None else None) or key, version=version,
        hash=digest, filename=main, bpmn=bundle[main], files=texts, forms=forms,
        spec=spiff.dump_spec(spec, subprocess_specs), start_roles=sorted(_start_roles(root, key)),
        deployed_by=actor.username, status="draft" if draft else "current", note=note.strip(),
    )
    session.add(definition)
    session.flush()
    audit.record(session, actor.username, "deploy", data={"definition": key, "version": version,
                                                          "hash": digest, "draft": draft})
    return DeployResult(definition, created=True, warnings=warnings)


def deploy(session: Session, content: bytes, filename: str, actor: Actor, *, processes_dir: Path,
           library: dict[str, bytes] | None = None) -> DeployResult:
    """Deploy one BPMN file with the files it needs from `library` and the forms and instruments of a folder."""
    filename = Path(filename).name or "upload.bpmn"
    files = dict(library or {})
    files[filename] = content
    bundle = {name: files[name] for name in {filename, *_needed(filename, files)}}
    for sub in ("forms", "instruments"):
        if (processes_dir / sub).is_dir():
            bundle.update({f"{sub}/{p.name}": p.read_bytes() for p in sorted((processes_dir / sub).iterdir())
                           if p.suffix == ".json" and p.is_file()})
    return deploy_bundle(session, bundle, actor, main=filename)


def deploy_upload(session: Session, bundle: Mapping[str, bytes], actor: Actor, *, note: str = "",
                  draft: bool = False) -> DeployResult:
    """Deploy an upload: a bundle, or one BPMN file that replaces its main file in the current bundle of its key."""
    whole, main = upload_bundle(session, bundle)
    return deploy_bundle(session, whole, actor, main=main, note=note, draft=draft)


def upload_bundle(session: Session, bundle: Mapping[str, bytes]) -> tuple[Mapping[str, bytes], str | None]:
    """The bundle an upload stands for, and its main file when the upload names it.

    One BPMN file replaces the main file of the current bundle of its key (its forms and called
    processes come from there); anything else is the bundle itself.
    """
    names = list(bundle)
    if len(names) == 1 and names[0].endswith(".bpmn"):
        name = names[0]
        key = _root_key(bundle[name], name)
        current = lifecycle.current_or_none(session, key) if key else None
        if current is not None:
            merged = {path: text.encode("utf-8") for path, text in stored_bundle(current).items()}
            merged.pop(current.filename, None)
            merged[name] = bundle[name]
            return merged, name
    return bundle, None


def deploy_folder(session: Session, folder: Path, actor: Actor) -> list[DeployResult]:
    """Deploy a bundle folder, or every bundle folder inside a folder (`processes/`), in name order."""
    if bundles.is_bundle_folder(folder):
        return [deploy_bundle(session, bundles.from_folder(folder), actor)]
    return [deploy_bundle(session, bundles.from_folder(sub), actor)
            for sub in sorted(folder.iterdir()) if sub.is_dir() and bundles.is_bundle_folder(sub)]


def stored_bundle(definition: Definition) -> dict[str, str]:
    """Every file of a version by bundle path (versions stored before bundles: the BPMN files only)."""
    files = {name: str(text) for name, text in (definition.files or {}).items()}
    if definition.filename not in files:
        files[definition.filename] = definition.bpmn.decode("utf-8")
    return files


def bundle_zip(definition: Definition) -> bytes:
    """A version's bundle as a zip; deploying it again yields the same version."""
    return bundles.to_zip({name: text.encode("utf-8") for name, text in stored_bundle(definition).items()})


def _parse_all(bundle: Mapping[str, bytes]) -> dict[str, etree._Element]:
    """Every BPMN and DMN file of the bundle parsed; all parse errors reported together."""
    parsed: dict[str, etree._Element] = {}
    problems: list[Problem] = []
    for name in sorted(bundle):
        if not name.endswith((".bpmn", ".dmn")):
            continue
        try:
            parsed[name] = bpmn_xml.parse(bundle[name], name)
        except InvalidDefinition as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidDefinition(problems)
    return parsed


def _main_file(parsed: dict[str, etree._Element]) -> str:
    """The one BPMN file of a bundle whose processes are not all called by its other files."""
    called_only = _called_only(parsed)
    mains = [name for name in parsed if name.endswith(".bpmn") and name not in called_only]
    if len(mains) == 1:
        return mains[0]
    if not mains:
        raise InvalidDefinition([Problem("bundle_without_main", params={"files": sorted(parsed)})])
    raise InvalidDefinition([Problem("bundle_several_main", params={"files": mains})])


def _called_only(parsed: dict[str, etree._Element]) -> set[str]:
    """Names of the BPMN files whose every process is the called element of another file."""
    processes: dict[str, set[str]] = {}
    calls: dict[str, set[str]] = {}
    for name, root in parsed.items():
        if name.endswith(".bpmn"):
            processes[name] = {str(p.get("id")) for p in root.iterfind("bpmn:process", NS)}
            calls[name] = {str(c.get("calledElement")) for c in root.iterfind(".//bpmn:callActivity", NS)}
    return {name for name, ids in processes.items()
            if ids and all(any(pid in calls[other] for other in calls if other != name) for pid in ids)}


def _refuse_called_only(session: Session, key: str, main: str, root: etree._Element,
                        parsed: dict[str, etree._Element], problems: list[Problem]) -> None:
    """A process another file of the bundle or another deployed process calls is not startable on its own."""
    callers = [str(p.get("id")) for name, other in parsed.items() if name != main
               for p in other.iterfind("bpmn:process", NS)
               if any(c.get("calledElement") == key for c in p.iterfind(".//bpmn:callActivity", NS))]
    if callers:
        problems.append(Problem("process_called_only", main, root.sourceline, key,
                                {"process": key, "caller": callers[0]}))
        return
    if lifecycle.current_or_none(session, key) is not None:
        return
    pattern = re.compile(rf'calledElement="{re.escape(key)}"')
    for caller in session.scalars(select(Definition).where(Definition.key != key, Definition.status == "current")):
        if any(name.endswith(".bpmn") and pattern.search(str(text)) for name, text in stored_bundle(caller).items()):
            problems.append(Problem("process_called_only", main, root.sourceline, key,
                                    {"process": key, "caller": caller.key}))
            return


def _root_key(content: bytes, filename: str) -> str | None:
    """The process id a single uploaded file would deploy as, if it can be told."""
    try:
        root = bpmn_xml.parse(content, filename)
    except InvalidDefinition:
        return None
    return _root_process_id(root, filename, [])


def _needed(filename: str, files: dict[str, bytes]) -> set[str]:
    """The files of `files` that `filename` calls or decides with, transitively (broken neighbours skipped)."""
    parsed: dict[str, etree._Element] = {}
    for name, content in files.items():
        try:
            parsed[name] = bpmn_xml.parse(content, name)
        except InvalidDefinition:
            continue
    if filename not in parsed:
        return set()
    return set(_dependencies(parsed[filename], filename, parsed, []))


def _texts(bundle: Mapping[str, bytes], problems: list[Problem]) -> dict[str, str]:
    """The bundle's files as text, for storage; a file that is not UTF-8 is a problem."""
    texts: dict[str, str] = {}
    for name in sorted(bundle):
        try:
            texts[name] = bundle[name].decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem("file_not_utf8", name))
    return texts


def latest(session: Session, key: str) -> Definition:
    """The current version of a definition: the one new instances start on."""
    definition = lifecycle.current_or_none(session, key)
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
    """Every version, newest first per key, each with whether it is the current one."""
    rows = list(session.scalars(select(Definition).order_by(Definition.key, Definition.version.desc())))
    return [(row, row.status == "current") for row in rows]


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


def _dependencies(root: etree._Element, filename: str, parsed: dict[str, etree._Element],
                  problems: list[Problem]) -> dict[str, etree._Element]:
    """The bundle files that provide the processes and decisions this file calls, transitively."""
    index: dict[str, str] = {}
    for name, other in parsed.items():
        if name == filename:
            continue
        for element in other.iter(f"{{{NS['bpmn']}}}process", "{*}decision"):
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


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
