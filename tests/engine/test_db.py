"""Database plumbing: datetimes come back timezone-aware, in UTC, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from engine.db import run_in_transaction
from engine.people import users
from engine.schema import metadata

WIB = timezone(timedelta(hours=7))


def _created_at(factory) -> datetime:
    with factory() as s:
        return users.get_user(s, "budi").created_at


def test_datetimes_come_back_aware_in_utc(factory):
    def add(s):
        users.create_user(s, "budi", "rahasia-uji", ["petugas"]).created_at = datetime(2027, 1, 2, 10, 4, 5, 678, WIB)
    run_in_transaction(factory, add)
    read = _created_at(factory)
    assert read == datetime(2027, 1, 2, 3, 4, 5, 678, UTC) and read.tzinfo == UTC


@pytest.mark.parametrize("stored", ["2027-01-02 03:04:05", "2027-01-02 10:04:05+07:00"])
def test_stored_text_without_microseconds_or_with_an_offset_is_read_as_utc(factory, stored):
    run_in_transaction(factory, lambda s: users.create_user(s, "budi", "rahasia-uji", ["petugas"]))
    with factory.begin() as s:
        s.execute(text("UPDATE users SET created_at = :at WHERE username = 'budi'"), {"at": stored})
    read = _created_at(factory)
    assert read == datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC) and read.tzinfo == UTC


# SQLite cannot reflect the expression index of the task lists; PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_migrations_build_the_schema_the_models_declare(db_engine):
    """Every table, column, index and key of the models exists as migrated, on both databases."""
    with db_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
