"""The complete metadata: importing every module that declares tables, for Alembic and checks."""

from __future__ import annotations

from engine import documents, letter_numbers, libraries, library_results, models, settings
from engine.db import Base

metadata = Base.metadata
__all__ = ["documents", "letter_numbers", "libraries", "library_results", "metadata", "models", "settings"]
