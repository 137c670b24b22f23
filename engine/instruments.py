"""Accreditation instruments (placeholder until the instrument data lands)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def expand_schema(schema: dict[str, Any], processes_dir: Path) -> dict[str, Any]:
    """Return the form schema with any instrument reference expanded."""
    return schema


def monev_score(answers: dict[str, Any], instrument_id: str) -> dict[str, Any]:
    """Score monev answers against an instrument."""
    raise NotImplementedError(instrument_id)
