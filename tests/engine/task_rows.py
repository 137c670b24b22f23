"""Task rows written straight into the projection, for tests of what reads it (the supervisors' overview)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import run_in_transaction
from engine.models import Definition, Instance, Task

# 10:00 WIB on a weekday; "today" in WIB runs from 17:00 UTC the day before to 17:00 UTC.
NOW = datetime(2027, 3, 10, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def seed_tasks(factory: sessionmaker[Session], rows: list[dict[str, Any]], *, key: str = "lain",
               status: str = "running", title: str = "") -> int:
    """One instance of a definition `key` with these task rows (column values; name and lane defaulted)."""

    def work(session: Session) -> int:
        definition = session.scalars(select(Definition).where(Definition.key == key)).first()
        if definition is None:
            definition = Definition(key=key, name=key, version=1, hash=uuid.uuid4().hex, filename=f"{key}.bpmn",
                                    bpmn=b"", files={}, forms={}, spec="", start_roles=[], deployed_by="admin")
            session.add(definition)
            session.flush()
        instance = Instance(definition_id=definition.id, definition_key=key, title=title or f"Siklus {key}",
                            started_by="kabid", status=status)
        session.add(instance)
        session.flush()
        for n, row in enumerate(rows):
            values = {"name": f"Langkah_{n}", "lane": "petugas", "created_at": NOW - 48 * HOUR, **row}
            session.add(Task(id=str(uuid.uuid4()), instance_id=instance.id, definition_key=key,
                             title=f"Langkah {n}", **values))
        return instance.id

    return run_in_transaction(factory, work)
