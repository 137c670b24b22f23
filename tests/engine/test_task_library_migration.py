"""Migration 0015: task rows projected before it learn the library their item names."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from engine.libraries.registry import Library
from engine.migrate import upgrade
from engine.models import Definition, Instance, Task
from tests.engine.workflow import test_storage_migration as earlier
from tests.engine.workflow.test_storage_migration import downgrade

fresh_engine = earlier.fresh_engine  # the same fixture: an empty database of its own, on SQLite and PostgreSQL

NOW = datetime(2027, 1, 4, 3, 0, tzinfo=UTC)


def test_tasks_of_registered_libraries_get_their_library_id(fresh_engine: sa.Engine) -> None:
    downgrade(fresh_engine, "0014")
    with fresh_engine.begin() as conn:
        conn.execute(sa.insert(Library.__table__).values(id=3, name="Perpustakaan Desa Contoh", library_type="desa",
                                                         kecamatan="Weru", profile={}, created_at=NOW,
                                                         updated_at=NOW))
        conn.execute(sa.insert(Definition.__table__).values(
            id=1, key="monev", name="Monev", version=1, hash="z" * 64, filename="monev.bpmn", bpmn=b"<x/>",
            files={}, forms={}, spec="{}", start_roles=[], deployed_at=NOW, deployed_by="admin"))
        conn.execute(sa.insert(Instance.__table__).values(
            id=1, definition_id=1, definition_key="monev", status="running", title="Monev", search_text="",
            row_version=1, started_by="admin", started_at=NOW, updated_at=NOW, open_tasks=3))
        for task_id, item_key in (("a", "3"), ("b", "99"), ("c", None)):
            conn.execute(sa.insert(Task.__table__).values(
                id=task_id, instance_id=1, definition_key="monev", name="visit", title="Kunjungan", lane="petugas",
                status="open", item_key=item_key, created_at=NOW))
    upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        found = dict(conn.execute(sa.text("SELECT id, library_id FROM tasks ORDER BY id")).all())
    assert found == {"a": 3, "b": None, "c": None}
