"""API: the library registry and a library's results (read-only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request

from engine.libraries import access, fields, registry, results
from web import db
from web.api import declare
from web.api.base import bp, listing, page_args
from web.api.schemas import PAGING, SEARCH, any_case, list_of, query, ref
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


@declare.route(bp, "/libraries", "GET", summary="The library registry", tag="libraries",
               query=query({"q": {**SEARCH, "description": "name, NPP, NPSN or address"},
                            "kecamatan": {"type": "string", "enum": any_case(*fields.KECAMATAN)},
                            "library_type": {"type": "string", "enum": any_case(
                                *fields.LIBRARY_TYPES, *fields.LIBRARY_TYPES.values(),
                                *(key.replace("_", " ") for key in fields.LIBRARY_TYPES), "madrasah",
                                "sekolah/madrasah")}, **PAGING}),
               responses={200: list_of("Library")},
               links={200: {"GetLibrary": {"operationId": "get_library",
                                           "parameters": {"library_id": "$response.body#/items/0/id"}}}})
def list_libraries() -> Any:
    """Libraries, searched with `q`, filtered by `kecamatan` and `library_type`."""
    page, per_page = page_args()
    result = access.list_libraries(db.session(), current_actor(), q=request.args.get("q") or None,
                                   kecamatan=request.args.get("kecamatan") or None,
                                   library_type=request.args.get("library_type") or None,
                                   page=page, per_page=per_page)
    return listing(result, library_item)


@declare.route(bp, "/libraries/<int:library_id>", "GET", summary="One library with its monev and accreditation "
               "results and letters", tag="libraries", responses={200: ref("Library")},
               links={200: {"GetLetter": {"operationId": "get_document",
                                          "parameters": {"document_id": "$response.body#/documents/0/id"}}}})
def get_library(library_id: int) -> Any:
    """One library with its result history."""
    session = db.session()
    actor = current_actor()
    library = access.get(session, actor, library_id)
    letters = access.letters(session, actor, library.id)
    return {**library_item(library), "results": [result_item(r) for r in results.history(session, library.id)],
            "documents": [{"id": d.id, "kind": d.kind, "title": d.title, "number": d.number,
                           "created_at": iso(d.created_at)} for d in letters]}
