"""Monev and accreditation results of libraries, kept per library across cycles.

A result is recorded when a BPMN step carrying the `libraryResult` property completes; an
accreditation decision also updates the library's profile. An accreditation still pending at
Perpusnas and a coaching that ended early (the library dropped out) are kept without a score.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ForeignKey, Index, String, Table, bindparam, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import audit, settings
from engine.db import Base, execute, intpk, utcnow
from engine.errors import BadRequest, NotFound
from engine.libraries import registry
from engine.libraries.fields import NPP_FORMAT, as_date, as_text
from engine.models import Instance
from engine.people.users import Actor
from engine.workflow.runtime import WIB
from engine.workflow.steps import StepDone

RESULT_KINDS = ("monev", "accreditation", "coaching")
# The library's figures a monev records at the visit (`profil` of the monev form), as agreed with the letters.
PROFILE_FIGURES = ("koleksi_judul", "koleksi_eksemplar", "tenaga", "tenaga_terlatih", "anggaran", "jam_buka", "npp")
# Where each figure goes in the registry's profile when the officer applies them (the NPP has its own column).
REGISTRY_PROFILE_KEYS = {"koleksi_judul": "collection_titles", "koleksi_eksemplar": "collection_copies",
                         "tenaga": "staff_count", "tenaga_terlatih": "staff_trained", "anggaran": "budget",
                         "jam_buka": "opening_hours"}
DEFAULT_RESULT_VARIABLE: dict[str, str | None] = {"monev": "hasil", "accreditation": None, "coaching": None}
# An accreditation result without a decision yet (no score, the registry keeps its accreditation).
PENDING = "tertunda"


class LibraryResult(Base):
    """One monev, accreditation or coaching result of a library in one cycle (the instance, titled by its period)."""

    __tablename__ = "library_results"
    __table_args__ = (Index("ix_library_results_history", "library_id", "recorded_at"),)

    id: Mapped[intpk]
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="SET NULL"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    task_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(300), default="")
    score: Mapped[float | None]
    grade: Mapped[str] = mapped_column(String(40), default="")
    components: Mapped[list[Any]] = mapped_column(default=list)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(64))


_RESULTS = cast(Table, LibraryResult.__table__)
_INSERT_RESULT = insert(_RESULTS).returning(_RESULTS.c.id)


def grade_for(session: Session, score: float) -> str:
    """The grade of a score under the `grade_bands` setting (below every band: not accredited)."""
    for name, minimum in sorted(settings.get(session, "grade_bands"), key=lambda band: -float(band[1])):
        if score >= float(minimum):
            return str(name)
    return str(settings.get(session, "not_accredited_label"))


def record_result(session: Session, library_id: int, kind: str, score: float | None, recorded_by: str, *,
                  grade: str | None = None, period: str = "", components: list[Any] | None = None,
                  details: dict[str, Any] | None = None, instance_id: int | None = None,
                  task_id: str | None = None, task_name: str | None = None) -> LibraryResult:
    """Add a result to a library's history; an accreditation decision (with a score) updates its profile.

    A monev and an accreditation decision carry a score (0–100); an accreditation whose details say it
    is pending at Perpusnas, and a coaching result (e.g. the library dropped out), have none.
    """
    # Only an accreditation decision changes the library's profile: other results need no more than its id.
    library_id = registry.as_id(library_id)
    details = dict(details or {})
    scoreless = kind == "coaching" or (kind == "accreditation" and details.get("status") == PENDING)
    library = registry.get(session, library_id) if kind == "accreditation" and not scoreless else None
    if library is None and not registry.summaries(session, [library_id]):
        raise NotFound("library_not_found")
    if kind not in RESULT_KINDS:
        raise BadRequest("unknown_result_kind", kind=kind, choices=list(RESULT_KINDS))
    value: float | None = None
    if scoreless and score is None:
        pass
    elif isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
        raise BadRequest("result_score_range", kind=kind, score=repr(score))
    else:
        value = float(score)
    values = {"library_id": library_id, "instance_id": instance_id, "task_id": task_id, "task_name": task_name,
              "kind": kind, "period": period[:300], "score": value,
              "grade": (grade or "") if value is None else (grade or grade_for(session, value)),
              "components": list(components or []), "details": details, "recorded_at": utcnow(),
              "recorded_by": recorded_by}
    # A result is only ever added: one prepared INSERT, visible at once to the letters of the same action.
    result = LibraryResult(**values)
    result.id = execute(session, _INSERT_RESULT, values).scalar_one()
    if library is not None and result.score is not None:
        accredited = result.grade != settings.get(session, "not_accredited_label")
        when = as_date(details.get("date"))
        registry.apply_values(library, {
            "accreditation_status": "terakreditasi" if accredited else "tidak_terakreditasi",
            "accreditation_grade": result.grade, "accreditation_score": result.score,
            "accreditation_year": when.year if isinstance(when, date) else utcnow().astimezone(WIB).year,
            "accreditation_certificate": as_text(details.get("certificate_number"))[:100],
            "accreditation_valid_until": as_date(details.get("valid_until")) or None})
    return result


def apply_profile(session: Session, library_id: int, profile: Mapping[str, Any], actor: Actor, *,
                  instance_id: int | None = None, task_id: str | None = None,
                  task_name: str | None = None) -> list[str]:
    """Copy the profile figures a monev recorded into the registry (the officer chose to); audited."""
    values: dict[str, Any] = {"profile": {REGISTRY_PROFILE_KEYS[key]: profile[key] for key in REGISTRY_PROFILE_KEYS
                                          if profile.get(key) not in (None, "")}}
    npp = re.sub(r"\s+", "", as_text(profile.get("npp"))).upper()
    if NPP_FORMAT.fullmatch(npp):
        values["npp"] = npp
    elif npp:
        values["profile"]["npp_status"] = as_text(profile.get("npp"))[:200]
    library, _ = registry.update_library(session, library_id, **values)
    changed = [name for name in values if name != "profile"] + sorted(values["profile"])
    audit.record(session, actor.username, "library_profile_from_monev", instance_id=instance_id, task_id=task_id,
                 task_name=task_name, data={"library": library.id, "fields": changed, "values": dict(profile)})
    return changed


def history(session: Session, library_id: int) -> list[LibraryResult]:
    """A library's monev, accreditation and coaching results, oldest first."""
    registry.get(session, library_id)
    return list(session.scalars(select(LibraryResult).where(LibraryResult.library_id == library_id)
                                .order_by(LibraryResult.recorded_at, LibraryResult.id)))


def results_of_instance(session: Session, instance_id: int, kind: str | None = None) -> list[LibraryResult]:
    """The results recorded in one cycle (e.g. the monev scores the coaching choice is made from)."""
    query = select(LibraryResult).where(LibraryResult.instance_id == instance_id)
    if kind:
        query = query.where(LibraryResult.kind == kind)
    return list(session.scalars(query.order_by(LibraryResult.recorded_at, LibraryResult.id)))


def monitored(session: Session, instance_id: int) -> list[tuple[registry.Library, LibraryResult]]:
    """Each library with a monev result in this cycle, with its first such result."""
    found: dict[int, tuple[registry.Library, LibraryResult]] = {}
    for result in results_of_instance(session, instance_id, "monev"):
        if result.library_id not in found:
            found[result.library_id] = (registry.get(session, result.library_id), result)
    return list(found.values())



_RESULT_OF_TASK = select(_RESULTS.c.id).where(_RESULTS.c.task_id == bindparam("task_id")).limit(1)


def on_step_done(session: Session, instance: Instance, step: StepDone, actor: Actor) -> None:
    """Record the result of a step whose `libraryResult` property is "monev", "accreditation" or "coaching".

    The library is the step's multi-instance item (or `libraryVariable`, or a `library` value in
    the step's data); the result is the dict named by `resultVariable` (monev default `hasil`, the
    output of `monev_score`; otherwise default: the step's own data). An accreditation result names
    its `status` (`tertunda`: no score yet) and may carry its submission (`pengajuan`) and
    accompaniment visit (`pendampingan`); a coaching result (a drop-out) its `status` and `alasan`.
    A misconfigured step is refused with a message naming it, so a result is never silently lost.
    """
    if step.opened:
        return
    kind = step.properties.get("libraryResult", "").strip()
    if not kind:
        return
    where = f"langkah {step.title or step.name}"
    if kind not in RESULT_KINDS:
        raise BadRequest("step_result_kind_unknown", where=where, kind=kind, choices=list(RESULT_KINDS))
    if execute(session, _RESULT_OF_TASK, {"task_id": step.task_id}).scalar() is not None:
        return
    library_id = _step_library(step)
    if library_id is None:
        raise BadRequest("step_result_library_unknown", where=where, kind=kind)
    if not registry.summaries(session, [library_id]):
        raise BadRequest("step_result_library_missing", where=where, library_id=library_id)
    variable = step.properties.get("resultVariable", "").strip() or DEFAULT_RESULT_VARIABLE[kind]
    found = _lookup(step.data, variable) if variable else step.data
    if not isinstance(found, dict):
        raise BadRequest("step_result_variable_missing", where=where, variable=variable)
    score = _first(found, "total", "score", "nilai")
    scoreless = kind == "coaching" or (kind == "accreditation" and found.get("status") == PENDING)
    if scoreless:
        score = score if isinstance(score, int | float) and not isinstance(score, bool) else None
    elif isinstance(score, bool) or not isinstance(score, int | float):
        raise BadRequest("step_result_without_score", where=where, kind=kind, variable=variable)
    common: dict[str, Any] = {"period": instance.title, "instance_id": instance.id, "task_id": step.task_id,
              "task_name": step.name, "grade": as_text(_first(found, "grade", "predikat")) or None}
    if kind == "coaching":
        details = {"status": as_text(found.get("status")), "reason": as_text(found.get("alasan")),
                   "date": found.get("tanggal"), "round": found.get("putaran"),
                   "visits": found.get("jumlah_pembinaan")}
        record_result(session, library_id, kind, None, actor.username,
                      details={k: v for k, v in details.items() if v not in (None, "")}, **common)
    elif kind == "monev":
        # The monev grade is the agency's reading of the score under its own bands (a setting),
        # whatever bands the instrument script used; accreditation keeps its official grade.
        common["grade"] = None
        threshold = float(settings.get(session, "coaching_threshold"))
        ready = score >= threshold
        raw_profile = step.data.get("profil")
        profile = {key: raw_profile[key] for key in PROFILE_FIGURES
                   if isinstance(raw_profile, Mapping) and raw_profile.get(key) not in (None, "")}
        details = {"instrument": found.get("instrument"), "instrument_title": found.get("instrument_title"),
                   "version": found.get("version"), "profil": profile, **visit_facts(step.data),
                   "coaching_threshold": threshold, "ready_for_coaching": ready,
                   "weakest": found.get("weakest") or []}
        record_result(session, library_id, kind, score, actor.username, components=found.get("components"),
                      details=details, **common)
        if step.data.get("perbarui_registri") is True and profile:
            apply_profile(session, library_id, profile, actor, instance_id=instance.id, task_id=step.task_id,
                          task_name=step.name)
    else:
        submission, visit = _mapping(found.get("pengajuan")), _mapping(found.get("pendampingan"))
        details = {"status": as_text(found.get("status")),
                   "certificate_number": _first(found, "certificate_number", "nomor_sertifikat"),
                   "valid_from": _first(found, "valid_from", "berlaku_mulai"),
                   "valid_until": _first(found, "valid_until", "berlaku_sampai"),
                   "date": _first(found, "date", "tanggal"), "notes": _first(found, "notes", "catatan"),
                   "round": found.get("putaran"),
                   "submission": {k: v for k, v in {"date": submission.get("tanggal_pengajuan"),
                                                    "sipapi": submission.get("nomor_sipapi")}.items() if v} or None,
                   "accompaniment": {k: v for k, v in {"date": visit.get("tanggal"),
                                                       "officers": visit.get("petugas")}.items() if v} or None}
        record_result(session, library_id, kind, None if scoreless else score, actor.username,
                      details={k: v for k, v in details.items() if v not in (None, "")}, **common)


def visit_facts(data: Mapping[str, Any]) -> dict[str, Any]:
    """The scheduled visit a monev result belongs to: its lead officer, the team members and the visit date.

    The date is the one the officer recorded for the visit (`kunjungan_monev.tanggal`), else the
    scheduled one; the people are the scheduled team, not whoever typed the result in.
    """
    visit: Mapping[str, Any] = data["kunjungan"] if isinstance(data.get("kunjungan"), Mapping) else {}
    done: Mapping[str, Any] = data["kunjungan_monev"] if isinstance(data.get("kunjungan_monev"), Mapping) else {}
    members: list[Any] = visit["members"] if isinstance(visit.get("members"), list) else []
    facts = {"officer": as_text(visit.get("officer")) or None,
             "members": [as_text(m) for m in members if as_text(m)],
             "visit_date": as_text(done.get("tanggal")) or as_text(visit.get("visit_date")) or None}
    return {key: value for key, value in facts.items() if value}


def visit_of(result: LibraryResult) -> tuple[str, list[str]]:
    """The visit date (ISO) and the team (lead first) of a result; older results fall back to who recorded it, when."""
    details = result.details or {}
    when = details.get("visit_date") or result.recorded_at.astimezone(WIB).date().isoformat()
    lead = details.get("officer") or result.recorded_by
    return str(when), [str(lead), *(str(m) for m in details.get("members") or [] if m != lead)]


def _step_library(step: StepDone) -> int | None:
    variable = step.properties.get("libraryVariable", "").strip()
    value: Any = _lookup(step.data, variable) if variable else step.item_key
    if value is None:
        value = step.data.get("library")
    if isinstance(value, dict):
        value = value.get("library")
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _lookup(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _first(data: Mapping[str, Any], *keys: str) -> Any:
    return next((data[key] for key in keys if data.get(key) not in (None, "")), None)
