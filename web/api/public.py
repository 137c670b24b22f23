"""API: the public complaint endpoint (no login, rate-limited per client)."""

from __future__ import annotations

from typing import Any

from engine import complaints
from web import db
from web.api.base import bp, json_body
from web.callers import check_complaint_rate


@bp.post("/public/complaints")
def post_complaint() -> Any:
    """Start a `pengaduan` instance from a complaint; 201 with its reference."""
    check_complaint_rate()
    body = json_body()
    return {"reference": db.transact(lambda s: complaints.submit(s, body, limits=db.limits()))}, 201
