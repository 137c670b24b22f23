"""Logging in and out of the pages (Flask-Login over `engine.people.users`), and who the caller is."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Forbidden
from engine.models import User
from engine.people import roles, users
from web import db
from web.errors import RateLimited, safe_next

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = ""
login_manager.session_protection = "basic"
GENERATION = "generation"  # the session key holding the user's session generation at login


class SessionUser:
    """The logged-in person as the pages see them (a snapshot of the user row)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: User | users.TokenUser) -> None:
        self.id = str(user.id)
        self.username = user.username
        self.name = user.name
        self.roles = frozenset(user.roles or ())

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session cookie."""
        return self.id

    @property
    def actor(self) -> users.Actor:
        """The engine actor for this person."""
        return users.Actor(self.username, self.roles)

    @property
    def is_supervisor(self) -> bool:
        """True for kabid, subkoor and admin."""
        return roles.is_supervisor(self.roles)

    @property
    def is_admin(self) -> bool:
        """True for process owners."""
        return "admin" in self.roles


@login_manager.user_loader
def load_user(user_id: str) -> SessionUser | None:
    """The active user behind a session cookie, or None (which logs the session out).

    A session began before the user's last logout or password change carries an older generation.
    """
    if not user_id.isdigit():
        return None
    user = db.session().get(User, int(user_id))
    if user is None or not user.active or session.get(GENERATION) != user.session_generation:
        _drop_session()  # an ended session is dropped, never refreshed
        return None
    return SessionUser(user)


def current_actor() -> users.Actor:
    """The actor of the logged-in person (pages) or of the bearer token (API)."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user.actor
    return current_user.actor


def require_admin() -> None:
    """Refuse anyone but process owners."""
    if "admin" not in current_actor().roles:
        raise Forbidden("admins_only")


def check_credentials(db_session: Session, username: str, password: str) -> User | None:
    """Check credentials under the login limit: failures count per client address and per username.

    Successful logins never count, so people behind one address are not locked out by their own
    colleagues; the refusal says how long to wait.
    """
    limiter = db.state().logins
    keys = (f"address:{request.remote_addr or '?'}", f"user:{(username or '').strip().lower()}")
    wait = max(limiter.wait(key) for key in keys)
    if wait:
        raise RateLimited("too_many_logins", seconds=wait)
    user = users.authenticate(db_session, username, password)
    if user is None:
        for key in keys:
            limiter.add(key)
    return user


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
    _drop_session()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"), 303)


def _drop_session() -> None:
    """Empty the session cookie but keep the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
