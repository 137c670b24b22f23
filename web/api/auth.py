"""API tokens: issue one for a username and password, revoke it, and say whose it is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, g
from sqlalchemy.orm import Session

from engine.errors import BadRequest, ValidationFailed, field_error
from engine.models import User
from engine.people import users
from web import db
from web.api import declare
from web.api.base import bp, json_body, text_field
from web.api.schemas import NOT_BLANK, body, ref
from web.callers import SessionUser, check_credentials
from web.errors import NotAuthenticated


def user_json(user: SessionUser) -> dict[str, Any]:
    """The person behind a token."""
    return {"username": user.username, "name": user.name, "roles": sorted(user.roles)}


SECRET = {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": NOT_BLANK}


@declare.route(bp, "/auth/token", "POST", summary="Issue a bearer token for a username and password", tag="auth",
               security="none", body=body({"username": {**SECRET, "maxLength": 200}, "password": SECRET},
                                          ("username", "password")),
               responses={200: {"type": "object", "required": ["token", "user"], "properties": {
                   "token": {"type": "string"}, "token_type": {"type": "string", "enum": ["Bearer"]},
                   "expires_in": {"type": "integer"}, "user": ref("User")}}, 401: None, 429: None})
def issue_token() -> Any:
    """A bearer token for valid credentials; 401 otherwise."""
    body = json_body()
    username, password = text_field(body, "username"), text_field(body, "password")
    hours = float(current_app.config["TOKEN_HOURS"])
    checked = check_credentials(db.session(), username, password)
    if checked is None:
        raise NotAuthenticated("wrong_credentials")
    user_id = checked.id

    def work(session: Session) -> tuple[str, SessionUser]:
        user = session.get_one(User, user_id)
        return users.issue_token(session, user, lifetime=timedelta(hours=hours)), SessionUser(user)

    token, user = db.transact(work)
    return {"token": token, "token_type": "Bearer", "expires_in": int(hours * 3600), "user": user_json(user)}


@declare.route(bp, "/auth/token", "DELETE", summary="Revoke the token of this request", tag="auth",
               responses={200: {"type": "object", "properties": {"revoked": {"type": "boolean"}}},
                          400: None})
def revoke_token() -> Any:
    """Revoke the token this request was sent with."""
    token = g.get("api_token")
    if token is None:
        raise BadRequest("token_to_revoke_missing")
    db.transact(lambda s: users.revoke_token(s, token))
    return {"revoked": True}


@declare.route(bp, "/me/password", "POST", summary="Change the caller's password; every session and token ends",
               tag="auth", body=body({"current_password": SECRET, "new_password": SECRET},
                                     ("current_password", "new_password")),
               responses={200: {"type": "object", "properties": {"changed": {"type": "boolean"}}},
                          422: ("invalid_data",), 429: None})
def change_password() -> Any:
    """Change the caller's password (the current one is checked like a login); every session and token ends."""
    body = json_body()
    current, new = text_field(body, "current_password"), text_field(body, "new_password")
    if check_credentials(db.session(), g.api_user.username, current) is None:
        raise ValidationFailed(details=[field_error("current_password", "current_password_wrong")])
    try:
        db.transact(lambda s: users.set_password(s, g.api_user.username, new))
    except BadRequest as exc:  # the password policy
        raise ValidationFailed(details=[field_error("new_password", exc.case, **exc.params)]) from exc
    return {"changed": True}
