"""API tokens: issue one for a username and password, revoke it, and say whose it is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, g
from sqlalchemy.orm import Session

from engine.errors import BadRequest
from engine.people import users
from web import db
from web.api.base import bp, json_body, text_field
from web.callers import SessionUser, check_login_rate
from web.errors import NotAuthenticated


def user_json(user: SessionUser) -> dict[str, Any]:
    """The person behind a token."""
    return {"username": user.username, "name": user.name, "roles": sorted(user.roles)}


@bp.post("/auth/token")
def issue_token() -> Any:
    """A bearer token for valid credentials; 401 otherwise."""
    check_login_rate()
    body = json_body()
    username, password = text_field(body, "username"), text_field(body, "password")
    hours = float(current_app.config["TOKEN_HOURS"])

    def work(session: Session) -> tuple[str, SessionUser] | None:
        user = users.authenticate(session, username, password)
        if user is None:
            return None
        return users.issue_token(session, user, lifetime=timedelta(hours=hours)), SessionUser(user)

    issued = db.transact(work)
    if issued is None:
        raise NotAuthenticated("nama pengguna atau kata sandi salah")
    token, user = issued
    return {"token": token, "token_type": "Bearer", "expires_in": int(hours * 3600), "user": user_json(user)}


@bp.delete("/auth/token")
def revoke_token() -> Any:
    """Revoke the token this request was sent with."""
    token = g.get("api_token")
    if token is None:
        raise BadRequest("kirim token yang akan dicabut di header Authorization")
    db.transact(lambda s: users.revoke_token(s, token))
    return {"revoked": True}


@bp.get("/me")
def me() -> Any:
    """The caller."""
    return {"user": user_json(g.api_user)}
