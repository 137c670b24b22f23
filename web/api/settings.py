"""API: the agency settings an administrator edits, section by section (the twin of /admin/settings)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from flask import request

from engine import agency, settings
from engine.documents import letter_texts
from engine.errors import BadRequest
from engine.people.accounts import require_admin
from web import db
from web.api import declare
from web.api.base import bp, json_body
from web.api.schemas import file_form
from web.callers import current_actor

SECTIONS = ("letterhead", "signatories", "grade_bands", "calendar", "letter_texts")


def settings_json(values: dict[str, Any]) -> dict[str, Any]:
    """Every setting; the emblem as its hash rather than its bytes."""
    emblem = values.pop("agency_emblem", "")
    png = base64.b64decode(emblem.partition(",")[2]) if emblem else b""
    values["agency_emblem"] = {"sha256": hashlib.sha256(png).hexdigest(), "bytes": len(png)} if png else None
    return values


ADMIN = {403: None}
SETTINGS = {"type": "object", "description": "every setting; the emblem as its hash and size"}


@declare.route(bp, "/settings", "GET", summary="The agency settings (admin)", tag="settings", admin=True,
               responses={200: SETTINGS, **ADMIN})
def get_settings() -> Any:
    """The agency settings (administrators)."""
    require_admin(current_actor())
    return settings_json(settings.all_settings(db.session()))


STRING = {"type": "string"}
TEXTS = {"type": "object", "additionalProperties": STRING}
SECTION_BODIES: dict[str, dict[str, Any]] = {
    "letterhead": {"type": "object", "properties": {
        **{key: STRING for key in agency.LETTERHEAD},
        "letter_numbering": {"type": "string", "enum": ["", *agency.NUMBERING_MODES]}}},
    "signatories": {"type": "object", "additionalProperties": {
        "type": "object", "properties": {name: {"type": ["string", "null"]} for name in agency.SIGNATORY_FIELDS}},
        "description": "per signatory key: position, name, rank, nip"},
    "grade_bands": {"type": "object", "required": ["grade_bands"], "properties": {
        "grade_bands": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                                   "prefixItems": [STRING, {"type": ["number", "string"]}]},
                        "description": "[grade, lowest score] pairs, highest first"},
        "not_accredited_label": STRING}},
    "calendar": {"type": "object", "required": ["working_days"], "properties": {
        "start": STRING, "end": STRING,
        "working_days": {"type": "array", "items": {"type": "integer"}, "description": "ISO days, 1 = Monday"},
        "days_off": {"type": "array", "items": {"type": "object", "required": ["date"], "properties": {
            "date": STRING, "note": {"type": ["string", "null"]}}}}}},
    "letter_texts": {"type": "object", "required": ["letter_legal_bases", "letter_contact", "letter_supervisors"],
                     "properties": {"letter_legal_bases": {"type": "array", "items": STRING},
                                    "letter_contact": TEXTS, "letter_supervisors": TEXTS,
                                    **{key: STRING for key in ("letter_budget_basis", "letter_order_word",
                                                               "letter_no_gratuity", "letter_free_of_charge",
                                                               "letter_visit_time", "letter_number_timing")}}},
}


def _section(section: str) -> Any:
    def put(**_: Any) -> Any:
        return put_settings(section)
    put.__name__ = put.__doc__ = f"put_settings_{section}"
    return declare.route(bp, f"/settings/{section}", "PUT", summary=f"Replace the {section.replace('_', ' ')} "
                         "section of the settings (admin), all or nothing; audited", tag="settings", admin=True,
                         body=SECTION_BODIES[section], responses={
                             200: {"type": "object", "properties": {
                                 "changed": {"type": "array", "items": {"type": "string"}}, "settings": SETTINGS}},
                             **ADMIN, 422: ("invalid_data",)})(put)


def put_settings(section: str) -> Any:
    """Replace one section: letterhead, signatories, grade_bands, calendar or letter_texts; all or nothing."""
    actor = current_actor()
    require_admin(actor)
    body = json_body()

    def work(session: Any) -> dict[str, Any]:
        changed = _SAVE[section](session, actor, body)
        return {"changed": changed, "settings": settings_json(settings.all_settings(session))}
    return db.transact(work)


@declare.route(bp, "/settings/emblem", "PUT", summary="Upload the regency emblem (admin): PNG or JPEG, at most "
               "512 KB, decoded and stored as PNG", tag="settings", admin=True, form=file_form(),
               responses={200: {"type": "object", "properties": {"sha256": {"type": "string"}}}, **ADMIN,
                          422: ("invalid_data",)})
def put_emblem() -> Any:
    """Upload the regency emblem (multipart field `file`, PNG or JPEG)."""
    actor = current_actor()
    require_admin(actor)
    upload = request.files.get("file")
    raw = upload.stream.read(agency.EMBLEM_MAX_BYTES + 1) if upload is not None else b""
    return {"sha256": db.transact(lambda s: agency.save_emblem(s, actor, raw))}


@declare.route(bp, "/settings/emblem", "DELETE", summary="Print letters without an emblem (admin)", tag="settings",
               responses={200: {"type": "object", "properties": {"removed": {"type": "boolean"}}}, **ADMIN})
def delete_emblem() -> Any:
    """Print letters without an emblem."""
    actor = current_actor()
    db.transact(lambda s: agency.remove_emblem(s, actor))
    return {"removed": True}


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key, "")
    if not isinstance(value, str):
        raise BadRequest("text_required", field=key)
    return value


def _letterhead(session: Any, actor: Any, body: dict[str, Any]) -> list[str]:
    changed = agency.save_letterhead(session, actor, {key: _text(body, key) for key in agency.LETTERHEAD})
    return changed + agency.save_numbering(session, actor, _text(body, "letter_numbering") or "per_code")


def _signatories(session: Any, actor: Any, body: dict[str, Any]) -> list[str]:
    if not all(isinstance(v, dict) for v in body.values()):
        raise BadRequest("object_required", field="signatories")
    return agency.save_signatories(session, actor, body)


def _grade_bands(session: Any, actor: Any, body: dict[str, Any]) -> list[str]:
    bands = body.get("grade_bands")
    if not isinstance(bands, list) or not all(isinstance(b, list) and len(b) == 2 for b in bands):
        raise BadRequest("grade_bands_shape")
    return agency.save_grade_bands(session, actor, [(str(g), v) for g, v in bands],
                                   _text(body, "not_accredited_label"))


def _calendar(session: Any, actor: Any, body: dict[str, Any]) -> list[str]:
    days = body.get("working_days")
    off = body.get("days_off", [])
    if not isinstance(days, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in days):
        raise BadRequest("working_days_shape")
    if not isinstance(off, list) or not all(isinstance(d, dict) and isinstance(d.get("date"), str) for d in off):
        raise BadRequest("days_off_shape")
    return agency.save_calendar(session, actor, start=_text(body, "start"), end=_text(body, "end"),
                                working_days=days, days_off=[(d["date"], str(d.get("note") or "")) for d in off])


def _letter_texts(session: Any, actor: Any, body: dict[str, Any]) -> list[str]:
    bases, contact, table = body.get("letter_legal_bases"), body.get("letter_contact"), body.get("letter_supervisors")
    if not isinstance(bases, list) or not all(isinstance(b, str) for b in bases):
        raise BadRequest("text_list_required", field="letter_legal_bases")
    for key, value in (("letter_contact", contact), ("letter_supervisors", table)):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise BadRequest("object_required", field=key)
    texts = {key: _text(body, key) for key in ("letter_budget_basis", "letter_order_word", "letter_no_gratuity",
                                               "letter_free_of_charge", "letter_visit_time", "letter_number_timing")}
    return letter_texts.save_letter_texts(session, actor, {**texts, "letter_legal_bases": bases,
                                                           "letter_contact": contact, "letter_supervisors": table})


_SAVE = {"letterhead": _letterhead, "signatories": _signatories, "grade_bands": _grade_bands,
         "calendar": _calendar, "letter_texts": _letter_texts}
SECTION_VIEWS = [_section(name) for name in SECTIONS]
