"""Definition pages (process owners only): the versions, uploading a new one, and the XML."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.definitions import scenarios, validation, versions
from engine.definitions.versions import DeployResult
from engine.errors import InvalidDefinition
from web import db, error_texts
from web.callers import current_actor, require_admin
from web.files import bpmn_response, read_upload

bp = Blueprint("definitions", __name__)


@bp.get("/definitions")
@login_required
def index() -> Any:
    """Every version, newest first per process."""
    require_admin()
    return render_template("definitions.html", rows=versions.list_definitions(db.session()), problems=None)


@bp.post("/definitions")
@login_required
def upload() -> Any:
    """Deploy an uploaded BPMN file; problems are listed with file, line and element."""
    require_admin()
    content, filename = read_upload(request.files.get("file"))
    actor = current_actor()
    try:
        result = db.transact(lambda s: _summary(versions.deploy_upload(
            s, content, filename, actor, processes_dir=db.state().settings.processes_dir)))
    except InvalidDefinition as exc:
        rows = versions.list_definitions(db.session())
        return render_template("definitions.html", rows=rows, problems=error_texts.details(exc.details),
                               filename=filename), 422
    if result["created"]:
        flash(_("%(key)s versi %(version)s dipasang.", key=result["key"], version=result["version"]), "success")
    else:
        flash(_("Isi berkas sama dengan %(key)s versi %(version)s; tidak ada versi baru.",
                key=result["key"], version=result["version"]), "info")
    if result["warnings"]:
        rows = versions.list_definitions(db.session())
        return render_template("definitions.html", rows=rows, problems=None, filename=filename,
                               warnings=error_texts.details(result["warnings"]))
    return redirect(url_for("definitions.index"), 303)


@bp.post("/definitions/validate")
@login_required
def check() -> Any:
    """Check an uploaded BPMN file as a deploy would and show its errors and warnings; nothing is stored."""
    require_admin()
    content, filename = read_upload(request.files.get("file"))
    examined = validation.validate_upload(db.session(), content, filename, current_actor(),
                                          processes_dir=db.state().settings.processes_dir)
    rows = versions.list_definitions(db.session())
    return render_template("definitions.html", rows=rows, filename=filename, checked_only=True,
                           problems=error_texts.details(p.as_dict() for p in examined.errors),
                           warnings=error_texts.details(p.as_dict() for p in examined.warnings))


def _summary(result: DeployResult) -> dict[str, Any]:
    return {"key": result.definition.key, "version": result.definition.version, "created": result.created,
            "warnings": [p.as_dict() for p in result.warnings]}


@bp.get("/definitions/<key>/versions/<int:version>/bpmn")
@login_required
def download(key: str, version: int) -> Any:
    """The XML of one version."""
    require_admin()
    return bpmn_response(versions.get_version(db.session(), key, version))


@bp.post("/definitions/<key>/versions/<int:version>/test")
@login_required
def run_scenarios(key: str, version: int) -> Any:
    """Run the scenario tests of a version in memory and list how they went; nothing is stored."""
    require_admin()
    outcome = scenarios.run_tests(db.session(), key, version, current_actor(),
                                  folder=db.state().settings.processes_dir / "tests", limits=db.limits())
    failed = [{"test": f.test, "step": f.step, "message": error_texts.text(f.code, f.params)} for f in outcome.failed]
    return render_template("definitions.html", rows=versions.list_definitions(db.session()), problems=None,
                           scenario_run={"key": key, "version": version, "passed": outcome.passed, "failed": failed})
