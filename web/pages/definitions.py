"""Definition pages (process owners only): the versions, uploading a new one, and the XML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from engine.definitions import versions
from engine.definitions.versions import DeployResult
from engine.errors import BadRequest, InvalidDefinition
from engine.models import Definition
from engine.people.users import Actor
from web import db
from web.callers import current_actor, require_admin

bp = Blueprint("definitions", __name__)


def read_upload(file: FileStorage | None) -> tuple[bytes, str]:
    """The bytes and file name of an uploaded `.bpmn` file; anything else is a BadRequest."""
    if file is None or not file.filename:
        raise BadRequest("pilih satu berkas .bpmn untuk diunggah (isian 'file')")
    name = Path(file.filename.replace("\\", "/")).name
    if not name.lower().endswith(".bpmn"):
        raise BadRequest("hanya berkas .bpmn yang dapat dipasang")
    return file.read(), name


def deploy_upload(session: Session, content: bytes, filename: str, actor: Actor) -> DeployResult:
    """Deploy an uploaded file against the BPMN and DMN files of the processes folder."""
    folder = db.state().settings.processes_dir
    library = {p.name: p.read_bytes() for p in sorted(folder.iterdir())
               if p.is_file() and p.suffix in (".bpmn", ".dmn")} if folder.is_dir() else {}
    return versions.deploy(session, content, filename, actor, processes_dir=folder, library=library)


def bpmn_response(definition: Definition) -> Response:
    """The stored XML of a version as a download."""
    name = f"{definition.key}-v{definition.version}.bpmn"
    return Response(definition.bpmn, mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


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
        result = db.transact(lambda s: _summary(deploy_upload(s, content, filename, actor)))
    except InvalidDefinition as exc:
        rows = versions.list_definitions(db.session())
        return render_template("definitions.html", rows=rows, problems=exc.problems, filename=filename), 422
    if result["created"]:
        flash(_("%(key)s versi %(version)s dipasang.", key=result["key"], version=result["version"]), "success")
    else:
        flash(_("Isi berkas sama dengan %(key)s versi %(version)s; tidak ada versi baru.",
                key=result["key"], version=result["version"]), "info")
    return redirect(url_for("definitions.index"), 303)


def _summary(result: DeployResult) -> dict[str, Any]:
    return {"key": result.definition.key, "version": result.definition.version, "created": result.created}


@bp.get("/definitions/<key>/versions/<int:version>/bpmn")
@login_required
def download(key: str, version: int) -> Any:
    """The XML of one version."""
    require_admin()
    return bpmn_response(versions.get_version(db.session(), key, version))
