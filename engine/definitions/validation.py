"""Validating an upload without deploying it: the same checks as a deploy, errors and warnings, nothing stored."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from engine.definitions import versions
from engine.definitions.versions import Examined
from engine.errors import Forbidden
from engine.people import roles
from engine.people.users import Actor


def validate_upload(session: Session, bundle: Mapping[str, bytes], actor: Actor) -> Examined:
    """Check an upload exactly as `versions.deploy_upload` would (admins only, as deploying); store nothing."""
    if not roles.DEPLOY_ROLES & actor.roles:
        raise Forbidden("admins_only")
    whole, main = versions.upload_bundle(session, bundle)
    return versions.examine_bundle(session, whole, main=main)
