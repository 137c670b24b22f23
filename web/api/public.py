"""API: the public complaint endpoints, sending one and looking up its status (no login, rate-limited per client)."""

from __future__ import annotations

from typing import Any

from flask import request

from engine import complaint_status, complaints
from engine.complaints import CHANNELS
from engine.errors import NotFound
from web import complaint_texts, db
from web.api import declare
from web.api.base import bp, json_body
from web.api.schemas import body, ref
from web.callers import check_complaint_rate, check_lookup_rate, count_failed_lookup

TRIMMED = "^\\S(?:[\\s\\S]*\\S)?$"  # what the form counts is the text without surrounding blanks
COMPLAINT = body({"name": {"type": "string", "minLength": 2, "maxLength": 120, "pattern": TRIMMED},
                  "contact": {"type": "string", "minLength": 3, "maxLength": 120, "pattern": TRIMMED,
                              "description": "phone/WhatsApp number or email address for the reply"},
                  "channel": {"type": "string", "enum": [*(key for key, _, _ in CHANNELS), "web"]},
                  "message": {"type": "string", "minLength": 10, "maxLength": 5000, "pattern": TRIMMED}},
                 ("name", "contact", "channel", "message"))


@declare.route(bp, "/public/complaints", "POST", summary="Send a complaint (no login; rate-limited per client)",
               tag="public", security="none", body=COMPLAINT,
               responses={201: {"type": "object", "required": ["reference"],
                                "properties": {"reference": {"type": "string"}}},
                          422: ("invalid_data",), 429: None},
               links={201: {"Status": {"operationId": "get_complaint_status", "parameters": {
                   "reference": "$response.body#/reference", "contact": "$request.body#/contact"}}}})
def post_complaint() -> Any:
    """Start a `pengaduan` instance from a complaint; 201 with its reference."""
    check_complaint_rate()
    body = json_body()
    return {"reference": db.transact(lambda s: complaints.submit(s, body, limits=db.limits()))}, 201


@declare.route(bp, "/public/complaints/<reference>", "GET", summary="A complaint's status when `contact` matches "
               "(no login); 404 alike for a wrong reference or contact", tag="public", security="none",
               path={"reference": {"type": "string", "minLength": 1, "maxLength": 40,
                                   "pattern": "^[A-Za-z0-9-]+$", "examples": ["ADU-2026-000001"]}},
               query={"type": "object",
                      "properties": {"contact": {"type": "string", "maxLength": 120,
                                                 "pattern": "^[^\\x00]*$"}}},
               responses={200: ref("ComplaintStatus"), 429: None})
def get_complaint_status(reference: str) -> Any:
    """A complaint's status, steps and reply when `contact` matches; 404 alike for a wrong reference or contact."""
    check_lookup_rate()
    try:
        found = complaint_status.lookup(db.session(), reference, request.args.get("contact") or "")
    except NotFound:
        count_failed_lookup()
        raise
    return complaint_texts.status_item(found)
