"""Logging in and out of the pages (Flask-Login over `engine.people.users`)."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from engine.models import User
from engine.people import users
from web import db
from web.callers import GENERATION, SessionUser, check_credentials, drop_session
from web.errors import RateLimited, safe_next

bp = Blueprint("auth", __name__)


def user_by_username(username: str) -> User | None:
    """An active user row by username (for display of names)."""
    return db.session().scalar(select(User).where(User.username == username, User.active.is_(True)))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; on success the session is renewed and the person goes where they wanted."""
    target = safe_next(request.values.get("next")) or url_for("tasks.index")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target)
    error = None
    username = (request.form.get("username") or "").strip()
    if request.method == "POST":
        try:
            user = check_credentials(db.session(), username, request.form.get("password") or "")
        except RateLimited as exc:
            error = _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)s menit.",
                      minutes=math.ceil(exc.retry_after / 60))
            return (render_template("login.html", error=error, username=username, next=target), 429,
                    {"Retry-After": str(exc.retry_after)})
        if user is None:
            error = _("Nama pengguna atau kata sandi salah.")
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session: nothing from before the login survives (fixation)
            if lang:
                session["lang"] = lang
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without a request
            session[GENERATION] = user.session_generation
            login_user(SessionUser(user))
            return redirect(target, 303)
    status = 401 if error else 200
    return render_template("login.html", error=error, username=username, next=target), status


@bp.post("/logout")
@login_required
def logout() -> Any:
    """End the session and every copy of it (a POST with its CSRF token, so no page can log people out).

    Raising the user's session generation also ends their sessions in other browsers.
    """
    user_id = int(current_user.id)
    db.transact(lambda s: users.end_sessions(s, user_id))
    logout_user()
    drop_session()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"), 303)

