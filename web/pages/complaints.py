"""The public complaint form (no login), rate-limited per client, starting a `pengaduan` instance."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for

from engine import complaints, settings
from engine.errors import ValidationFailed
from web import db, error_texts
from web.callers import check_complaint_rate
from web.errors import locale
from web.forms import parse, render

bp = Blueprint("complaints", __name__)


@bp.route("/complaints/new", methods=["GET", "POST"])
def new() -> Any:
    """The form; a valid complaint leads to its reference, an invalid one shows its errors inline."""
    values: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    form = complaints.public_form(db.session())
    if request.method == "POST":
        check_complaint_rate()
        values = parse.parse(form.schema, request.form, ui=form.ui)
        try:
            session["complaint_reference"] = db.transact(
                lambda s: complaints.submit(s, values, limits=db.limits()))
            return redirect(url_for("complaints.done"), 303)
        except ValidationFailed as exc:
            errors = error_texts.details(exc.details)
    page = render.build(form.schema, values, errors=errors, ui=form.ui, lang=locale())
    return render_template("complaint.html", form=page, has_errors=bool(errors),
                           instructions=form.instructions), 422 if errors else 200


@bp.get("/complaints/done")
def done() -> Any:
    """The reference of the complaint just sent (kept in this browser's session only)."""
    reference = session.get("complaint_reference")
    if not reference:
        return redirect(url_for("complaints.new"))
    return render_template("complaint_done.html", reference=reference,
                           phone=settings.get(db.session(), "agency_phone"))
