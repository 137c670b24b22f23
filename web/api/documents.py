"""API: download a generated document, and the exports."""

from __future__ import annotations

from flask import Response

from web.api.base import bp
from web.files import instances_export, monev_export, pdf_response


@bp.get("/documents/<int:document_id>")
def get_document(document_id: int) -> Response:
    """The PDF of a document of an instance the caller may see, as an attachment."""
    return pdf_response(document_id)


@bp.get("/instances/<int:instance_id>/monev.csv")
def get_monev_csv(instance_id: int) -> Response:
    """A cycle's monev results as CSV."""
    return monev_export(instance_id, "csv")


@bp.get("/instances/<int:instance_id>/monev.xlsx")
def get_monev_xlsx(instance_id: int) -> Response:
    """A cycle's monev results as an Excel workbook."""
    return monev_export(instance_id, "xlsx")


@bp.get("/instances.csv")
def get_instances_export() -> Response:
    """The instance list (same filters as GET /instances) as CSV."""
    return instances_export()
