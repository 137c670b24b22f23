"""The logged-in person's own password: changing it ends their other sessions and API tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from engine.errors import BadRequest
from engine.people import users
from web import db, error_texts
from web.callers import GENERATION, check_credentials
from web.errors import RateLimited

bp = Blueprint("account", __name__)
# What a person whose password was reset may still reach before choosing a new one.
OPEN_WHILE_RESET = frozenset({"account.password", "auth.logout", "auth.login", "static"})


def require_new_password() -> Any:
    """Send a person whose password an administrator set to the password form before any other page."""
    if request.endpoint in OPEN_WHILE_RESET or request.path.startswith("/api/"):
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        flash(_("Kata sandi Anda diatur oleh admin; pilih kata sandi sendiri sebelum melanjutkan."), "info")
        return redirect(url_for("account.password"), 303)
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """The form; on success this browser stays logged in under the new session generation."""
    if request.method == "GET":
        return render_template("password.html", error=None)
    new = request.form.get("new_password") or ""
    try:
        if check_credentials(db.session(), current_user.username, request.form.get("password") or "") is None:
            return render_template("password.html", error=_("Kata sandi sekarang salah.")), 422
        if new != request.form.get("repeat_password"):
            return render_template("password.html", error=_("Kata sandi baru dan ulangannya tidak sama.")), 422
        generation = db.transact(lambda s: _change(s, current_user.username, new))
    except RateLimited as exc:
        return render_template("password.html", error=error_texts.message(exc)), 429, {
            "Retry-After": str(exc.retry_after)}
    except BadRequest as exc:
        return render_template("password.html", error=error_texts.message(exc)), 422
    session[GENERATION] = generation
    flash(_("Kata sandi diganti; sesi Anda di perangkat lain telah berakhir."), "success")
    return redirect(url_for("tasks.index"), 303)


def _change(db_session: Session, username: str, password: str) -> int:
    user = users.set_password(db_session, username, password)
    db_session.flush()
    db_session.refresh(user)
    return user.session_generation
