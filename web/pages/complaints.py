"""The public complaint form (no login), rate-limited per client, starting a `pengaduan` instance."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session

from engine import instances, settings
from engine.definitions import forms, versions
from engine.documents import numbers
from engine.errors import NotFound, ValidationFailed
from engine.people.users import SYSTEM_ACTOR
from engine.workflow.runtime import WIB
from web import bpmn_info, db
from web.errors import RateLimited, locale
from web.forms import parse, render
from web.messages import localize_details

bp = Blueprint("complaints", __name__)
PROCESS = "pengaduan"
FIELDS = ("name", "contact", "channel", "message")
# Complaint references count per year in the engine's gapless number sequences, under this code.
REFERENCE_CODE = "ADU"
CHANNELS = [("kotak_saran", "Kotak saran", "Suggestion box"), ("telepon", "Telepon", "Telephone"),
            ("email", "Email", "Email"), ("whatsapp", "WhatsApp", "WhatsApp"), ("lapor", "LAPOR!", "LAPOR!")]
# Used when the deployed `pengaduan` process declares no form on its start event.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Sampaikan pengaduan",
    "description": "Pengaduan, saran, atau keluhan tentang layanan pembinaan perpustakaan Dinas Perpustakaan "
                   "dan Kearsipan Kabupaten Sukoharjo. Tanpa perlu masuk; simpan nomor referensinya.",
    "required": list(FIELDS),
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "title": "Nama", "minLength": 2, "maxLength": 120},
        "contact": {"type": "string", "title": "Kontak", "minLength": 3, "maxLength": 120,
                    "description": "Nomor telepon/WhatsApp atau alamat email untuk balasan."},
        "channel": {"type": "string", "title": "Saluran",
                    "oneOf": [{"const": key, "title": title} for key, title, _ in CHANNELS]},
        "message": {"type": "string", "title": "Isi pengaduan", "minLength": 10, "maxLength": 5000,
                    "x-senapas-widget": "textarea", "description": "Uraikan pengaduan dengan jelas."},
    },
    "x-senapas-i18n": {"en": {
        "title": "Send a complaint",
        "description": "A complaint, suggestion or grievance about the library coaching services of the "
                       "Sukoharjo Library and Archives Office. No login needed; keep the reference number.",
        "fields": {
            "name": {"title": "Name"},
            "contact": {"title": "Contact", "description": "Phone/WhatsApp number or email address for the reply."},
            "channel": {"title": "Channel", "options": {key: en for key, _, en in CHANNELS}},
            "message": {"title": "Complaint", "description": "Describe the complaint clearly."},
        },
    }},
}


def client_key() -> str:
    """The address the rate limit counts (the proxy-corrected remote address)."""
    return request.remote_addr or "unknown"


def check_rate() -> None:
    """Count one complaint for this client; over the limit is a RateLimited error (429)."""
    limiter = db.state().complaints
    key = client_key()
    if not limiter.hit(key):
        raise RateLimited("terlalu banyak pengaduan dari alamat ini; coba lagi nanti", limiter.retry_after(key))


def public_form() -> tuple[dict[str, Any], dict[str, Any], str]:
    """The schema and UI schema of the public form: the start event's form of the latest `pengaduan`.

    `reference` is left out (the system assigns it) and unknown fields are refused, so the public
    can put nothing into the instance beyond what the form asks. Also returns the start event's
    instructions.
    """
    schema, ui, instructions = SCHEMA, {}, ""
    try:
        definition = versions.latest(db.session(), PROCESS)
    except NotFound:
        definition = None
    if definition is not None:
        info = bpmn_info.start_info(definition)
        found = versions.forms_of(definition).get(info.form or "")
        if isinstance(found, dict):
            schema = found
            ui = dict(versions.forms_of(definition).get(info.ui_form or "") or {})
            instructions = info.instructions
    schema = copy.deepcopy(schema)
    schema.get("properties", {}).pop("reference", None)
    schema["required"] = [name for name in schema.get("required", []) if name != "reference"]
    schema["additionalProperties"] = False
    if isinstance(ui.get("ui:order"), list):
        ui["ui:order"] = [name for name in ui["ui:order"] if name != "reference"]
    return schema, ui, instructions


def submit(data: Any) -> str:
    """Validate a complaint, start its instance as the public, and return its reference."""
    if isinstance(data, dict):
        data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    forms.validate(public_form()[0], data)
    return db.transact(lambda s: _start(s, data))


def _start(session_: Session, data: dict[str, Any]) -> str:
    """Number the complaint (ADU-2026-000123: per year, gapless) and start its instance, in one transaction."""
    year = datetime.now(WIB).year
    reference = f"{REFERENCE_CODE}-{year}-{numbers.allocate(session_, REFERENCE_CODE, year):06d}"
    instances.start(session_, PROCESS, SYSTEM_ACTOR, data, assigned={"reference": reference}, public=True,
                    limits=db.limits())
    return reference


@bp.route("/complaints/new", methods=["GET", "POST"])
def new() -> Any:
    """The form; a valid complaint leads to its reference, an invalid one shows its errors inline."""
    values: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    schema, ui, instructions = public_form()
    if request.method == "POST":
        check_rate()
        values = parse.parse(schema, request.form, ui=ui)
        try:
            session["complaint_reference"] = submit(values)
            return redirect(url_for("complaints.done"), 303)
        except ValidationFailed as exc:
            errors = localize_details(exc.details, locale())
    form = render.build(schema, values, errors=errors, ui=ui, lang=locale())
    return render_template("complaint.html", form=form, has_errors=bool(errors),
                           instructions=instructions), 422 if errors else 200


@bp.get("/complaints/done")
def done() -> Any:
    """The reference of the complaint just sent (kept in this browser's session only)."""
    reference = session.get("complaint_reference")
    if not reference:
        return redirect(url_for("complaints.new"))
    return render_template("complaint_done.html", reference=reference,
                           phone=settings.get(db.session(), "agency_phone"))
