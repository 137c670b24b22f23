"""Who may see a library and its results: staff every one, a pustakawan its own, a mitra those it supervises.

A library outside the caller's scope is reported as not found, like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

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
