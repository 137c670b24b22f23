"""A library's self-assessment, shown to the officer beside the monev form of the same library.

The pustakawan answers the same instrument in its own task of the monev track before the visit; the
officer's instrument form then shows those answers indicator by indicator. Read from the task table
and the audit snapshot of the submission, never from the workflow.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.libraries import instrument_forms, instruments
from engine.models import Task, TaskStatus
from engine.people.scope import LIBRARY_LANE


@dataclass(frozen=True)
class Answer:
    """One indicator as the library answered it."""

    component: str
    indicator: str
    letter: str
    option: str
    component_key: str = ""
    indicator_id: str = ""


@dataclass(frozen=True)
class SelfAssessment:
    """The library's answers to the instrument, who gave them and when."""

    task_id: str
    completed_by: str | None
    completed_at: datetime | None
    instrument: str
    answers: list[Answer]


def beside(session: Session, task: Task, schema: dict[str, Any] | None) -> SelfAssessment | None:
    """The self-assessment of the library a task with an instrument form works on, if it gave one."""
    if not schema or not schema.get(instruments.INSTRUMENT_KEYWORD) or task.lane == LIBRARY_LANE or not task.item_key:
        return None
    done = session.scalars(select(Task).where(Task.instance_id == task.instance_id, Task.item_key == task.item_key,
                                              Task.lane == LIBRARY_LANE, Task.status == TaskStatus.COMPLETED)
                           .order_by(Task.completed_at.desc())).first()
    if done is None:
        return None
    submitted = next((e.data for e in reversed(audit.history(session, task.instance_id))
                      if e.task_id == done.id and e.action == "complete"), None) or {}
    field = next((name for name, value in submitted.items() if isinstance(value, dict)), None)
    given = submitted.get(field) if field else None
    if not isinstance(given, dict):
        return None
    answers_schema = (schema.get("properties") or {}).get(instrument_forms.answers_field(schema)) or {}
    rows = []
    for key, component in (answers_schema.get("properties") or {}).items():
        for indicator_id, indicator in (component.get("properties") or {}).items():
            letter = (given.get(key) or {}).get(indicator_id)
            option = next((o.get("title", "") for o in indicator.get("oneOf", []) if o.get("const") == letter), "")
            rows.append(Answer(str(component.get("title", key)), str(indicator.get("title", indicator_id)),
                               str(letter or ""), str(option), key, indicator_id))
    if not any(row.letter for row in rows):
        return None
    return SelfAssessment(done.id, done.completed_by, done.completed_at,
                          str(schema.get(instruments.INSTRUMENT_KEYWORD)), rows)


def annotated(schema: dict[str, Any], found: SelfAssessment | None, label: str) -> dict[str, Any]:
    """A copy of an instrument form whose indicators also say what the library answered (for display only)."""
    if found is None:
        return schema
    field = instrument_forms.answers_field(schema)
    answers = copy.deepcopy((schema.get("properties") or {}).get(field) or {})
    for row in found.answers:
        indicator = ((answers.get("properties") or {}).get(row.component_key) or {}).get("properties", {}).get(
            row.indicator_id)
        if isinstance(indicator, dict) and row.letter:
            indicator["description"] = f"{indicator.get('description', '')} {label}: {row.option or row.letter}".strip()
    return {**schema, "properties": {**(schema.get("properties") or {}), field: answers}}
