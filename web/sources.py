"""What pages need from the library registry and the documents, in one place.

Library choices for form fields marked `"x-senapas-source": "library"`; a field that also names
`x-senapas-choices` (the cycle's monev results) offers only the libraries monitored in that
instance, labelled with their score and the readiness suggestion.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import instances
from engine.documents import documents
from engine.libraries import registry, results
from engine.people.users import Actor

Options = list[tuple[str, str]]
MAX_LIBRARIES = 2000


def library_options(session: Session) -> Options:
    """(id, "name — kecamatan") of every active library in the registry."""
    options: Options = []
    page = 1
    while len(options) < MAX_LIBRARIES:
        result = registry.list_libraries(session, page=page, per_page=200, active=True)
        options += [(str(row.id), f"{row.name} — {row.kecamatan}") for row in result.items]
        if page >= result.pages:
            break
        page += 1
    return options


def monitored_options(session: Session, instance_id: int) -> Options:
    """The libraries with a monev result in this instance, with score, grade and readiness."""
    options: Options = []
    seen: set[int] = set()
    for result in results.results_of_instance(session, instance_id, "monev"):
        if result.library_id in seen:
            continue
        seen.add(result.library_id)
        library = registry.get(session, result.library_id)
        ready = (result.details or {}).get("ready_for_coaching")
        mark = " ✓ " + _("siap dibina") if ready else ""
        options.append((str(library.id), f"{library.name} — {result.score:g} ({result.grade}){mark}"))
    return options


def instance_documents(session: Session, instance_id: int) -> list[Any]:
    """The documents generated for an instance, oldest first."""
    return documents.list_for_instance(session, instance_id)


def task_documents(session: Session, task_id: str) -> list[Any]:
    """The documents the completion of a task produced."""
    return documents.list_for_task(session, task_id)


def document_file(session: Session, document_id: int, actor: Actor) -> tuple[bytes, str]:
    """(PDF, file name) of a document of an instance the actor may see; renders and caches it once."""
    from letters import render_pdf  # WeasyPrint loads only when a PDF is really needed

    document = documents.get(session, document_id)
    instances.get(session, document.instance_id, actor)  # NotFound for instances the actor may not see
    return documents.pdf_bytes(session, document, render_pdf), document.filename
