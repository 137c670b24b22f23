"""Library registry pages: search the registry, and one library with its monev and accreditation history."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.libraries import access, fields, results
from engine.models import User
from web import db
from web.callers import current_actor

bp = Blueprint("libraries", __name__)
PER_PAGE = 25


@bp.get("/libraries")
@login_required
def index() -> Any:
    """The registry, searchable by name, NPP, NPSN or desa, filtered by kecamatan and type."""
    filters = {k: (request.args.get(k) or "").strip() for k in ("q", "kecamatan", "library_type")}
    page = access.list_libraries(db.session(), current_actor(), q=filters["q"] or None,
                                 kecamatan=filters["kecamatan"] or None, library_type=filters["library_type"] or None,
                                 page=request.args.get("page", 1), per_page=request.args.get("per_page", PER_PAGE))
    return render_template("libraries.html", page=page, filters=filters, kecamatan=fields.KECAMATAN,
                           types=fields.LIBRARY_TYPES)


@bp.get("/libraries/<int:library_id>")
@login_required
def show(library_id: int) -> Any:
    """One library: its profile and its results across monev cycles and accreditations."""
    session = db.session()
    library = access.get(session, current_actor(), library_id)
    history = results.history(session, library.id)
    return render_template("library.html", library=library, results=history, visits=_visits(session, history),
                           letters=access.letters(session, current_actor(), library.id),
                           types=fields.LIBRARY_TYPES, supervisors=fields.SUPERVISORS,
                           automation=fields.AUTOMATION, accreditation=fields.ACCREDITATION_STATUSES)


def _visits(session: Session, history: list[results.LibraryResult]) -> dict[int, tuple[date, list[str]]]:
    """For each monev result: the visit's date and its team by full name (lead first)."""
    found = {r.id: results.visit_of(r) for r in history if r.kind == "monev"}
    usernames = {name for _, team in found.values() for name in team}
    names: dict[str, str] = {}
    if usernames:
        names = {row.username: row.name for row in session.execute(
            select(User.username, User.name).where(User.username.in_(usernames)))}
    return {rid: (date.fromisoformat(when[:10]), [names.get(u, u) for u in team])
            for rid, (when, team) in found.items()}
