"""Migration 0008: states kept in the layouts of earlier releases move to parts and keep working."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from bench import sop
from engine.db import make_engine, make_session_factory
from engine.migrate import alembic_config, upgrade
from engine.models import Instance, InstanceStatus
from engine.workflow import check, storage
from tests.conftest import PG_URL

# How earlier releases marked a top text in instances.state (read and dropped by the migration).
SAVED_KEY = "senapas_saved"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty database of its own, migrated to the newest revision (its history is the test's)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    request.getfixturevalue("pg_engine")  # skips (or fails in CI) as the other tests do without PostgreSQL
    schema = f"senapas_migration_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def downgrade(engine: sa.Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def as_before(conn: sa.Connection, iid: int, layout: str, whole: dict[str, Any]) -> None:
    """Store an instance's state as a release before 0008 wrote it in `layout`."""
    top = {key: value for key, value in whole.items() if key != "subprocesses"}
    if layout == "whole":  # before subprocesses were stored apart
        conn.execute(sa.text("DELETE FROM instance_parts WHERE instance_id = :i"), {"i": iid})
        state = json.dumps(whole)
    else:  # subprocesses apart, the top text in the row, with or without a save mark
        conn.execute(sa.text("DELETE FROM instance_parts WHERE instance_id = :i AND part = 'top'"), {"i": iid})
        state = json.dumps({**top, SAVED_KEY: "0f" * 16} if layout == "marked" else top)
    conn.execute(sa.text("UPDATE instances SET state = :s, row_version = row_version + 1 WHERE id = :i"),
                 {"s": state, "i": iid})


def test_states_of_every_earlier_layout_move_to_parts_and_their_cycles_complete(fresh_engine):
    factory = make_session_factory(fresh_engine)
    library_ids = sop.prepare(factory, 2)
    layouts = ("whole", "marked", "plain", "current")
    iids = {layout: sop.start(factory) for layout in layouts}
    for iid in iids.values():
        for _ in range(8):
            sop.complete_next(factory, iid, library_ids)
    with factory() as s:
        expected = {iid: storage.stored_state(s, iid) for iid in iids.values()}
    assert all(len(state["subprocesses"]) >= 2 for state in expected.values())

    downgrade(fresh_engine, "0007")
    with fresh_engine.begin() as conn:
        for layout, iid in iids.items():
            if layout != "current":
                as_before(conn, iid, layout, expected[iid])
        assert conn.scalar(sa.text("SELECT count(*) FROM instance_parts WHERE instance_id = :i"),
                           {"i": iids["whole"]}) == 0
    upgrade(fresh_engine)

    assert "state" not in {column["name"] for column in sa.inspect(fresh_engine).get_columns("instances")}
    factory = make_session_factory(fresh_engine)  # a process started after the upgrade
    with factory() as s:
        for iid in iids.values():
            top, parts = storage.stored_texts(s, iid)
            assert SAVED_KEY not in json.loads(top) and "subprocesses" not in json.loads(top)
            assert storage.stored_state(s, iid) == expected[iid]
    for iid in iids.values():
        while sop.complete_next(factory, iid, library_ids) is not None:
            pass
    with factory() as s:
        assert all(s.get(Instance, iid).status == InstanceStatus.COMPLETED for iid in iids.values())
        assert check.check(s, list(iids.values())) == []
