"""The public complaint form (no login), rate-limited per client, starting a `pengaduan` instance; its status."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for

from engine import complaint_status, complaints, settings
from engine.errors import NotFound, ValidationFailed
from web import complaint_texts, db, error_texts
from web.callers import check_complaint_rate, check_lookup_rate, count_failed_lookup
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


@bp.route("/complaints/status", methods=["GET", "POST"])
def status() -> Any:
    """Look a complaint up by reference and contact (posted, so the contact stays out of addresses and logs)."""
    reference = (request.values.get("reference") or "").strip()
    found, not_found = None, False
    if request.method == "POST":
        check_lookup_rate()
        contact = request.form.get("contact") or ""
        try:
            found = complaint_status.lookup(db.session(), reference, contact)
        except NotFound:
            count_failed_lookup()
            not_found = True
    return render_template("complaint_status.html", reference=reference, found=found, not_found=not_found,
                           status_labels=complaint_texts.STATUS_LABELS, step_title=complaint_texts.step_title,
                           phone=settings.get(db.session(), "agency_phone")), 404 if not_found else 200
