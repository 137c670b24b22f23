"""API: definition versions, uploading a bundle (admins), its XML and zip, activate and retire, diff."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from engine.definitions import diff, lifecycle, scenarios, validation, versions
from engine.errors import BadRequest, Forbidden, Problem
from web import db, error_texts
from web.api import declare
from web.api.base import bp, json_body, text_field
from web.api.schemas import REASON, body, file_form, list_of, query, ref
from web.api.serialize import definition_item, version_item
from web.callers import current_actor, require_admin
from web.files import bpmn_response, bundle_response, read_upload, upload_options

KEY = {"key": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[A-Za-z_][A-Za-z0-9_.-]*$",
               "description": "the BPMN process id"}}
VERSION_PATH = {**KEY, "version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
PAIR = query({"from": {"type": "integer", "minimum": 0, "maximum": 999_999_999},
              "to": {"type": "integer", "minimum": 0, "maximum": 999_999_999}}, ("from", "to"))
UPLOAD = file_form({"note": {"type": "string", "maxLength": 2000},
                    "draft": {"type": "string", "enum": ["true", "false", "1", "0", "on", "off"], "default": "false"}},
                   many=True)
FINDINGS = {"type": "array", "items": ref("Finding")}
ON_VERSION = {"GetBpmn": {"operationId": "definition_bpmn",
                          "parameters": {"key": "$request.path.key", "version": "$response.body#/version"}},
              "GetBundle": {"operationId": "definition_bundle",
                            "parameters": {"key": "$request.path.key", "version": "$response.body#/version"}}}
LIFE_CONFLICTS = ("definition_retired", "definition_current_retire", "stale")
ADMIN = {403: None}


@declare.route(bp, "/definitions", "GET", summary="Definition versions, newest first per key", tag="definitions",
               responses={200: list_of("Definition")},
               links={200: {"Versions": {"operationId": "definition_versions",
                                         "parameters": {"key": "$response.body#/items/0/key"}}}})
def list_definitions() -> Any:
    """Every version, newest first per key; `latest` marks the current one."""
    rows = versions.list_definitions(db.session())
    return {"items": [definition_item(d, latest) for d, latest in rows], "total": len(rows)}


@declare.route(bp, "/definitions", "POST", summary="Deploy (admin): one .bpmn, several files (repeated `file`) or one "
               ".zip bundle", tag="definitions", admin=True, form=UPLOAD,
               responses={201: ref("Definition"), 200: ref("Definition"), 403: None, 422: ("invalid_definition",)})
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


@declare.route(bp, "/definitions/validate", "POST", summary="Check an upload as a deploy would; nothing is stored "
               "(admin)", tag="definitions", admin=True, form=file_form(many=True), responses={
                   200: {"type": "object", "required": ["errors", "warnings"],
                         "properties": {"errors": FINDINGS, "warnings": FINDINGS}}, 403: None,
                   422: ("invalid_definition",)})
def validate_definition() -> Any:
    """Check an upload as a deploy would: errors (they block a deploy) and warnings; nothing is stored."""
    actor = current_actor()
    if "admin" not in actor.roles:
        raise Forbidden("admins_only")
    bundle = read_upload(request.files.getlist("file"))
    examined = validation.validate_upload(db.session(), bundle, actor)
    return {"errors": findings(examined.errors), "warnings": findings(examined.warnings)}


@declare.route(bp, "/definitions/<key>/versions/<int:version>/test", "POST", summary="Run the bundle's scenario "
               "tests in memory (admin); nothing is stored", tag="definitions", path=VERSION_PATH, responses={
                   200: {"type": "object", "required": ["passed", "failed"], "properties": {
                       "passed": {"type": "integer"},
                       "failed": {"type": "array", "items": {"type": "object", "properties": {
                           "test": {"type": "string"},
                           "step": {"type": "integer", "description": "0 = start, n + 1 = end state"},
                           "code": {"type": "string"}, "params": {"type": "object"},
                           "message": {"type": "string"}}}}}}, **ADMIN})
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


@declare.route(bp, "/definitions/<key>/versions", "GET", summary="Every version of a key with its status and "
               "instances (admin)", tag="definitions", admin=True, path=KEY,
               responses={200: list_of("Version"), **ADMIN},
               links={200: {"GetBpmn": {"operationId": "definition_bpmn", "parameters": {
                   "key": "$request.path.key", "version": "$response.body#/items/0/version"}}}})
def definition_versions(key: str) -> Any:
    """Every version of a key with its status, note and instances running and completed."""
    require_admin()
    rows = lifecycle.list_versions(db.session(), key)
    return {"items": [version_item(info) for info in rows], "total": len(rows)}


@declare.route(bp, "/definitions/<key>/versions/<int:version>/bpmn", "GET", summary="The main XML of a version "
               "(admin)", tag="definitions", admin=True, path=VERSION_PATH,
               responses={200: ("application/xml", {"type": "string"}), **ADMIN})
def definition_bpmn(key: str, version: int) -> Any:
    """The XML of one version (admins only, as on the pages: scripts and conditions are in it)."""
    require_admin()
    return bpmn_response(versions.get_version(db.session(), key, version))


@declare.route(bp, "/definitions/<key>/versions/<int:version>/bundle", "GET", summary="The whole bundle as a zip "
               "(admin)", tag="definitions", admin=True, path=VERSION_PATH,
               responses={200: ("application/zip", {"type": "string", "format": "binary"}), **ADMIN})
def definition_bundle(key: str, version: int) -> Any:
    """The whole bundle of one version as a zip; deploying it again yields the same version."""
    require_admin()
    return bundle_response(versions.get_version(db.session(), key, version))


@declare.route(bp, "/definitions/<key>/versions/<int:version>/activate", "POST", summary="Make a version current "
               "(also the rollback; admin, audited)", tag="definitions", path=VERSION_PATH,
               body=body({"reason": REASON}), body_required=False,
               responses={200: ref("Version"), 409: LIFE_CONFLICTS, **ADMIN}, links={200: ON_VERSION})
def activate_version(key: str, version: int) -> Any:
    """Make a version current (also the rollback); audited with the reason."""
    actor = current_actor()
    reason = text_field(json_body(required=False), "reason", required=False)
    db.transact(lambda s: lifecycle.activate(s, key, version, actor, reason))
    return _version(key, version)


@declare.route(bp, "/definitions/<key>/versions/<int:version>/retire", "POST", summary="Retire a version: no new "
               "starts, running instances go on (admin, audited)", tag="definitions", path=VERSION_PATH,
               body=body({"reason": REASON}), body_required=False,
               responses={200: ref("Version"), 409: LIFE_CONFLICTS, **ADMIN}, links={200: ON_VERSION})
def retire_version(key: str, version: int) -> Any:
    """Stop a version from being started or activated; its running instances go on. Audited."""
    actor = current_actor()
    reason = text_field(json_body(required=False), "reason", required=False)
    db.transact(lambda s: lifecycle.retire(s, key, version, actor, reason))
    return _version(key, version)


@declare.route(bp, "/definitions/<key>/diff", "GET", summary="What changed between two versions (admin)",
               tag="definitions", admin=True, path=KEY, query=PAIR, responses={200: ref("Diff"), **ADMIN})
def definition_diff(key: str) -> Any:
    """What changed between two versions: elements per process, lanes, forms field by field, DMN rules."""
    require_admin()
    old, new = _pair(key)
    return diff.compare(old, new)


@declare.route(bp, "/definitions/<key>/diff.svg", "GET", summary="The `to` diagram with added, changed and "
               "removed elements marked (admin)", tag="definitions", admin=True, path=KEY, query=PAIR,
               responses={200: ("image/svg+xml", {"type": "string"}), **ADMIN})
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
