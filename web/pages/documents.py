"""Downloading a generated document (letter or report) from the pages."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import login_required

from web import db, sources
from web.callers import current_actor

bp = Blueprint("documents", __name__)


def pdf_response(document_id: int) -> Response:
    """The document's PDF as an attachment (rendered on first download, cached after)."""
    actor = current_actor()
    content, filename = db.transact(lambda s: sources.document_file(s, document_id, actor))
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/documents/<int:document_id>")
@login_required
def download(document_id: int) -> Response:
    """Download one document."""
    return pdf_response(document_id)
