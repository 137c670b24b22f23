"""The complete metadata: importing every module that declares tables, for Alembic and checks."""

from __future__ import annotations

from engine import models, rate_counts, settings
from engine.db import Base
from engine.documents import documents, numbers
from engine.libraries import registry, results
from engine.notify import notices

metadata = Base.metadata
__all__ = ["documents", "metadata", "models", "notices", "numbers", "rate_counts", "registry", "results", "settings"]
