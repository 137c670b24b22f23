"""The one place where errors become HTTP answers: JSON for the API, a page or a flash otherwise."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, g, jsonify, redirect, render_template, request
from flask_babel import get_locale
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from psycopg import OperationalError as PgOperationalError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidDefinition,
    NotFound,
    SenapasError,
    TooLarge,
    ValidationFailed,
)
from web import error_texts

log = logging.getLogger(__name__)


class NotAuthenticated(SenapasError):
    """No valid login or bearer token."""

    code = "not_authenticated"


class RateLimited(SenapasError):
    """The client sent more requests than its window allows."""

    code = "rate_limited"

    def __init__(self, case: str, *, seconds: int) -> None:
        super().__init__(case, seconds=seconds)
        self.retry_after = seconds


STATUS: dict[type[SenapasError], int] = {
    NotFound: 404, Forbidden: 403, Conflict: 409, ValidationFailed: 422, BadRequest: 400,
    InvalidDefinition: 422, NotAuthenticated: 401, RateLimited: 429,
    TooLarge: 413,
}
HTTP_CODES = {400: "invalid_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid_data",
              429: "rate_limited", 500: "internal_error", 503: "service_unavailable"}
# Pages anyone may post to; a stale form there is a plain 400, not a detour to the login page.
PUBLIC_BLUEPRINTS = {"auth", "complaints"}


def status_of(exc: SenapasError) -> int:
    """The HTTP status of an engine error (the nearest mapped class in its hierarchy)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def wants_json() -> bool:
    """True for requests to the REST API."""
    return request.path.startswith("/api/")


def locale() -> str:
    """The language of the current request, "id" or "en"."""
    return str(get_locale() or "id")


def json_error(code: str, message: str, details: list[dict[str, Any]] | None, status: int,
               headers: dict[str, str] | None = None) -> Response:
    """The API error body `{"error": {"code", "message", "details"}}`."""
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def safe_next(value: str | None) -> str | None:
    """A local path to go back to (every `next` passes here), or None for anything that could leave the site.

    Browsers drop tabs and line breaks inside a URL and read a backslash as a slash, so
    `/<TAB>/evil.example` would become `//evil.example`: any control character or backslash refuses
    the value, and what is left must parse as a path with neither scheme nor host.
    """
    if not value or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\\" for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed "[" read as an IPv6 host
        return None
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return value


def _headers(exc: SenapasError) -> dict[str, str]:
    if isinstance(exc, NotAuthenticated):
        return {"WWW-Authenticate": 'Bearer realm="senapas"'}
    if isinstance(exc, RateLimited):
        return {"Retry-After": str(exc.retry_after)}
    return {}


def handle_engine_error(exc: SenapasError) -> Any:
    """Map an engine (or edge) error to its status: JSON, a flash and redirect, or an error page."""
    status = status_of(exc)
    message = error_texts.message(exc)
    details = error_texts.details(exc.details)
    if wants_json():
        return json_error(exc.code, message, details, status, _headers(exc))
    target = safe_next(request.form.get("next")) if request.method == "POST" else None
    if target and isinstance(exc, Conflict | BadRequest | ValidationFailed):
        flash(message, "error")
        return redirect(target, 303)
    return render_template("error.html", status=status, message=message, details=details), status, _headers(exc)


def refuse_nul_bytes() -> None:
    """Refuse query arguments holding NUL: PostgreSQL rejects them, SQLite cuts the text at them."""
    if any("\x00" in value for values in request.args.listvalues() for value in values):
        raise BadRequest("nul_in_parameters")


def handle_http_error(exc: HTTPException) -> Any:
    """Werkzeug's HTTP errors (404 routes, 405, 413, ...) in the same shapes as engine errors."""
    status = exc.code or 500
    if status >= 500:
        log.error("request failed: %s %s", request.method, request.path,
                  exc_info=getattr(exc, "original_exception", None) or exc)
    code = HTTP_CODES.get(status, "error")
    text = error_texts.text(code) if code in error_texts.GENERAL else str(exc.description)
    # Werkzeug's own headers stay, e.g. the `Allow` a 405 must carry (RFC 9110).
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    if wants_json():
        return json_error(code, text, [], status, headers)
    return render_template("error.html", status=status, message=text, details=[]), status, headers


def handle_csrf_error(exc: CSRFError) -> Any:
    """A missing or stale CSRF token: 400, nothing changed; after the session ended, the login page."""
    if not wants_json() and not current_user.is_authenticated and request.blueprint not in PUBLIC_BLUEPRINTS:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if wants_json():
        return json_error("csrf_failed", error_texts.text("csrf_failed"), [], 400)
    return render_template("error.html", status=400, message=error_texts.text("csrf_failed"), details=[]), 400


def handle_database_error(exc: Exception) -> Any:
    """A lost or unusable database connection is a clean 503; the pool reconnects for the next request."""
    if isinstance(exc, IntegrityError):
        return handle_engine_error(Conflict("data_clash", code="stale"))
    if isinstance(exc, DBAPIError) and not (exc.connection_invalidated or isinstance(exc, OperationalError)):
        log.exception("database error")
        return handle_http_error(InternalServerError())
    log.warning("database unavailable: %s", exc)
    text = error_texts.text("service_unavailable")
    if wants_json():
        return json_error("service_unavailable", text, [], 503, {"Retry-After": "5"})
    # The page must not reach for the database again: loading the logged-in user for the header
    # would raise inside this handler and turn the clean 503 into a raw 500.
    g._login_user = AnonymousUserMixin()
    return render_template("error.html", status=503, message=text, details=[]), 503


def register(app: Flask) -> None:
    """Install every error handler on the app."""
    app.before_request(refuse_nul_bytes)
    app.register_error_handler(SenapasError, handle_engine_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(PgOperationalError, handle_database_error)
