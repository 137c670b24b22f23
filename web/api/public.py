"""API: the public complaint endpoint (no login, rate-limited per client)."""

from __future__ import annotations

from typing import Any

from web.api.base import bp, json_body
from web.pages import complaints


@bp.post("/public/complaints")
def post_complaint() -> Any:
    """Start a `pengaduan` instance from a complaint; 201 with its reference."""
    complaints.check_rate()
    return {"reference": complaints.submit(json_body())}, 201
