"""The `/api/v1` blueprint: bearer-token (or cookie + CSRF) authentication, JSON bodies, pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from engine.errors import BadRequest
from engine.paging import Page
from engine.people import users
from web import db
from web.callers import SessionUser
from web.errors import NotAuthenticated
from web.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = {"api.issue_token", "api.post_complaint", "api.get_complaint_status", "api.openapi"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer` header; another scheme is refused as unauthenticated."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("bearer_header_malformed")
    return token.strip()


@bp.before_request
def authenticate() -> None:
    """Bearer tokens never touch the cookie session; cookie sessions must send their CSRF token."""
    if not (request.content_type or "").startswith("multipart/"):
        request.max_content_length = current_app.config["JSON_MAX_BYTES"]
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    token = bearer_token()
    if token is not None:
        user = users.user_for_token(db.session(), token)
        if user is None:
            raise NotAuthenticated("token_invalid")
        g.api_user = SessionUser(user)
        g.api_token = token
        return
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            csrf.protect()
        g.api_user = current_user._get_current_object()
        return
    raise NotAuthenticated("login_required")


def json_body(required: bool = True) -> dict[str, Any]:
    """The request's JSON object; malformed JSON or another type is a BadRequest (400)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise BadRequest("body_not_object")
        return {}
    if not request.is_json:
        raise BadRequest("content_type_json")
    try:
        body = request.get_json(silent=True)
    except RecursionError as exc:  # the JSON decoder recurses per nesting level
        raise BadRequest("body_too_deep") from exc
    if not isinstance(body, dict):
        raise BadRequest("body_not_json_object")
    return body


def text_field(body: dict[str, Any], key: str, *, required: bool = True) -> str:
    """A string member of a JSON body."""
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadRequest("text_required", field=key)
    return value


def page_args() -> tuple[Any, Any]:
    """The `page` and `per_page` query arguments, unchecked (the engine's clamp checks them)."""
    return request.args.get("page", 1), request.args.get("per_page", 50)


def listing(page: Page[Any], serialize: Any) -> dict[str, Any]:
    """A list response: `{"items", "total"}` plus the page numbers."""
    return {"items": [serialize(item) for item in page.items], "total": page.total, "page": page.page,
            "per_page": page.per_page}
