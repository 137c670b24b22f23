"""Fixtures for the reliability tests: the web tests' app and people, plus a snapshot of everything stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.schema import metadata
from tests.web.conftest import api, app, demo_app, people, quick_password_hashes, settings, web

__all__ = ["api", "app", "demo_app", "people", "quick_password_hashes", "settings", "web"]


def snapshot(factory: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as sortable text, to prove that a refused request stored nothing."""
    with factory() as session:
        return {table.name: sorted(tuple(repr(v) for v in row) for row in session.execute(select(table)))
                for table in metadata.sorted_tables}


@pytest.fixture
def stored(factory: sessionmaker[Session]) -> Any:
    """`stored()` takes a snapshot of the whole database."""
    return lambda: snapshot(factory)
