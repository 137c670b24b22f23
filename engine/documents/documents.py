"""Documents produced when SOP steps complete: official letters and reports, numbered and reproducible.

Creating a document runs inside the completion's transaction, so it only writes a row: the kind,
the letter number and a JSON context holding everything the template needs (a snapshot of the
step's data, the agency settings and signatories of that moment, the officers named in the data).
The PDF is rendered later from (kind, context) by `letters.render_pdf`, injected into `pdf_bytes`,
and cached on the row; rendering the same context always gives the same file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ForeignKey, LargeBinary, String, Table, UniqueConstraint, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import settings
from engine.db import Base, execute, intpk, is_retryable, utcnow
from engine.documents import numbers
from engine.errors import BadRequest, NotFound
from engine.libraries import registry
from engine.libraries.results import LibraryResult
from engine.models import Instance, Task, TaskStatus, User
from engine.people.users import Actor
from engine.settings import DEFAULTS
from engine.workflow.runtime import WIB
from engine.workflow.steps import StepDone, plain

log = logging.getLogger(__name__)

# The kinds a BPMN task may list in its `documents` property, with the title shown in lists.
KINDS: dict[str, str] = {
    "monev_notification": "Surat Pemberitahuan Jadwal Monev",
    "surat_tugas": "Surat Tugas",
    "monev_report": "Laporan Hasil Monev",
    "monev_summary": "Rekapitulasi Hasil Monev",
    "coaching_notification": "Surat Pemberitahuan Jadwal Pembinaan",
    "accreditation_summary": "Ringkasan Hasil Akreditasi",
    "complaint_reply": "Surat Balasan Pengaduan",
}
# Settings copied into every context, read in one query.
SETTING_KEYS = ("agency_government", "agency_name", "agency_address", "agency_phone", "agency_fax",
                "agency_email", "agency_website", "agency_place", "agency_emblem", "letter_numbering",
                "letter_unit", "letter_number_pattern",
                "letter_codes", "letter_signatories", "letter_signers", "letter_legal_bases",
                "letter_recipients", "letter_copies", "letter_budget_basis", "letter_order_word",
                "letter_no_gratuity", "letter_free_of_charge", "letter_contact", "letter_visit_time",
                "letter_supervisors", "letter_number_timing")
# Letter texts copied into every context (the keys without `letter_`).
TEXT_KEYS = ("letter_order_word", "letter_no_gratuity", "letter_free_of_charge", "letter_visit_time")
# Kinds about one library (the step's work item), and those that list the cycle's monev results.
LIBRARY_KINDS = frozenset({"surat_tugas", "monev_report", "accreditation_summary"})
RESULT_KINDS = frozenset({"monev_report", "monev_summary", "accreditation_summary"})
# Kinds that assign one officer to one visit: they concern that visit's tasks, not the whole cycle's.
ASSIGNMENT_KINDS = frozenset({"surat_tugas"})
# Kinds of which only the latest stays in force: a new one replaces the earlier one of the same
# library (a surat tugas for a rescheduled visit) or of the cycle (a corrected notification letter).
REPLACED_KINDS = frozenset({"surat_tugas", "monev_notification", "coaching_notification"})
# Data keys whose string values name users whose name, NIP, rank and position a letter prints.
OFFICER_KEYS = frozenset({"officer", "petugas"})
# Data keys whose lists of strings name the other members of a visit team.
MEMBER_KEYS = frozenset({"members", "anggota"})
# Where a session keeps the settings a document context needs, built once per transaction.
_SETTINGS_CACHE = "senapas.document_settings"


class Document(Base):
    """A generated letter or report; `context` is everything its template needs, frozen at creation."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("code", "year", "seq"),)

    id: Mapped[intpk]
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    step: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    number: Mapped[str | None] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(50))
    year: Mapped[int | None]
    seq: Mapped[int | None]
    context: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    rendered_at: Mapped[datetime | None]
    # The document issued in its place (a surat tugas for a rescheduled visit, a corrected letter).
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))

    @property
    def filename(self) -> str:
        """A download name built from the kind and the number (or id), never from user input."""
        stem = self.kind.replace("_", "-")
        if self.code and self.seq and self.year:
            code = re.sub(r"[^0-9a-z]+", "-", self.code.lower()).strip("-")
            return f"{stem}-{code}-{self.seq}-{self.year}.pdf"
        return f"{stem}-{self.id}.pdf"


_DOCUMENTS = cast(Table, Document.__table__)


def on_step_done(session: Session, instance: Instance, step: StepDone, actor: Actor) -> list[Document]:
    """Create the documents a step produces: `documents` when it completes, `documentsOnOpen` when it opens."""
    created = []
    for kind in step.listed("documentsOnOpen" if step.opened else "documents"):
        if kind not in KINDS:
            # Lint should refuse this at deploy; a running instance must still be able to move on.
            log.warning("step %s of instance %s lists unknown document kind %r", step.name, instance.id, kind)
            continue
        created.append(create(session, instance, kind, step.data, actor, task_id=step.task_id,
                              step=step.name, item_key=step.item_key, item_label=step.item_label))
    return created


def create(session: Session, instance: Instance, kind: str, data: dict[str, Any], actor: Actor, *,
           task_id: str | None = None, step: str = "", item_key: str | None = None,
           item_label: str | None = None) -> Document:
    """Number and store one document of `kind` from a step's data, in the caller's transaction."""
    if kind not in KINDS:
        raise BadRequest("unknown_document_kind", kind=kind)
    now = utcnow()
    local = now.astimezone(WIB)
    config = _settings(session)
    snapshot = plain(data)
    library = _library(session, item_key) if kind in LIBRARY_KINDS else None
    results = cycle_results(session, instance.id, _int(item_key) if kind in LIBRARY_KINDS else None) \
        if kind in RESULT_KINDS else []
    officers = _officers(session, {actor.username, *_officer_names(snapshot), *_officer_names(results)})
    # The number is taken last: on PostgreSQL its row stays locked until the transaction ends.
    code = str(config["letter_codes"].get(kind) or "").strip() or None
    # With numbers issued later, the letter waits unnumbered (its date can still be set) until then.
    pending = bool(code) and config["letter_number_timing"] == "on_issue"
    seq = numbers.allocate(session, numbers.sequence_key(code, config["letter_numbering"]), local.year) \
        if code and not pending else None
    number = None if seq is None or code is None else numbers.format_number(
        config["letter_number_pattern"], code=code, seq=seq, unit=config["letter_unit"], when=local)
    item_label = item_label or (library or {}).get("library_name")
    context = {
        "kind": kind,
        "number": number,
        "date": local.date().isoformat(),
        "place": config["agency_place"],
        "agency": {key[len("agency_"):]: config[key] for key in SETTING_KEYS if key.startswith("agency_")},
        "signatory": _signatory(config, kind),
        "copies": list(config["letter_copies"].get(kind, [])),
        "recipients": dict(config["letter_recipients"]),
        "legal_bases": list(config["letter_legal_bases"]) if kind == "surat_tugas" else [],
        "budget_basis": str(config["letter_budget_basis"]) if kind == "surat_tugas" else "",
        "texts": {key[len("letter_"):]: config[key] for key in TEXT_KEYS},
        "contact": dict(config["letter_contact"]),
        "supervisors": dict(config["letter_supervisors"]),
        "number_pending": pending,
        "officers": officers,
        "actor": actor.username,
        "item": {"key": item_key, "label": item_label},
        "library": library,
        "results": results,
        "step": step,
        "instance": {"id": instance.id, "title": instance.title},
        "data": snapshot,
    }
    values = {"instance_id": instance.id, "task_id": task_id, "step": step, "kind": kind,
              "title": _title(kind, snapshot, item_label)[:300], "number": number,
              "code": code if seq else None, "year": local.year if seq else None, "seq": seq,
              "context": context, "created_at": now, "created_by": actor.username}
    # Written at once with a prepared INSERT: a document is never changed in the action that makes it.
    document = Document(**values)
    document.id = execute(session, _INSERT_DOCUMENT, values).scalar_one()
    if kind in REPLACED_KINDS:
        _replace_earlier(session, document, item_key if kind in LIBRARY_KINDS else None)
    return document


_TASKS = cast(Table, Task.__table__)
# The letters of one kind still in force that the same step issued (the same BPMN task).
_IN_FORCE = select(_DOCUMENTS.c.id, _DOCUMENTS.c.context, _TASKS.c.status).join_from(
    _DOCUMENTS, _TASKS, _TASKS.c.id == _DOCUMENTS.c.task_id, isouter=True).where(
    _DOCUMENTS.c.instance_id == bindparam("instance_id"), _DOCUMENTS.c.kind == bindparam("kind"),
    _DOCUMENTS.c.step == bindparam("step"), _DOCUMENTS.c.replaced_by.is_(None),
    _DOCUMENTS.c.id != bindparam("new_id"))
_REPLACE = update(_DOCUMENTS).where(_DOCUMENTS.c.id.in_(bindparam("ids", expanding=True))).values(
    replaced_by=bindparam("new_id"))


def _replace_earlier(session: Session, document: Document, item_key: str | None) -> None:
    """Mark the letter `document` supersedes as replaced: the same step's, library's and kind's earlier one.

    A surat tugas replaces only the one of a visit that was called off before it was done (its task
    cancelled by a reschedule or an escalation), never the letter of a visit that took place or of
    another step; a notification letter issued again by its step (after a correction) replaces the
    step's earlier one.
    """
    params = {"instance_id": document.instance_id, "kind": document.kind, "step": document.step,
              "new_id": document.id}
    earlier = [row.id for row in execute(session, _IN_FORCE, params)
               if str(((row.context or {}).get("item") or {}).get("key") or "") == str(item_key or "")
               and (document.kind not in ASSIGNMENT_KINDS or row.status == TaskStatus.CANCELLED)]
    if earlier:
        execute(session, _REPLACE, {"ids": earlier, "new_id": document.id})


_RESULTS = cast(Table, LibraryResult.__table__)
_LIBRARIES = cast(Table, registry.Library.__table__)
# Columns, not objects: a letter lists every result of the cycle, and only reads them.
_CYCLE_RESULTS = (select(*(_LIBRARIES.c[name] for name in registry.SUMMARY_FIELDS), _RESULTS.c.score,
                         _RESULTS.c.grade, _RESULTS.c.components, _RESULTS.c.recorded_by, _RESULTS.c.recorded_at,
                         _RESULTS.c.details)
                  .join_from(_RESULTS, _LIBRARIES, _LIBRARIES.c.id == _RESULTS.c.library_id)
                  .where(_RESULTS.c.instance_id == bindparam("instance_id"), _RESULTS.c.kind == "monev")
                  .order_by(_RESULTS.c.recorded_at, _RESULTS.c.id))
_LIBRARY_CYCLE_RESULTS = _CYCLE_RESULTS.where(_RESULTS.c.library_id == bindparam("library_id"))


def cycle_results(session: Session, instance_id: int, library_id: int | None = None) -> list[dict[str, Any]]:
    """A cycle's monev results (optionally one library's) as JSON rows: registry facts, score, grade, readiness."""
    query, params = _CYCLE_RESULTS, {"instance_id": instance_id}
    if library_id is not None:
        query, params = _LIBRARY_CYCLE_RESULTS, {**params, "library_id": library_id}
    rows = []
    for row in execute(session, query, params):
        details = row.details or {}
        # The scheduled team and the visit's date, not who typed the result in or when.
        rows.append({**registry.summary(row), "total": row.score, "grade": row.grade,
                     "components": list(row.components or []), "officer": details.get("officer") or row.recorded_by,
                     "members": list(details.get("members") or []),
                     "date": details.get("visit_date") or row.recorded_at.astimezone(WIB).date().isoformat(),
                     "ready": details.get("ready_for_coaching"), "instrument": details.get("instrument"),
                     "instrument_title": details.get("instrument_title"), "profil": details.get("profil"),
                     "weakest": list(details.get("weakest") or [])})
    return rows  # plain JSON values already: registry columns, a score, text, and the JSON columns' content


def get(session: Session, document_id: int) -> Document:
    """One document by id."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("document_not_found")
    return document


def list_for_instance(session: Session, instance_id: int) -> list[Document]:
    """The documents of an instance, oldest first."""
    return list(session.scalars(select(Document).where(Document.instance_id == instance_id)
                                .order_by(Document.created_at, Document.id)))


def list_for_task(session: Session, task_id: str) -> list[Document]:
    """The documents the completion of one task produced."""
    return list(session.scalars(select(Document).where(Document.task_id == task_id)
                                .order_by(Document.created_at, Document.id)))


def concerning(session: Session, task_id: str, instance_id: int, item_key: str | None) -> list[Document]:
    """The documents a person working on a task needs at hand, its own first.

    Its own are those made for it (the surat tugas of a visit, made when the visit opens) or by it. A
    task on one library also gets the cycle's other documents about that library; a task on the whole
    cycle gets the latest letter or report of each kind and library (the letter a partner confirms,
    the monev reports kabid chooses from), without the officers' surat tugas.
    """
    own, others, latest = [], [], {}
    for document in list_for_instance(session, instance_id):
        key = str(((document.context or {}).get("item") or {}).get("key") or "") or None
        if document.task_id == task_id:
            own.append(document)
        elif item_key is not None:
            if key == item_key and document.kind in LIBRARY_KINDS:
                others.append(document)
        elif document.kind not in ASSIGNMENT_KINDS:
            latest[(document.kind, key)] = document
    if item_key is None:
        others = sorted(latest.values(), key=lambda d: (d.created_at, d.id))
    return own + others


def pdf_bytes(session: Session, document: Document, render: Callable[[Document], bytes]) -> bytes:
    """The document's PDF: the cached one, or rendered now and cached in the caller's transaction.

    Caching is best effort: two first downloads may both render (the result is the same), and a
    cache write that loses a lock race is dropped rather than failing the download.
    """
    if document.pdf is not None:
        return document.pdf
    pdf = render(document)
    try:
        with session.begin_nested():
            session.execute(update(Document).where(Document.id == document.id, Document.pdf.is_(None))
                            .values(pdf=pdf, rendered_at=utcnow()).execution_options(synchronize_session=False))
    except DBAPIError as exc:
        if not is_retryable(exc):
            raise
        log.debug("PDF of document %s not cached: %s", document.id, exc)
    return pdf


def _settings(session: Session) -> dict[str, Any]:
    """The settings a context needs, stored values over defaults (built once per transaction)."""
    stored = settings.stored(session)
    cached = session.info.get(_SETTINGS_CACHE)
    if cached is not None and cached[0] is stored:
        found: dict[str, Any] = cached[1]
        return found
    values = {key: DEFAULTS[key] for key in SETTING_KEYS}
    for key, value in stored.items():
        if key in values:
            # A stored table (codes per kind, signatories…) overrides the defaults key by key, so a kind
            # added later, or left out by the administrator, keeps its default instead of losing it.
            values[key] = {**DEFAULTS[key], **value} if isinstance(value, dict) else value
    values = plain(values)
    session.info[_SETTINGS_CACHE] = (stored, values)
    return values


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


_HEAD = select(_LIBRARIES.c.head_name, _LIBRARIES.c.head_nip, _LIBRARIES.c.profile).where(
    _LIBRARIES.c.id == bindparam("id"))


def _library(session: Session, item_key: str | None) -> dict[str, Any] | None:
    """The registry facts of the step's library (with its head and profile figures), when it is registered."""
    library_id = _int(item_key)
    found = registry.summaries(session, [library_id]).get(library_id) if library_id is not None else None
    if found is None:
        return None
    head = execute(session, _HEAD, {"id": library_id}).one()
    return {**found, "head_name": head.head_name, "head_nip": head.head_nip, "profile": plain(head.profile or {})}


def _signatory(config: dict[str, Any], kind: str) -> dict[str, str]:
    signers: dict[str, Any] = config["letter_signatories"]
    role = config["letter_signers"].get(kind, "kepala_dinas")
    chosen: dict[str, Any] = signers.get(role) or next(iter(signers.values()), {})
    return {key: str(chosen.get(key, "")) for key in ("position", "name", "rank", "nip")}


_INSERT_DOCUMENT = insert(_DOCUMENTS).returning(_DOCUMENTS.c.id)
_USERS = cast(Table, User.__table__)
_OFFICER_COLUMNS = (_USERS.c.username, _USERS.c.name, _USERS.c.nip, _USERS.c.rank, _USERS.c.position)
# An expanding IN is rendered again on every call: one name (the acting officer alone) takes the plain one.
_OFFICER = select(*_OFFICER_COLUMNS).where(_USERS.c.username == bindparam("name"))
_OFFICERS = select(*_OFFICER_COLUMNS).where(_USERS.c.username.in_(bindparam("names", expanding=True)))


def _officers(session: Session, usernames: set[str]) -> dict[str, dict[str, str]]:
    """Name, NIP, rank and position of the named users that exist, by username."""
    names = sorted(u for u in usernames if u)
    if not names:
        return {}
    users = execute(session, _OFFICER, {"name": names[0]}) if len(names) == 1 else \
        execute(session, _OFFICERS, {"names": names})
    return {u.username: {"name": u.name, "nip": u.nip, "rank": u.rank, "position": u.position} for u in users}


def _officer_names(value: Any, depth: int = 0) -> Iterator[str]:
    if depth > 4:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key in OFFICER_KEYS and isinstance(item, str):
                yield item.strip().lower()
            elif key in OFFICER_KEYS | MEMBER_KEYS and isinstance(item, list):
                yield from (name.strip().lower() for name in item if isinstance(name, str))
            else:
                yield from _officer_names(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _officer_names(item, depth + 1)


def _title(kind: str, data: dict[str, Any], item_label: str | None) -> str:
    letter = data.get({"monev_notification": "surat_monev", "coaching_notification": "surat_pembinaan"}
                      .get(kind, ""))
    if isinstance(letter, dict) and isinstance(letter.get("perihal"), str) and letter["perihal"].strip():
        return letter["perihal"].strip()
    if kind == "complaint_reply" and data.get("reference"):
        return f"{KINDS[kind]} {data['reference']}"
    if kind == "monev_summary" and isinstance(data.get("periode"), str):
        return f"{KINDS[kind]} – {data['periode']}"
    if kind == "accreditation_summary" and isinstance(data.get("mundur"), dict) and data["mundur"]:
        return f"Ringkasan Pembinaan (mundur) – {item_label}" if item_label else "Ringkasan Pembinaan (mundur)"
    return f"{KINDS[kind]} – {item_label}" if item_label else KINDS[kind]
