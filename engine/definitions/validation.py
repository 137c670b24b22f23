"""Validating an upload without deploying it: the same checks as a deploy, errors and warnings, nothing stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from engine.definitions import versions
from engine.definitions.versions import Examined
from engine.errors import Forbidden
from engine.people import roles
from engine.people.users import Actor


def validate_upload(session: Session, content: bytes, filename: str, actor: Actor, *,
                    processes_dir: Path) -> Examined:
    """Check one uploaded BPMN file as a deploy would (admins only, as deploying); store nothing."""
    if not roles.DEPLOY_ROLES & actor.roles:
        raise Forbidden("admins_only")
    library = versions.files_of(processes_dir) if processes_dir.is_dir() else {}
    return versions.examine(session, content, filename, processes_dir=processes_dir, library=library)
