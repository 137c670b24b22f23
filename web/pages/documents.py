"""Downloading a generated document (letter or report) from the pages."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import login_required

from web.files import pdf_response

bp = Blueprint("documents", __name__)


@bp.get("/documents/<int:document_id>")
@login_required
def download(document_id: int) -> Response:
    """Download one document."""
    return pdf_response(document_id)
