"""Response headers that keep the pages safe: a strict Content-Security-Policy and friends."""

from __future__ import annotations

from flask import Flask, Response

# No inline script or style anywhere: templates use web/static only. `data:` images allow the
# small inline icons of the stylesheet; the BPMN diagram is inlined SVG markup, not an image.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def add_headers(response: Response) -> Response:
    """Set the security headers on every response."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def configure_cookies(app: Flask) -> None:
    """HttpOnly, SameSite=Lax session cookies; Secure unless turned off or in debug/testing."""
    secure = app.config.get("SECURE_COOKIES")
    if secure is None:
        secure = not (app.debug or app.testing)
    app.config.update(
        SESSION_COOKIE_NAME="senapas_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(secure),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=bool(secure),
    )
    app.after_request(add_headers)
