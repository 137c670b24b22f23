"""Throw-away databases for the benchmarks, and a counter of the SQL statements they run.

SQLite is a WAL file in a temporary folder; PostgreSQL is a private schema on the server named by
$SENAPAS_BENCH_PG_URL (default: the test database), reached with `search_path` and dropped at
the end. Both are migrated with Alembic exactly like a real deployment.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from engine.db import make_engine, make_session_factory, unreachable
from engine.migrate import upgrade

PG_URL = os.environ.get("SENAPAS_BENCH_PG_URL",
                        os.environ.get("SENAPAS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))


@dataclass
class Database:
    """One temporary, migrated database: its URL, engine options and a session factory."""

    kind: str
    url: str
    connect_args: dict[str, Any]
    engine: sa.Engine
    factory: sessionmaker[Session]
    path: Path | None = None

    def new_engine(self, **kwargs: Any) -> sa.Engine:
        """Another engine on the same database (for a subprocess or a second pool)."""
        return make_engine(self.url, connect_args=dict(self.connect_args), **kwargs) if self.connect_args \
            else make_engine(self.url, **kwargs)

    def size_bytes(self) -> int:
        """Bytes the database occupies on disk (SQLite: the file after a checkpoint; PostgreSQL: the schema)."""
        with self.engine.begin() as conn:
            if self.kind == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
                size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
                free = conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()
                return int((pages - free) * size)
            return int(conn.exec_driver_sql(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')").scalar_one())


def pg_available() -> str | None:
    """None when the benchmark PostgreSQL answers, else the reason it does not."""
    return unreachable(PG_URL)


@contextmanager
def sqlite_database() -> Iterator[Database]:
    """A migrated SQLite file in a temporary folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="senapas-bench-"))
    path = folder / "bench.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield Database("sqlite", url, {}, engine, make_session_factory(engine), path)
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def pg_database(pool_size: int = 10) -> Iterator[Database]:
    """A migrated private schema on the benchmark PostgreSQL, dropped afterwards."""
    schema = f"senapas_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    connect_args = {"options": f"-csearch_path={schema}"}
    engine = make_engine(PG_URL, connect_args=dict(connect_args), pool_size=pool_size, max_overflow=10)
    try:
        upgrade(engine)
        yield Database("postgresql", PG_URL, connect_args, engine, make_session_factory(engine))
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@contextmanager
def database(kind: str) -> Iterator[Database]:
    """A temporary database of either kind."""
    with (sqlite_database() if kind == "sqlite" else pg_database()) as db:
        yield db


class StatementCounter:
    """Counts statements and commits an engine sends, while it is listening."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.statements = 0
        self.commits = 0

    def _statement(self, *_args: Any) -> None:
        self.statements += 1

    def _commit(self, *_args: Any) -> None:
        self.commits += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)
