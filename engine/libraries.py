"""The library registry: profiles, and monev and accreditation results across cycles."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.execution import StepDone
from engine.models import Instance
from engine.users import Actor


def resolve_sources(session: Session, schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """Check registry references in submitted data and add the referenced profiles' names."""
    return data


def on_step_done(session: Session, instance: Instance, step: StepDone, actor: Actor) -> None:
    """Record monev and accreditation results of a completed step on the library's history."""
