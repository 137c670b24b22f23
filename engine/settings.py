"""Agency settings kept in the database, each with a documented default."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import audit
from engine.db import Base, utcnow
from engine.errors import BadRequest

# Every setting with its default; values marked "unverified" in the domain notes live here so
# an administrator can change them without a code change.
DEFAULTS: dict[str, Any] = {
    # Accreditation grade bands: (grade, lowest total score); below the last band: not accredited.
    "grade_bands": [["A", 91.0], ["B", 76.0], ["C", 60.0]],
    "not_accredited_label": "Tidak Terakreditasi",
    # Monev total score from which the DMN suggests a library is ready for coaching.
    "coaching_threshold": 60.0,
}


class Setting(Base):
    """One overridden setting."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))


def get(session: Session, key: str) -> Any:
    """A setting's stored value, or its default."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = session.get(Setting, key)
    return copy.deepcopy(row.value["value"] if row is not None else DEFAULTS[key])


def all_settings(session: Session) -> dict[str, Any]:
    """Every setting with its current value."""
    return {key: get(session, key) for key in DEFAULTS}


def put(session: Session, key: str, value: Any, actor: str) -> None:
    """Store a setting (same JSON type as its default), audited."""
    if key not in DEFAULTS:
        raise BadRequest(f"pengaturan tidak dikenal: {key}")
    if type(value) is not type(DEFAULTS[key]):
        raise BadRequest(f"pengaturan {key} harus bertipe {type(DEFAULTS[key]).__name__}")
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value={"value": value}, updated_by=actor))
    else:
        row.value, row.updated_at, row.updated_by = {"value": value}, utcnow(), actor
    audit.record(session, actor, "setting", reason=key, data={"value": value})
