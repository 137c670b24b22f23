"""Who may have a generated document (others are told it does not exist).

Staff: anyone who may see its instance. A pustakawan: the letters about its library; a mitra: the
letters addressed to its institution (`engine.people.scope`).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from engine import instances
from engine.documents import documents
from engine.documents.documents import Document
from engine.errors import NotFound
from engine.people import scope
from engine.people.users import Actor


def visible(session: Session, document_id: int, actor: Actor) -> Document:
    """A document of an instance the actor may see; another is NotFound, like a missing one."""
    document = documents.get(session, document_id)
    seen = scope.of(session, actor)
    if not seen.staff:
        if not scope.sees_document(seen, document):
            raise NotFound("document_not_found")
        return document
    instances.get(session, document.instance_id, actor)
    return document


def document_file(session: Session, document_id: int, actor: Actor,
                  render: Callable[[Document], bytes]) -> tuple[bytes, str]:
    """(PDF, file name) of a document the actor may see; rendered on first request and kept."""
    document = visible(session, document_id, actor)
    return documents.pdf_bytes(session, document, render), document.filename
