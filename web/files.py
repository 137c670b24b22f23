"""Files in and out, the same for the pages and the API: the BPMN upload, a version's XML, document
PDFs and the exports (a cycle's monev results, the instance list)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, request
from werkzeug.datastructures import FileStorage

from engine import instances
from engine.documents import access, documents
from engine.errors import BadRequest
from engine.models import Definition
from letters import exports
from web import db
from web.callers import current_actor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The instance list export walks the filtered list page by page up to this many rows.
MAX_EXPORT_ROWS = 10_000


def attachment(content: bytes | str, filename: str, mimetype: str) -> Response:
    """Bytes as a download with a generated file name."""
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def read_upload(file: FileStorage | None) -> tuple[bytes, str]:
    """The bytes and file name of an uploaded `.bpmn` file; anything else is a BadRequest."""
    if file is None or not file.filename:
        raise BadRequest("bpmn_file_required")
    name = Path(file.filename.replace("\\", "/")).name
    if not name.lower().endswith(".bpmn"):
        raise BadRequest("bpmn_files_only")
    return file.read(), name


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
    if fmt == "xlsx":
        return attachment(exports.monev_results_xlsx(rows, instance.title), f"hasil-monev-{instance.id}.xlsx", XLSX)
    return attachment(exports.monev_results_csv(rows), f"hasil-monev-{instance.id}.csv", "text/csv")


def instances_export() -> Response:
    """The instance list the caller may see, with the list's filters, as CSV."""
    found = instances.all_instances(db.session(), current_actor(), definition=request.args.get("definition") or None,
                                    status=request.args.get("status") or None, q=request.args.get("q") or None,
                                    limit=MAX_EXPORT_ROWS)
    return attachment(exports.instances_csv(found), "instances.csv", "text/csv")
