"""Issuing the number of a letter made unnumbered (`letter_number_timing` = "on_issue").

Such a letter waits as a draft: its date can be set first, then an authorised user issues its
number, either the next one of Senapas's own register or one taken from the agency's external
register (SRIKANDI or the outgoing-letter book), typed in. Both are audited. The document row is
claimed with a conditional write before it is read, so two officers issuing the same letter at once
give it one number, and the loser takes none from the register (numbers stay gapless).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.db import execute
from engine.documents import access, numbers
from engine.documents.documents import Document
from engine.errors import Conflict, Forbidden, ValidationFailed, field_error
from engine.people.users import Actor
from engine.workflow.runtime import WIB

# Who may set a letter's date and issue its number: the Bidang's heads and the administrator.
ISSUE_ROLES = frozenset({"kabid", "subkoor", "admin"})
NUMBER_MAX = 100
REASON_MAX = 500
# A letter may be dated at most this many days away from today, either way.
DATE_RANGE_DAYS = 366
# What an external register number may hold: letters, digits, and the separators numbers use.
_EXTERNAL = re.compile(r"[0-9A-Za-z][0-9A-Za-z./\-_ ]*")


_DOCUMENTS = cast(Table, Document.__table__)
_CLAIM = (update(_DOCUMENTS).where(_DOCUMENTS.c.id == bindparam("document_id"), _DOCUMENTS.c.number.is_(None))
          .values(rendered_at=None))


def _pending(session: Session, document_id: int, actor: Actor) -> Document:
    """The unnumbered document, locked for this transaction; refused for a numbered one or a caller without the role."""
    if not actor.roles & ISSUE_ROLES:
        raise Forbidden("document_number_forbidden")
    access.visible(session, document_id, actor)
    # The claim is a conditional write: it takes the row's lock (PostgreSQL) or the write lock (SQLite)
    # before anything is read, so a second officer issuing the same letter sees it numbered and stops.
    claimed = execute(session, _CLAIM, {"document_id": document_id}).rowcount
    document = session.scalars(select(Document).where(Document.id == document_id)
                               .execution_options(populate_existing=True)).one()
    if not claimed or document.number is not None or not document.context.get("number_pending"):
        raise Conflict("document_already_numbered", number=document.number or "-")
    return document


def _checked_date(value: date, today: date) -> date:
    if abs((value - today).days) > DATE_RANGE_DAYS:
        raise ValidationFailed(details=[field_error("date", "letter_date_out_of_range", days=DATE_RANGE_DAYS)])
    return value


def set_letter_date(session: Session, document_id: int, actor: Actor, letter_date: date, *,
                    today: date | None = None) -> Document:
    """Date an unnumbered letter (its number, when issued, belongs to that date's year)."""
    document = _pending(session, document_id, actor)
    when = _checked_date(letter_date, today or datetime.now(WIB).date())
    _update_context(document, date=when.isoformat())
    audit.record(session, actor.username, "document_date", instance_id=document.instance_id,
                 data={"document": document.id, "date": when.isoformat()})
    return document


def issue_number(session: Session, document_id: int, actor: Actor, *, external: str | None = None,
                 reason: str = "") -> Document:
    """Give an unnumbered letter its number: the next of the register, or `external` from the agency's register."""
    document = _pending(session, document_id, actor)
    when = date.fromisoformat(str(document.context.get("date")))
    code = str(settings.get(session, "letter_codes").get(document.kind) or "").strip()
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(details=[field_error("reason", "max_length", limit=REASON_MAX)])
    if external is not None:
        number = " ".join(external.split())
        if not number or len(number) > NUMBER_MAX or not _EXTERNAL.fullmatch(number):
            raise ValidationFailed(details=[field_error("number", "letter_number_invalid", limit=NUMBER_MAX)])
        if not reason:
            raise ValidationFailed(details=[field_error("reason", "reason_required")])
        if _looks_like_register(session, number, when):
            # The register would print it for a later letter, which could then never be stored.
            raise ValidationFailed(details=[field_error("number", "letter_number_like_register")])
        # A number is used once, whatever the kind or year (the `number` column is unique).
        taken = session.scalar(select(Document.id).where(Document.number == number))
        if taken is not None:
            raise Conflict("letter_number_taken", number=number)
        seq = None
    else:
        if not code:
            raise Conflict("document_kind_unnumbered", kind=document.kind)
        mode = str(settings.get(session, "letter_numbering"))
        seq = numbers.allocate(session, numbers.sequence_key(code, mode), when.year)
        number = numbers.format_number(str(settings.get(session, "letter_number_pattern")), code=code, seq=seq,
                                       unit=str(settings.get(session, "letter_unit")),
                                       when=datetime.combine(when, time(), WIB))
    document.number, document.year, document.seq = number, when.year, seq
    document.code = code if seq is not None else None
    _update_context(document, number=number, number_pending=False,
                    number_source="external" if external is not None else "register")
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        # Another officer entered the same external number a moment ago.
        raise Conflict("letter_number_taken", number=number) from exc
    audit.record(session, actor.username, "document_number", instance_id=document.instance_id, reason=reason,
                 data={"document": document.id, "kind": document.kind, "number": number,
                       "date": when.isoformat(), "external": external is not None})
    return document


def _looks_like_register(session: Session, number: str, when: date) -> bool:
    """True when Senapas's own register prints numbers of this shape, for any code, number and year."""
    seq, year = 987654321, 9876
    pattern, unit = str(settings.get(session, "letter_number_pattern")), str(settings.get(session, "letter_unit"))
    for code in {str(c).strip() for c in settings.get(session, "letter_codes").values() if str(c).strip()}:
        printed = numbers.format_number(pattern, code=code, seq=seq, unit=unit,
                                        when=datetime(year, when.month, 1, tzinfo=WIB))
        shape = re.escape(printed).replace(str(seq), r"\d+").replace(str(year), r"\d{4}")
        if re.fullmatch(shape, number):
            return True
    return False


def _update_context(document: Document, **changes: Any) -> None:
    # A new mapping (the JSON column is not tracked in place) and a PDF to render again.
    document.context = {**document.context, **changes}
    document.pdf, document.rendered_at = None, None


def issue(session: Session, document_id: int, actor: Actor, *, letter_date: date | None = None,
          external: str | None = None, reason: str = "") -> Document:
    """Date (when a date is given) and number an unnumbered letter in one step, as the page's form does."""
    if letter_date is not None:
        set_letter_date(session, document_id, actor, letter_date)
    return issue_number(session, document_id, actor, external=external, reason=reason)


def may_issue(actor: Actor) -> bool:
    """True when the actor's roles let them date and number letters."""
    return bool(actor.roles & ISSUE_ROLES)
