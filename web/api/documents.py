"""API: download a generated document."""

from __future__ import annotations

from flask import Response

from web.api.base import bp
from web.documents import pdf_response


@bp.get("/documents/<int:document_id>")
def get_document(document_id: int) -> Response:
    """The PDF of a document of an instance the caller may see, as an attachment."""
    return pdf_response(document_id)
