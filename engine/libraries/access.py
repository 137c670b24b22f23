"""Who may see a library and its results: staff every one, a pustakawan its own, a mitra those it supervises.

A library outside the caller's scope is reported as not found, like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.documents.documents import LIBRARY_KINDS, Document
from engine.errors import NotFound
from engine.libraries import registry, results
from engine.paging import Page
from engine.people import scope
from engine.people.users import Actor


def get(session: Session, actor: Actor, library_id: Any) -> registry.Library:
    """A library the actor may see."""
    library = registry.get(session, library_id)
    if not scope.sees_library(scope.of(session, actor), library.id, library.supervisor):
        raise NotFound("library_not_found")
    return library


def history(session: Session, actor: Actor, library_id: Any) -> list[results.LibraryResult]:
    """The monev and accreditation results of a library the actor may see."""
    return results.history(session, get(session, actor, library_id).id)


def list_libraries(session: Session, actor: Actor, **filters: Any) -> Page[registry.Library]:
    """The registry as far as the actor may see it (filters as `registry.list_libraries`)."""
    only = scope.library_filter(scope.of(session, actor), registry.Library.id, registry.Library.supervisor)
    return registry.list_libraries(session, only=only, **filters)


def letters(session: Session, actor: Actor, library_id: Any) -> list[Document]:
    """The letters about a library the actor may see (its surat tugas, monev reports, ...), oldest first."""
    library = get(session, actor, library_id)
    seen = scope.of(session, actor)
    found = session.scalars(select(Document).where(Document.kind.in_(sorted(LIBRARY_KINDS)))
                            .order_by(Document.created_at, Document.id))
    return [d for d in found if scope.about_library(d.context or {}) == library.id and scope.sees_document(seen, d)]
