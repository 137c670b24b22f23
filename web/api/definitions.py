"""API: definition versions, uploading a bundle (admins), its XML and zip, activate and retire, diff."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from engine.definitions import diff, lifecycle, scenarios, validation, versions
from engine.errors import BadRequest, Forbidden, Problem
from web import db, error_texts
from web.api.base import bp, json_body, text_field
from web.api.serialize import definition_item, version_item
from web.callers import current_actor, require_admin
from web.files import bpmn_response, bundle_response, read_upload, upload_options


@bp.get("/definitions")
def list_definitions() -> Any:
    """Every version, newest first per key; `latest` marks the current one."""
    rows = versions.list_definitions(db.session())
    return {"items": [definition_item(d, latest) for d, latest in rows], "total": len(rows)}


@bp.post("/definitions")
def upload_definition() -> Any:
    """Deploy an upload (one `.bpmn`, several files or a `.zip` bundle): 201 new, 200 identical to a version."""
    actor = current_actor()
    if "admin" not in actor.roles:
        raise Forbidden("admins_only")
    bundle = read_upload(request.files.getlist("file"))
    note, draft = upload_options()

    def work(session: Any) -> tuple[dict[str, Any], bool]:
        result = versions.deploy_upload(session, bundle, actor, note=note, draft=draft)
        item = definition_item(result.definition, result.definition.status == lifecycle.CURRENT)
        item["offer_activate"] = not result.created and result.definition.status == lifecycle.AVAILABLE
        item["warnings"] = findings(result.warnings)
        return item, result.created

    item, created = db.transact(work)
    return item, 201 if created else 200


@bp.post("/definitions/validate")
def validate_definition() -> Any:
    """Check an upload as a deploy would: errors (they block a deploy) and warnings; nothing is stored."""
    actor = current_actor()
    if "admin" not in actor.roles:
        raise Forbidden("admins_only")
    bundle = read_upload(request.files.getlist("file"))
    examined = validation.validate_upload(db.session(), bundle, actor)
    return {"errors": findings(examined.errors), "warnings": findings(examined.warnings)}


@bp.post("/definitions/<key>/versions/<int:version>/test")
def test_definition(key: str, version: int) -> Any:
    """Run the scenario tests of a version's bundle in memory (admins); nothing is stored."""
    outcome = scenarios.run_tests(db.session(), key, version, current_actor(), limits=db.limits())
    return {"passed": outcome.passed, "failed": [
        {"test": f.test, "step": f.step, "code": f.code, "params": f.params,
         "message": error_texts.text(f.code, f.params)} for f in outcome.failed]}


def findings(problems: Any) -> list[dict[str, Any]]:
    """Problems as `{"file", "line", "element", "code", "message"}` (and the message's params)."""
    return [{"file": p.file, "line": p.line, "element": p.element, "code": p.code, "params": p.params,
             "message": error_texts.text(p.code, p.params)} for p in problems if isinstance(p, Problem)]


@bp.get("/definitions/<key>/versions")
def definition_versions(key: str) -> Any:
    """Every version of a key with its status, note and instances running and completed."""
    require_admin()
    rows = lifecycle.list_versions(db.session(), key)
    return {"items": [version_item(info) for info in rows], "total": len(rows)}


@bp.get("/definitions/<key>/versions/<int:version>/bpmn")
def definition_bpmn(key: str, version: int) -> Any:
    """The XML of one version (admins only, as on the pages: scripts and conditions are in it)."""
    require_admin()
    return bpmn_response(versions.get_version(db.session(), key, version))


@bp.get("/definitions/<key>/versions/<int:version>/bundle")
def definition_bundle(key: str, version: int) -> Any:
    """The whole bundle of one version as a zip; deploying it again yields the same version."""
    require_admin()
    return bundle_response(versions.get_version(db.session(), key, version))


@bp.post("/definitions/<key>/versions/<int:version>/activate")
def activate_version(key: str, version: int) -> Any:
    """Make a version current (also the rollback); audited with the reason."""
    actor = current_actor()
    reason = text_field(json_body(required=False), "reason", required=False)
    db.transact(lambda s: lifecycle.activate(s, key, version, actor, reason))
    return _version(key, version)


@bp.post("/definitions/<key>/versions/<int:version>/retire")
def retire_version(key: str, version: int) -> Any:
    """Stop a version from being started or activated; its running instances go on. Audited."""
    actor = current_actor()
    reason = text_field(json_body(required=False), "reason", required=False)
    db.transact(lambda s: lifecycle.retire(s, key, version, actor, reason))
    return _version(key, version)


@bp.get("/definitions/<key>/diff")
def definition_diff(key: str) -> Any:
    """What changed between two versions: elements per process, lanes, forms field by field, DMN rules."""
    require_admin()
    old, new = _pair(key)
    return diff.compare(old, new)


@bp.get("/definitions/<key>/diff.svg")
def definition_diff_svg(key: str) -> Any:
    """The `to` diagram with added, changed and removed elements marked, and a legend."""
    require_admin()
    old, new = _pair(key)
    return Response(diff.svg(old, new), mimetype="image/svg+xml")


def _pair(key: str) -> tuple[Any, Any]:
    session = db.session()
    numbers = [request.args.get(name, "") for name in ("from", "to")]
    if not all(n.isdigit() for n in numbers):
        raise BadRequest("diff_versions_required")
    return versions.get_version(session, key, int(numbers[0])), versions.get_version(session, key, int(numbers[1]))


def _version(key: str, version: int) -> dict[str, Any]:
    info = next(i for i in lifecycle.list_versions(db.session(), key) if i.definition.version == version)
    return version_item(info)
