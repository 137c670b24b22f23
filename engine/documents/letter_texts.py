"""The letter texts an administrator edits: the Dasar and DPA of a surat tugas, its diktum and no-gift
statement, the notification letters' no-fee statement, contact person, default visit time and
addressees by who supervises a library, and when letters get their numbers.

Like the other settings sections, every value is checked first and nothing is stored when one is
wrong (ValidationFailed, one detail per field); each stored setting is audited by `engine.settings.put`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine import settings
from engine.errors import ValidationFailed, field_error
from engine.libraries.fields import LIBRARY_TYPES, SCHOOL_LEVELS
from engine.people.accounts import require_admin
from engine.people.users import Actor

KEYS = ("letter_legal_bases", "letter_budget_basis", "letter_order_word", "letter_no_gratuity",
        "letter_free_of_charge", "letter_contact", "letter_visit_time", "letter_supervisors",
        "letter_number_timing")
ORDER_WORDS = ("MENUGASKAN", "MEMERINTAHKAN")
NUMBER_TIMINGS = ("on_create", "on_issue")
LINE_LIMIT = 500
SHORT_LIMIT = 100
BASES_MAX = 15
_SUPERVISOR_KEY = re.compile(r"^([a-z_]+)(?::([A-Za-z]+))?$")


def _text(details: list[dict[str, Any]], key: str, value: Any, limit: int, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        details.append(field_error(key, "required"))
    elif len(text) > limit:
        details.append(field_error(key, "max_length", limit=limit))
    return text


def _supervisors(details: list[dict[str, Any]], table: Mapping[str, Any]) -> dict[str, str]:
    cleaned = {}
    for key, value in table.items():
        match = _SUPERVISOR_KEY.fullmatch(str(key).strip())
        if not match or match.group(1) not in LIBRARY_TYPES or (match.group(2) and match.group(2) not in SCHOOL_LEVELS):
            details.append(field_error("letter_supervisors", "supervisor_key_unknown", key=str(key)[:60],
                                       types=", ".join(LIBRARY_TYPES)))
            continue
        cleaned[match.group(0)] = _text(details, "letter_supervisors", value, SHORT_LIMIT * 2)
    return cleaned


def save_letter_texts(session: Session, actor: Actor, values: Mapping[str, Any]) -> list[str]:
    """Check and store the letter texts section; returns the keys changed."""
    require_admin(actor)
    details: list[dict[str, Any]] = []
    bases = [_text(details, "letter_legal_bases", b, LINE_LIMIT) for b in values.get("letter_legal_bases") or []]
    if not bases:
        details.append(field_error("letter_legal_bases", "required"))
    elif len(bases) > BASES_MAX:
        details.append(field_error("letter_legal_bases", "too_many_lines", limit=BASES_MAX))
    contact = values.get("letter_contact") or {}
    cleaned: dict[str, Any] = {
        "letter_legal_bases": bases,
        "letter_budget_basis": _text(details, "letter_budget_basis", values.get("letter_budget_basis"), LINE_LIMIT,
                                     required=False),
        "letter_order_word": str(values.get("letter_order_word") or ""),
        "letter_no_gratuity": _text(details, "letter_no_gratuity", values.get("letter_no_gratuity"), LINE_LIMIT),
        "letter_free_of_charge": _text(details, "letter_free_of_charge", values.get("letter_free_of_charge"),
                                       LINE_LIMIT),
        "letter_contact": {"name": _text(details, "letter_contact", contact.get("name"), SHORT_LIMIT),
                           "phone": _text(details, "letter_contact", contact.get("phone"), SHORT_LIMIT, False)},
        "letter_visit_time": _text(details, "letter_visit_time", values.get("letter_visit_time"), SHORT_LIMIT),
        "letter_supervisors": _supervisors(details, values.get("letter_supervisors") or {}),
        "letter_number_timing": str(values.get("letter_number_timing") or ""),
    }
    if cleaned["letter_order_word"] not in ORDER_WORDS:
        details.append(field_error("letter_order_word", "not_a_choice", choices=", ".join(ORDER_WORDS)))
    if cleaned["letter_number_timing"] not in NUMBER_TIMINGS:
        details.append(field_error("letter_number_timing", "not_a_choice", choices=", ".join(NUMBER_TIMINGS)))
    if details:
        raise ValidationFailed("form_invalid", details=details)
    changed = []
    for key in KEYS:
        if settings.get(session, key) != cleaned[key]:
            settings.put(session, key, cleaned[key], actor.username)
            changed.append(key)
    return changed
