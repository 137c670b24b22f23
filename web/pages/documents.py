"""Downloading a generated document (letter or report) from the pages, and dating and numbering a letter."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.documents import issuing
from web import db
from web.api.documents import letter_date
from web.callers import current_actor
from web.files import pdf_response

bp = Blueprint("documents", __name__)


@bp.get("/documents/<int:document_id>")
@login_required
def download(document_id: int) -> Response:
    """Download one document."""
    return pdf_response(document_id)


@bp.post("/documents/<int:document_id>/number")
@login_required
def number(document_id: int) -> Any:
    """Date (optionally) and number a letter made unnumbered; the twin of the API's date and number calls."""
    actor = current_actor()
    when = letter_date(request.form.get("date", ""))
    external = request.form.get("number", "").strip() or None
    document = db.transact(lambda s: issuing.issue(s, document_id, actor, letter_date=when, external=external,
                                                   reason=request.form.get("reason", "")))
    flash(_("Nomor surat %(number)s diberikan.", number=document.number), "success")
    return redirect(url_for("instances.show", instance_id=document.instance_id), 303)
