"""API: the public complaint endpoint (no login, rate-limited per client)."""

from __future__ import annotations

from typing import Any

from web import complaints
from web.api.base import bp, json_body


@bp.post("/public/complaints")
def post_complaint() -> Any:
    """Start a `pengaduan` instance from a complaint; 201 with its reference."""
    complaints.check_rate()
    return {"reference": complaints.submit(json_body())}, 201
