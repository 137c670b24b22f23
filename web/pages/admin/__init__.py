"""Administration pages (role admin): people and the agency settings."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from web.pages.admin import settings, users  # noqa: E402,F401  (their routes join the blueprint)
