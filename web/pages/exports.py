"""Exports: a cycle's monev results as CSV or XLSX, and the instance list as CSV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from flask_login import login_required

from engine import instances
from engine.documents import documents
from engine.paging import MAX_PER_PAGE
from letters import exports
from web import db
from web.callers import current_actor

bp = Blueprint("exports", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The instance list export walks the filtered list page by page up to this many rows.
MAX_EXPORT_ROWS = 10_000


def attachment(content: bytes, filename: str, mimetype: str) -> Response:
    """Bytes as a download with a generated file name."""
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


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
    session, actor = db.session(), current_actor()
    found: list[Any] = []
    page = 1
    while len(found) < MAX_EXPORT_ROWS:
        batch = instances.list_instances(session, actor, definition=request.args.get("definition") or None,
                                         status=request.args.get("status") or None,
                                         q=request.args.get("q") or None, page=page, per_page=MAX_PER_PAGE)
        found.extend(batch.items)
        if page >= batch.pages:
            break
        page += 1
    return attachment(exports.instances_csv(found[:MAX_EXPORT_ROWS]), "instances.csv", "text/csv")


@bp.get("/instances/<int:instance_id>/monev.<any(csv, xlsx):fmt>")
@login_required
def monev(instance_id: int, fmt: str) -> Response:
    """Download a cycle's monev results."""
    return monev_export(instance_id, fmt)


@bp.get("/instances.csv")
@login_required
def instance_list() -> Response:
    """Download the filtered instance list."""
    return instances_export()
