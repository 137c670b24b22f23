"""Agency settings: letterhead and numbering, emblem, signatories, grade bands, the office calendar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from engine import agency, settings
from engine.documents import letter_texts
from engine.errors import ValidationFailed
from engine.people.accounts import require_admin
from web import db
from web.callers import current_actor
from web.pages.admin import bp
from web.pages.admin.forms import (
    CalendarForm,
    EmblemForm,
    GradeBandsForm,
    LetterheadForm,
    LetterTextsForm,
    letter_texts_data,
    letter_texts_values,
    show_errors,
    signatories_form,
)

SECTIONS = ("letterhead", "emblem", "signatories", "grade_bands", "calendar", "letter_texts")


def _forms(session: Session, posted: str | None) -> dict[str, FlaskForm]:
    """Every section's form: the posted one from the request, the others filled from the stored settings."""
    values = settings.all_settings(session)
    signatories = signatories_form(sorted(values["letter_signatories"]))

    def make(name: str, form_class: Callable[..., FlaskForm], data: dict[str, Any]) -> FlaskForm:
        return form_class() if name == posted else form_class(formdata=None, data=data)

    bands = "\n".join(f"{grade} {lowest:g}" for grade, lowest in values["grade_bands"])
    days_off = "\n".join(f"{d['date']} {d.get('note', '')}".strip() for d in values["days_off"])
    return {
        "letterhead": make("letterhead", LetterheadForm, {k: values[k] for k in (*agency.LETTERHEAD,
                                                                                  "letter_numbering")}),
        "emblem": make("emblem", EmblemForm, {}),
        "signatories": make("signatories", signatories, values["letter_signatories"]),
        "grade_bands": make("grade_bands", GradeBandsForm, {
            "grade_bands": bands, "not_accredited_label": values["not_accredited_label"]}),
        "calendar": make("calendar", CalendarForm, {**values["office_hours"], "working_days": values["working_days"],
                                                    "days_off": days_off}),
        "letter_texts": make("letter_texts", LetterTextsForm, letter_texts_data(values)),
    }


@bp.get("/settings")
@login_required
def settings_page() -> Any:
    """Every section of the agency settings."""
    require_admin(current_actor())
    session = db.session()
    return render_template("admin/settings.html", forms=_forms(session, None), errors={},
                           emblem=settings.get(session, "agency_emblem"))


@bp.post("/settings/<section>")
@login_required
def save(section: str) -> Any:
    """Save one section; a wrong value shows the form again with its error and stores nothing."""
    actor = current_actor()
    require_admin(actor)
    if section not in SECTIONS:
        return redirect(url_for("admin.settings_page"), 303)
    session = db.session()
    forms = _forms(session, section)
    form = forms[section]
    errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            db.transact(lambda s: _SAVERS[section](s, actor, form))
        except ValidationFailed as exc:
            errors[section] = show_errors(form, exc, {"letter_contact": "contact_name"})
        else:
            flash(_("Pengaturan disimpan."), "success")
            return redirect(url_for("admin.settings_page") + f"#section-{section}", 303)
    return render_template("admin/settings.html", forms=forms, errors=errors, failed=section,
                           emblem=settings.get(session, "agency_emblem")), 422


def _letterhead(session: Session, actor: Any, form: Any) -> None:
    agency.save_letterhead(session, actor, {k: getattr(form, k).data or "" for k in agency.LETTERHEAD})
    agency.save_numbering(session, actor, form.letter_numbering.data or "")


def _emblem(session: Session, actor: Any, form: Any) -> None:
    if request.form.get("remove") == "1":
        agency.remove_emblem(session, actor)
        return
    upload = request.files.get("emblem")
    # One byte past the cap is enough for the engine to refuse it; the rest is never read.
    raw = upload.stream.read(agency.EMBLEM_MAX_BYTES + 1) if upload is not None else b""
    agency.save_emblem(session, actor, raw)


def _signatories(session: Session, actor: Any, form: Any) -> None:
    agency.save_signatories(session, actor, {field.name: field.data for field in form if field.name != "csrf_token"})


def _grade_bands(session: Session, actor: Any, form: Any) -> None:
    lines = [line.split() for line in (form.grade_bands.data or "").splitlines() if line.strip()]
    bands = [(" ".join(parts[:-1]) if len(parts) > 1 else parts[0], parts[-1] if len(parts) > 1 else "")
             for parts in lines]
    agency.save_grade_bands(session, actor, bands, form.not_accredited_label.data or "")


def _calendar(session: Session, actor: Any, form: Any) -> None:
    days_off = [(line.strip().partition(" ")[0], line.strip().partition(" ")[2])
                for line in (form.days_off.data or "").splitlines() if line.strip()]
    agency.save_calendar(session, actor, start=form.start.data or "", end=form.end.data or "",
                         working_days=list(form.working_days.data or []), days_off=days_off)


def _letter_texts(session: Session, actor: Any, form: Any) -> None:
    letter_texts.save_letter_texts(session, actor, letter_texts_values(form))


_SAVERS: dict[str, Callable[[Session, Any, Any], None]] = {
    "letterhead": _letterhead, "emblem": _emblem, "signatories": _signatories, "grade_bands": _grade_bands,
    "calendar": _calendar, "letter_texts": _letter_texts}
