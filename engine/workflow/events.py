"""What happens around an engine action: results and documents of the steps it moved, notices of what it opened."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.documents import documents
from engine.libraries import results
from engine.models import Task
from engine.notify import triggers
from engine.people.users import Actor
from engine.workflow import steps
from engine.workflow.runtime import Loaded


def after_action(session: Session, loaded: Loaded, actor: Actor, done: list[steps.StepDone],
                 opened: list[Task]) -> None:
    """Record results of the steps the action completed (`done`), then the documents of completed and opened steps.

    Results go first because the documents of the same action (a monev report) print them.
    """
    for step in done:
        results.on_step_done(session, loaded.instance, step, actor)
    for step in done + steps.steps_opened(loaded.workflow, opened):
        documents.on_step_done(session, loaded.instance, step, actor)
    triggers.opened(session, loaded.instance, opened, actor)
