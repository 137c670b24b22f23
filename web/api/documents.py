"""API: download a generated document, date and number a letter made unnumbered, and the exports."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response

from engine.documents import issuing
from engine.errors import ValidationFailed, field_error
from web import db
from web.api import declare
from web.api.base import bp, json_body
from web.api.instances import FILTERS
from web.api.schemas import body, query, ref
from web.api.serialize import document_item
from web.callers import current_actor
from web.files import instances_export, monev_export, pdf_response


def letter_date(value: Any) -> date | None:
    """A letter date given as YYYY-MM-DD ("" or absent: none)."""
    if value in (None, ""):
        return None
    refused = ValidationFailed(details=[field_error("date", "invalid_date")])
    if not isinstance(value, str) or len(value) != 10:
        raise refused
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise refused from None


def issued_json(document: Any) -> dict[str, Any]:
    """A document's listing entry with its letter date and whether its number is still to be issued."""
    return {**document_item(document), "date": document.context.get("date"),
            "number_pending": bool(document.context.get("number_pending"))}


LETTER_CONFLICTS = ("document_already_numbered", "letter_number_taken", "document_kind_unnumbered", "stale")
CSV = ("text/csv", {"type": "string"})
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"type": "string", "format": "binary"})


@declare.route(bp, "/documents/<int:document_id>", "GET", summary="Download a document (PDF attachment)",
               tag="documents", responses={200: ("application/pdf", {"type": "string", "format": "binary"})})
def get_document(document_id: int) -> Response:
    """The PDF of a document of an instance the caller may see, as an attachment."""
    return pdf_response(document_id)


@declare.route(bp, "/documents/<int:document_id>/date", "PUT", summary="Date a letter whose number is not issued "
               "yet (kabid, subkoor, admin)", tag="documents",
               body=body({"date": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}},
                         ("date",)),
               responses={200: ref("IssuedDocument"), 403: None, 409: LETTER_CONFLICTS, 422: ("invalid_data",)})
def put_document_date(document_id: int) -> Any:
    """Set the date of a letter whose number is not issued yet (kabid, subkoor, admin)."""
    actor, body = current_actor(), json_body()
    when = letter_date(body.get("date"))
    if when is None:
        raise ValidationFailed(details=[field_error("date", "invalid_date")])
    return db.transact(lambda s: issued_json(issuing.set_letter_date(s, document_id, actor, when)))


@declare.route(bp, "/documents/<int:document_id>/number", "POST", summary="Issue a letter's number: the "
               "register's next, or `number` from the agency's external register (with `reason`)", tag="documents",
               body=body({"number": {"type": ["string", "null"], "maxLength": 100},
                          "reason": {"type": "string", "maxLength": 500}}), body_required=False,
               responses={200: ref("IssuedDocument"), 403: None, 409: LETTER_CONFLICTS, 422: ("invalid_data",)})
def post_document_number(document_id: int) -> Any:
    """Issue a letter's number: the register's next, or `number` from the agency's external register (with `reason`)."""
    actor, body = current_actor(), json_body(required=False)
    external, reason = body.get("number"), body.get("reason", "")
    if external is not None and not isinstance(external, str):
        raise ValidationFailed(details=[field_error("number", "letter_number_invalid", limit=issuing.NUMBER_MAX)])
    if not isinstance(reason, str):
        raise ValidationFailed(details=[field_error("reason", "reason_required")])
    return db.transact(lambda s: issued_json(issuing.issue_number(s, document_id, actor, external=external or None,
                                                                  reason=reason)))


@declare.route(bp, "/instances/<int:instance_id>/monev.csv", "GET", summary="A cycle's monev results as CSV",
               tag="documents", responses={200: CSV})
def get_monev_csv(instance_id: int) -> Response:
    """A cycle's monev results as CSV."""
    return monev_export(instance_id, "csv")


@declare.route(bp, "/instances/<int:instance_id>/monev.xlsx", "GET", summary="A cycle's monev results as an "
               "Excel workbook", tag="documents", responses={200: XLSX})
def get_monev_xlsx(instance_id: int) -> Response:
    """A cycle's monev results as an Excel workbook."""
    return monev_export(instance_id, "xlsx")


@declare.route(bp, "/instances.csv", "GET", summary="The instance list as CSV (the filters of GET /instances)",
               tag="documents", query=query(FILTERS), responses={200: CSV})
def get_instances_export() -> Response:
    """The instance list (same filters as GET /instances) as CSV."""
    return instances_export()
