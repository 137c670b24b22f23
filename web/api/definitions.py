"""API: definition versions, uploading a new one (admins), and the stored XML."""

from __future__ import annotations

from typing import Any

from flask import request

from engine.definitions import scenarios, validation, versions
from engine.errors import Forbidden, Problem
from web import db, error_texts
from web.api.base import bp
from web.api.serialize import definition_item
from web.callers import current_actor, require_admin
from web.files import bpmn_response, read_upload


@bp.get("/definitions")
def list_definitions() -> Any:
    """Every version, newest first per key."""
    rows = versions.list_definitions(db.session())
    return {"items": [definition_item(d, latest) for d, latest in rows], "total": len(rows)}


@bp.post("/definitions")
def upload_definition() -> Any:
    """Deploy a `.bpmn` upload: 201 for a new version, 200 when the bytes match an existing one."""
    actor = current_actor()
    if "admin" not in actor.roles:
        raise Forbidden("admins_only")
    content, filename = read_upload(request.files.get("file"))

    def work(session: Any) -> tuple[dict[str, Any], bool]:
        result = versions.deploy_upload(session, content, filename, actor,
                                        processes_dir=db.state().settings.processes_dir)
        return {**definition_item(result.definition, True), "warnings": findings(result.warnings)}, result.created

    item, created = db.transact(work)
    return item, 201 if created else 200


@bp.post("/definitions/validate")
def validate_definition() -> Any:
    """Check an upload as a deploy would: errors (they block a deploy) and warnings; nothing is stored."""
    actor = current_actor()
    if "admin" not in actor.roles:
        raise Forbidden("admins_only")
    content, filename = read_upload(request.files.get("file"))
    examined = validation.validate_upload(db.session(), content, filename, actor,
                                          processes_dir=db.state().settings.processes_dir)
    return {"errors": findings(examined.errors), "warnings": findings(examined.warnings)}


@bp.post("/definitions/<key>/versions/<int:version>/test")
def test_definition(key: str, version: int) -> Any:
    """Run the process's scenario tests in memory against one version (admins); nothing is stored."""
    outcome = scenarios.run_tests(db.session(), key, version, current_actor(), folder=scenario_folder(),
                                  limits=db.limits())
    return {"passed": outcome.passed, "failed": [
        {"test": f.test, "step": f.step, "code": f.code, "params": f.params,
         "message": error_texts.text(f.code, f.params)} for f in outcome.failed]}


def scenario_folder() -> Any:
    """Where the scenario files are: the processes folder's `tests/`."""
    return db.state().settings.processes_dir / "tests"


def findings(problems: Any) -> list[dict[str, Any]]:
    """Problems as `{"file", "line", "element", "code", "message"}` (and the message's params)."""
    return [{"file": p.file, "line": p.line, "element": p.element, "code": p.code, "params": p.params,
             "message": error_texts.text(p.code, p.params)} for p in problems if isinstance(p, Problem)]


@bp.get("/definitions/<key>/versions/<int:version>/bpmn")
def definition_bpmn(key: str, version: int) -> Any:
    """The XML of one version (admins only, as on the pages: scripts and conditions are in it)."""
    require_admin()
    return bpmn_response(versions.get_version(db.session(), key, version))
