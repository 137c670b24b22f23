"""API: the public complaint endpoints, sending one and looking up its status (no login, rate-limited per client)."""

from __future__ import annotations

from typing import Any

from flask import request

from engine import complaint_status, complaints
from engine.errors import NotFound
from web import complaint_texts, db
from web.api.base import bp, json_body
from web.callers import check_complaint_rate, check_lookup_rate, count_failed_lookup


@bp.post("/public/complaints")
def post_complaint() -> Any:
    """Start a `pengaduan` instance from a complaint; 201 with its reference."""
    check_complaint_rate()
    body = json_body()
    return {"reference": db.transact(lambda s: complaints.submit(s, body, limits=db.limits()))}, 201


@bp.get("/public/complaints/<reference>")
def get_complaint_status(reference: str) -> Any:
    """A complaint's status, steps and reply when `contact` matches; 404 alike for a wrong reference or contact."""
    check_lookup_rate()
    try:
        found = complaint_status.lookup(db.session(), reference, request.args.get("contact") or "")
    except NotFound:
        count_failed_lookup()
        raise
    return complaint_texts.status_item(found)
