"""The agency settings an administrator edits: letterhead, emblem, signatories, grade bands, letter
numbering and the office calendar.

Each function checks every value of its section first and stores nothing when one is wrong
(ValidationFailed, one detail per field); each stored setting is audited by `engine.settings.put`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import settings
from engine.documents.numbers import LetterSequence, valid_pattern
from engine.errors import ValidationFailed, field_error
from engine.people.accounts import require_admin
from engine.people.users import Actor
from engine.workflow.runtime import WIB

LETTERHEAD = ("agency_government", "agency_name", "agency_address", "agency_phone", "agency_fax",
              "agency_email", "agency_website", "agency_place", "letter_unit", "letter_number_pattern")
LETTERHEAD_LIMIT = 300
NUMBERING_MODES = ("per_code", "per_year")
SIGNATORY_FIELDS = ("position", "name", "rank", "nip")
# An emblem is a small picture at the side of the letterhead; bigger uploads are refused before decoding,
# and the stored copy is re-encoded as a PNG of at most this many pixels a side.
EMBLEM_MAX_BYTES = 512 * 1024
EMBLEM_MAX_PIXELS = 4000 * 4000
EMBLEM_SIDE = 400
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_NIP = re.compile(r"^\d{18}$")


def _store(session: Session, actor: Actor, values: Mapping[str, Any]) -> list[str]:
    """Put each value that differs from the current one; returns the keys changed."""
    changed = []
    for key, value in values.items():
        if settings.get(session, key) != value:
            settings.put(session, key, value, actor.username)
            changed.append(key)
    return changed


def _refuse(details: list[dict[str, Any]]) -> None:
    if details:
        raise ValidationFailed("form_invalid", details=details)


def save_letterhead(session: Session, actor: Actor, values: Mapping[str, str]) -> list[str]:
    """The letterhead lines, the place letters are signed, the unit and the number pattern."""
    require_admin(actor)
    details = []
    cleaned = {key: str(values.get(key) or "").strip() for key in LETTERHEAD}
    for key, value in cleaned.items():
        if not value and key not in ("agency_fax", "agency_website"):
            details.append(field_error(key, "required"))
        elif len(value) > LETTERHEAD_LIMIT:
            details.append(field_error(key, "max_length", limit=LETTERHEAD_LIMIT))
    if cleaned["letter_number_pattern"] and not valid_pattern(cleaned["letter_number_pattern"]):
        details.append(field_error("letter_number_pattern", "number_pattern_invalid"))
    _refuse(details)
    return _store(session, actor, cleaned)


def save_numbering(session: Session, actor: Actor, mode: str, today: date | None = None) -> list[str]:
    """Letter numbers per classification code or one register for the year.

    The mode changes only while no number has been given out this year: a register switched mid-year
    would repeat or skip numbers already on paper.
    """
    require_admin(actor)
    if mode not in NUMBERING_MODES:
        _refuse([field_error("letter_numbering", "not_a_choice")])
    year = (today or datetime.now(WIB).date()).year
    if mode != settings.get(session, "letter_numbering") and session.scalar(
            select(LetterSequence.code).where(LetterSequence.year == year).limit(1)) is not None:
        _refuse([field_error("letter_numbering", "numbering_in_use", year=year)])
    return _store(session, actor, {"letter_numbering": mode})


def save_signatories(session: Session, actor: Actor, signatories: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Position, name, rank and NIP of each known signatory (the keys letters refer to)."""
    require_admin(actor)
    current = settings.get(session, "letter_signatories")
    details = []
    updated: dict[str, dict[str, str]] = {}
    for key, person in current.items():
        given = signatories.get(key, person)
        entry = {name: re.sub(r"\s+", " ", str(given.get(name) or "")).strip() for name in SIGNATORY_FIELDS}
        entry["nip"] = entry["nip"].replace(" ", "")
        for name in ("position", "name"):
            if not entry[name]:
                details.append(field_error(f"{key}.{name}", "required"))
            elif len(entry[name]) > LETTERHEAD_LIMIT:
                details.append(field_error(f"{key}.{name}", "max_length", limit=LETTERHEAD_LIMIT))
        if entry["nip"] and not _NIP.match(entry["nip"]):
            details.append(field_error(f"{key}.nip", "nip_format"))
        updated[key] = entry
    _refuse(details)
    return _store(session, actor, {"letter_signatories": updated})


def save_grade_bands(session: Session, actor: Actor, bands: list[tuple[str, Any]], below_label: str) -> list[str]:
    """Accreditation grades and their lowest scores (highest first); below the last: `below_label`."""
    require_admin(actor)
    details = []
    parsed: list[list[Any]] = []
    for index, (grade, lowest) in enumerate(bands):
        grade = str(grade).strip()
        try:
            score = float(str(lowest).replace(",", "."))
        except ValueError:
            score = None
        if not grade or len(grade) > 40:
            details.append(field_error(f"grade_bands.{index}", "band_grade"))
        elif score is None or not 0 <= score <= 100:
            details.append(field_error(f"grade_bands.{index}", "band_score", grade=grade))
        else:
            parsed.append([grade, score])
    if not bands:
        details.append(field_error("grade_bands", "min_items", limit=1))
    grades = [band[0] for band in parsed]
    if len(set(grades)) != len(grades):
        details.append(field_error("grade_bands", "band_duplicate"))
    scores = [band[1] for band in parsed]
    if any(a <= b for a, b in zip(scores, scores[1:], strict=False)):
        details.append(field_error("grade_bands", "band_order"))
    label = below_label.strip()
    if not label:
        details.append(field_error("not_accredited_label", "required"))
    _refuse(details)
    return _store(session, actor, {"grade_bands": parsed, "not_accredited_label": label})


def save_calendar(session: Session, actor: Actor, *, start: str, end: str, working_days: list[int],
                  days_off: list[tuple[str, str]]) -> list[str]:
    """Office hours (WIB), working days (ISO numbers, 1 = Monday) and the agency's own days off."""
    require_admin(actor)
    details = []
    start, end = start.strip(), end.strip()
    for name, value in (("start", start), ("end", end)):
        if not _TIME.match(value):
            details.append(field_error(name, "time_format"))
    if not details and start >= end:
        details.append(field_error("end", "end_before_start", start=start))
    days = sorted(set(working_days))
    if not days:
        details.append(field_error("working_days", "min_items", limit=1))
    elif any(d not in range(1, 8) for d in days):
        details.append(field_error("working_days", "not_a_choice"))
    off: list[dict[str, str]] = []
    for index, (text, note) in enumerate(days_off):
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            details.append(field_error(f"days_off.{index}", "day_off_format", value=text.strip()[:40]))
            continue
        off.append({"date": day.isoformat(), "note": note.strip()[:200]})
    if len({d["date"] for d in off}) != len(off):
        details.append(field_error("days_off", "duplicate_items"))
    _refuse(details)
    return _store(session, actor, {"office_hours": {"start": start, "end": end}, "working_days": days,
                                   "days_off": sorted(off, key=lambda d: d["date"])})


def save_emblem(session: Session, actor: Actor, raw: bytes) -> str:
    """Store the regency emblem from an uploaded PNG or JPEG (decoded and re-encoded); returns its hash."""
    require_admin(actor)
    if not raw:
        _refuse([field_error("emblem", "required")])
    if len(raw) > EMBLEM_MAX_BYTES:
        _refuse([field_error("emblem", "emblem_too_large", limit_kb=EMBLEM_MAX_BYTES // 1024)])
    png = _reencoded(raw)
    digest = hashlib.sha256(png).hexdigest()
    settings.put(session, "agency_emblem", "data:image/png;base64," + base64.b64encode(png).decode(),
                 actor.username, shown={"sha256": digest, "bytes": len(png)})
    return digest


def remove_emblem(session: Session, actor: Actor) -> None:
    """Print letters without an emblem again."""
    require_admin(actor)
    if settings.get(session, "agency_emblem"):
        settings.put(session, "agency_emblem", "", actor.username)


def _reencoded(raw: bytes) -> bytes:
    """The picture as a fresh PNG: only PNG and JPEG are accepted, and only if they decode whole.

    Decoding alone is not proof of a whole file: WeasyPrint sets Pillow's process-wide
    LOAD_TRUNCATED_IMAGES, so a cut-off file would load padded. PNG chunks are therefore verified
    (lengths and CRCs up to IEND) and a JPEG must end with its end-of-image marker.
    """
    try:
        with Image.open(io.BytesIO(raw), formats=("PNG", "JPEG")) as image:
            width, height = image.size
            if width * height > EMBLEM_MAX_PIXELS:
                _refuse([field_error("emblem", "emblem_too_many_pixels", width=width, height=height)])
            whole = raw.rstrip(b"\0").endswith(b"\xff\xd9") if image.format == "JPEG" else True
            image.verify()
        if not whole:
            raise ValueError("JPEG without its end-of-image marker")
        with Image.open(io.BytesIO(raw), formats=("PNG", "JPEG")) as image:
            image.load()
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationFailed("form_invalid", details=[field_error("emblem", "emblem_not_image")]) from exc
    picture.thumbnail((EMBLEM_SIDE, EMBLEM_SIDE))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()
