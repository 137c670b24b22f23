"""People: list, create (a generated password shown once), edit roles and affiliation, deactivate, reset."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from engine.errors import ValidationFailed
from engine.people import accounts
from engine.people.accounts import Profile
from engine.people.roles import ROLES
from web import db
from web.callers import current_actor
from web.pages.admin import bp
from web.pages.admin.forms import DeactivateForm, NewUserForm, ProfileForm, show_errors

PER_PAGE = 50
# A page showing a password must not be kept by the browser or any proxy.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.get("/users")
@login_required
def users() -> Any:
    """Everyone, searchable by name, username or email, filtered by role and state."""
    filters = {k: (request.args.get(k) or "").strip() for k in ("q", "role", "state")}
    active = {"active": True, "inactive": False}.get(filters["state"])
    page = accounts.search(db.session(), current_actor(), q=filters["q"], role=filters["role"], active=active,
                           page=request.args.get("page", 1), per_page=PER_PAGE)
    return render_template("admin/users.html", page=page, filters=filters, roles=ROLES,
                           institutions=accounts.institutions(db.session()))


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user() -> Any:
    """The form for a new person; on success their one-time password is shown once."""
    actor = current_actor()
    accounts.require_admin(actor)
    form = NewUserForm()
    _offer_affiliations(form)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            user, password = db.transact(lambda s: accounts.create(s, actor, form.username.data or "",
                                                                   _profile(form)))
        except ValidationFailed as exc:
            errors = show_errors(form, exc)
        else:
            return render_template("admin/password_once.html", user=user, password=password, created=True), \
                201, NO_STORE
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=None, errors=errors), status


@bp.route("/users/<username>", methods=["GET", "POST"])
@login_required
def user(username: str) -> Any:
    """One person: their profile form, their state, the actions and what was done to their account."""
    actor = current_actor()
    session = db.session()
    person = accounts.get(session, actor, username)
    form = ProfileForm(obj=None if request.method == "POST" else person)
    _offer_affiliations(form)
    if request.method == "GET":
        form.library_id.data = str(person.library_id or "")
        form.institution.data = person.institution or ""
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            changes = db.transact(lambda s: accounts.update(s, actor, username, _profile(form)))
        except ValidationFailed as exc:
            errors = show_errors(form, exc)
        else:
            flash(_("Perubahan disimpan.") if changes else _("Tidak ada yang berubah."), "success")
            return redirect(url_for("admin.user", username=person.username), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=person, errors=errors,
                           trail=accounts.audit_trail(session, actor, person.username),
                           held=accounts.open_tasks_held(session, actor, person.username),
                           deactivate=DeactivateForm()), status


@bp.post("/users/<username>/active")
@login_required
def set_active(username: str) -> Any:
    """Deactivate (sessions and tokens end at once) or reactivate a person."""
    actor = current_actor()
    active = request.form.get("active") == "1"
    form = DeactivateForm()
    try:
        db.transact(lambda s: accounts.set_active(s, actor, username, active, form.note.data or ""))
    except ValidationFailed as exc:
        for message in show_errors(form, exc):
            flash(message, "error")
    else:
        flash(_("Akun diaktifkan kembali.") if active else _("Akun dinonaktifkan; sesi dan tokennya berakhir."),
              "success")
    return redirect(url_for("admin.user", username=username), 303)


@bp.post("/users/<username>/password")
@login_required
def reset_password(username: str) -> Any:
    """A new generated password, shown once; the person chooses their own at the next login."""
    actor = current_actor()
    try:
        password = db.transact(lambda s: accounts.reset_password(s, actor, username))
    except ValidationFailed as exc:
        for message in show_errors(DeactivateForm(), exc):
            flash(message, "error")
        return redirect(url_for("admin.user", username=username), 303)
    person = accounts.get(db.session(), actor, username)
    return render_template("admin/password_once.html", user=person, password=password, created=False), 200, \
        NO_STORE


def _offer_affiliations(form: ProfileForm) -> None:
    session: Session = db.session()
    none = SelectChoice("", _("— tidak ada —"))
    form.library_id.choices = [none] + [SelectChoice(str(i), label) for i, label in accounts.library_choices(session)]
    form.institution.choices = [none] + [SelectChoice(k, v) for k, v in accounts.institutions(session).items()]


def _profile(form: ProfileForm) -> Profile:
    library = (form.library_id.data or "").strip()
    return Profile(name=form.name.data or "", roles=tuple(form.roles.data or ()), email=form.email.data or "",
                   nip=form.nip.data or "", rank=form.rank.data or "", position=form.position.data or "",
                   library_id=int(library) if library.isdigit() else None, institution=form.institution.data or "")
