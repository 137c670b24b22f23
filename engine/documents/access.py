"""Who may have a generated document: anyone who may see its instance (others are told it does not exist)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from engine import instances
from engine.documents import documents
from engine.documents.documents import Document
from engine.people.users import Actor


def visible(session: Session, document_id: int, actor: Actor) -> Document:
    """A document of an instance the actor may see; another is NotFound, like a missing one."""
    document = documents.get(session, document_id)
    instances.get(session, document.instance_id, actor)
    return document


def document_file(session: Session, document_id: int, actor: Actor,
                  render: Callable[[Document], bytes]) -> tuple[bytes, str]:
    """(PDF, file name) of a document the actor may see; rendered on first request and kept."""
    document = visible(session, document_id, actor)
    return documents.pdf_bytes(session, document, render), document.filename
