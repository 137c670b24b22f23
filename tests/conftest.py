"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the production database, so with CI=true an unreachable server fails the run;
on a developer machine the PostgreSQL half is skipped with the reason shown.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from engine.db import make_engine, make_session_factory, run_in_transaction, unreachable
from engine.definitions import versions as definitions
from engine.libraries import importer as library_import
from engine.migrate import upgrade
from engine.people import users
from engine.people.users import Actor
from engine.schema import metadata
from tests.processes.helpers import LIBRARIES_CSV, PROCESSES_DIR

PG_URL = os.environ.get("SENAPAS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def pg_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """A private schema on the test PostgreSQL, migrated once per test process."""
    problem = unreachable(PG_URL)
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_URL} is required in CI: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {problem}")
    schema = f"senapas_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=10,
                         max_overflow=20)
    upgrade(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """A SQLite file database (WAL, like the embedded deployment), migrated once per test process."""
    path = tmp_path_factory.mktemp("sqlite") / "senapas.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    """The database of the current run, emptied after each test."""
    engine: sa.Engine = request.getfixturevalue(f"{'pg' if request.param == 'postgresql' else 'sqlite'}_engine")
    yield engine
    _empty(engine)


def _empty(engine: sa.Engine) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f'DELETE FROM "{table}"'))


@pytest.fixture
def factory(db_engine: sa.Engine) -> sessionmaker[Session]:
    """A session factory on the current database."""
    return make_session_factory(db_engine)


@pytest.fixture
def deployed_sop(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """The processes folder deployed, the demo registry imported, and the officer's account."""
    admin = Actor("admin", frozenset({"admin"}))
    run_in_transaction(factory, lambda s: definitions.deploy_folder(s, PROCESSES_DIR, admin))
    run_in_transaction(factory, lambda s: library_import.import_csv(s, LIBRARIES_CSV, admin))
    run_in_transaction(factory, lambda s: users.create_user(s, "petugas", "petugas-pembina-2027", ["petugas"]))
    return factory
