"""Files in and out, the same for the pages and the API: the bundle upload, a version's XML and bundle, document
PDFs and the exports (a cycle's monev results, the instance list)."""

from __future__ import annotations

from flask import Response, request
from werkzeug.datastructures import FileStorage

from engine import instances
from engine.definitions import bundles, versions
from engine.documents import access, documents
from engine.errors import BadRequest
from engine.models import Definition
from engine.people import users
from letters import exports
from web import db
from web.callers import current_actor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_NOTE = 2000
# The instance list export walks the filtered list page by page up to this many rows.
MAX_EXPORT_ROWS = 10_000


def attachment(content: bytes | str, filename: str, mimetype: str) -> Response:
    """Bytes as a download with a generated file name."""
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def read_upload(files: list[FileStorage]) -> dict[str, bytes]:
    """The bundle an upload carries: one `.bpmn` file, several files, or one `.zip` bundle."""
    given = [f for f in files if f is not None and f.filename]
    if not given:
        raise BadRequest("bpmn_file_required")
    named = [(str(f.filename).replace("\\", "/"), f) for f in given]
    if len(named) == 1 and named[0][0].lower().endswith(".zip"):
        return bundles.from_zip(named[0][1].read())
    if len(named) == 1 and not named[0][0].lower().endswith(".bpmn"):
        raise BadRequest("bpmn_files_only")
    return bundles.from_files((_bundle_name(name), f.read()) for name, f in named)


def _bundle_name(name: str) -> str:
    """A browser sends a file's base name (or its path inside a chosen folder): keep its bundle folder."""
    parts = name.split("/")
    return "/".join(parts[-2:]) if len(parts) > 1 and parts[-2] in bundles.FOLDERS else parts[-1]


def upload_options() -> tuple[str, bool]:
    """The optional `note` and `draft` fields of an upload form."""
    note = request.form.get("note", "")
    if len(note) > MAX_NOTE:
        raise BadRequest("note_too_long", limit=MAX_NOTE)
    raw = request.form.get("draft", "false").strip().lower()
    if raw not in ("true", "false", "1", "0", "on", "off", ""):
        raise BadRequest("draft_not_boolean")
    return note, raw in ("true", "1", "on")


def bundle_response(definition: Definition) -> Response:
    """A version's whole bundle as a zip download."""
    return attachment(versions.bundle_zip(definition), f"{definition.key}-v{definition.version}.zip",
                      "application/zip")


def bpmn_response(definition: Definition) -> Response:
    """The stored XML of a version as a download."""
    return attachment(definition.bpmn, f"{definition.key}-v{definition.version}.bpmn", "application/xml")


def pdf_response(document_id: int) -> Response:
    """The document's PDF as an attachment (rendered on first download, cached after)."""
    from letters import render_pdf  # WeasyPrint loads only when a PDF is really needed

    actor = current_actor()
    content, filename = db.transact(lambda s: access.document_file(s, document_id, actor, render_pdf))
    return attachment(content, filename, "application/pdf")


def monev_export(instance_id: int, fmt: str) -> Response:
    """The monev results of one cycle the caller may see, as CSV or XLSX."""
    session = db.session()
    instance = instances.get(session, instance_id, current_actor())
    rows = documents.cycle_results(session, instance.id)
    # The team by full name, lead first (the results keep usernames).
    names = users.display_names(session, {n for r in rows for n in [r["officer"], *r["members"]] if isinstance(n, str)})
    rows = [{**r, "team": [names.get(str(n).lower(), n) for n in [r["officer"], *r["members"]] if n]} for r in rows]
    if fmt == "xlsx":
        return attachment(exports.monev_results_xlsx(rows, instance.title), f"hasil-monev-{instance.id}.xlsx", XLSX)
    return attachment(exports.monev_results_csv(rows), f"hasil-monev-{instance.id}.csv", "text/csv")


def instances_export() -> Response:
    """The instance list the caller may see, with the list's filters, as CSV."""
    found = instances.all_instances(db.session(), current_actor(), definition=request.args.get("definition") or None,
                                    status=request.args.get("status") or None, q=request.args.get("q") or None,
                                    limit=MAX_EXPORT_ROWS)
    return attachment(exports.instances_csv(found), "instances.csv", "text/csv")
