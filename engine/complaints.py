"""Complaints from the public: the form they fill in, the reference each gets, and the start of its instance."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine import instances
from engine.definitions import forms, versions
from engine.definitions.elements import ElementInfo, elements
from engine.documents import numbers
from engine.errors import NotFound
from engine.people.users import SYSTEM_ACTOR
from engine.workflow.runtime import DEFAULT_LIMITS, WIB, Limits

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


@dataclass(frozen=True)
class PublicForm:
    """The form the public fills in: JSON Schema, UI schema and the start event's instructions."""

    schema: dict[str, Any]
    ui: dict[str, Any] = field(default_factory=dict)
    instructions: str = ""


def public_form(session: Session) -> PublicForm:
    """The start event's form of the latest `pengaduan` (else the built-in one), closed to extra fields.

    `reference` is left out (the system assigns it) and unknown fields are refused, so the public
    can put nothing into the instance beyond what the form asks.
    """
    schema, ui, instructions = SCHEMA, {}, ""
    try:
        definition = versions.latest(session, PROCESS)
    except NotFound:
        definition = None
    if definition is not None:
        info = elements(definition).get(f"start:{definition.key}", ElementInfo())
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
    return PublicForm(schema, ui, instructions)


def next_reference(session: Session) -> str:
    """The next complaint reference (ADU-2026-000123: per year, gapless), taken in the caller's transaction."""
    year = datetime.now(WIB).year
    return f"{REFERENCE_CODE}-{year}-{numbers.allocate(session, REFERENCE_CODE, year):06d}"


def submit(session: Session, data: Any, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """Validate a complaint, number it and start its instance as the public; returns its reference.

    A start that fails rolls back with the caller's transaction, and its number with it.
    """
    if isinstance(data, dict):
        data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    forms.validate(public_form(session).schema, data)
    reference = next_reference(session)
    instances.start(session, PROCESS, SYSTEM_ACTOR, data, assigned={"reference": reference}, public=True,
                    limits=limits)
    return reference
