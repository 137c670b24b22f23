"""Documents produced when SOP steps complete (letters and reports)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.execution import StepDone
from engine.models import Instance
from engine.users import Actor


def on_step_done(session: Session, instance: Instance, step: StepDone, actor: Actor) -> list[Any]:
    """Create the documents a completed step is configured to produce (its `documents` property)."""
    return []
