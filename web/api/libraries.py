"""API: the library registry and a library's results (read-only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request

from engine.libraries import access, registry, results
from web import db
from web.api.base import bp, listing, page_args
from web.api.serialize import iso
from web.callers import current_actor


def library_item(library: registry.Library) -> dict[str, Any]:
    """A library's registry fields."""
    item: dict[str, Any] = {name: getattr(library, name) for name in (
        "id", "name", "npp", "npsn", "library_type", "subtype", "institution", "supervisor", "status",
        "address", "desa", "kecamatan", "phone", "email", "head_name", "automation", "accreditation_status",
        "accreditation_grade", "accreditation_score", "accreditation_year", "accreditation_certificate",
        "active", "profile")}
    valid = library.accreditation_valid_until
    item["accreditation_valid_until"] = valid.isoformat() if isinstance(valid, date) else None
    return item


def result_item(result: results.LibraryResult) -> dict[str, Any]:
    """One monev, accreditation or coaching result (score null: pending at Perpusnas, or a drop-out)."""
    visit_date, team = results.visit_of(result)
    return {"kind": result.kind, "period": result.period, "score": result.score, "grade": result.grade,
            "instance_id": result.instance_id, "recorded_at": iso(result.recorded_at),
            "visit_date": visit_date if result.kind == "monev" else None,
            "officers": team if result.kind == "monev" else [],
            "recorded_by": result.recorded_by, "components": result.components, "details": result.details}


@bp.get("/libraries")
def list_libraries() -> Any:
    """Libraries, searched with `q`, filtered by `kecamatan` and `library_type`."""
    page, per_page = page_args()
    result = access.list_libraries(db.session(), current_actor(), q=request.args.get("q") or None,
                                   kecamatan=request.args.get("kecamatan") or None,
                                   library_type=request.args.get("library_type") or None,
                                   page=page, per_page=per_page)
    return listing(result, library_item)


@bp.get("/libraries/<int:library_id>")
def get_library(library_id: int) -> Any:
    """One library with its result history."""
    session = db.session()
    actor = current_actor()
    library = access.get(session, actor, library_id)
    letters = access.letters(session, actor, library.id)
    return {**library_item(library), "results": [result_item(r) for r in results.history(session, library.id)],
            "documents": [{"id": d.id, "kind": d.kind, "title": d.title, "number": d.number,
                           "created_at": iso(d.created_at)} for d in letters]}
