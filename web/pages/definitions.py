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
from web.files import bpmn_response, read_upload, upload_options

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
    """Deploy an upload (one BPMN file, several files or a zip bundle); problems listed with file, line, element."""
    require_admin()
    bundle = read_upload(request.files.getlist("file"))
    note, draft = upload_options()
    actor = current_actor()
    filename = _names(bundle)
    try:
        result = db.transact(lambda s: _summary(versions.deploy_upload(s, bundle, actor, note=note, draft=draft)))
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
    """Check an upload as a deploy would and show its errors and warnings; nothing is stored."""
    require_admin()
    bundle = read_upload(request.files.getlist("file"))
    filename = _names(bundle)
    examined = validation.validate_upload(db.session(), bundle, current_actor())
    rows = versions.list_definitions(db.session())
    return render_template("definitions.html", rows=rows, filename=filename, checked_only=True,
                           problems=error_texts.details(p.as_dict() for p in examined.errors),
                           warnings=error_texts.details(p.as_dict() for p in examined.warnings))


def _names(bundle: Any) -> str:
    """How an upload is named in messages: its files, or their number."""
    return ", ".join(sorted(bundle)) if len(bundle) <= 3 else _("%(n)s berkas", n=len(bundle))


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
    outcome = scenarios.run_tests(db.session(), key, version, current_actor(), limits=db.limits())
    failed = [{"test": f.test, "step": f.step, "message": error_texts.text(f.code, f.params)} for f in outcome.failed]
    return render_template("definitions.html", rows=versions.list_definitions(db.session()), problems=None,
                           scenario_run={"key": key, "version": version, "passed": outcome.passed, "failed": failed})
