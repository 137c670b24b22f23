"""The supervisors' overview at a realistic backlog, beside the same aggregates in raw SQL.

The backlog is the inbox scenario's (open tasks bulk-inserted over running cycles, a third of
them claimed), plus a fifth as many tasks completed over the last 60 days, so the SLA and the
completed-work figures aggregate real rows. The floor runs the overview's statements as
hand-written SQL on the raw DBAPI connection: what the database itself needs for the answer,
without the engine's query building, its row handling and the shaping of the result.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bench import inbox
from bench.databases import Database, database
from bench.report import Result, lower_is_better, p95
from engine import oversight
from engine.db import utcnow
from engine.models import Task
from engine.people.users import Actor
from engine.schema import metadata

KABID = Actor("kabid", frozenset({"kabid"}))
# The overview's steps of a cycle, for the bulk tasks: the matrix then has libraries to place.
STEP_NAMES = ("Kunjungan_Monev", "Monev", "Kunjungan_Pembinaan", "Pendampingan_Akreditasi", "Pemilihan_Pembinaan")


def seed(db: Database, open_tasks: int, rng: random.Random) -> None:
    """The inbox backlog, then completed tasks (a fifth as many as open ones) spread over 60 days."""
    inbox.seed(db, open_tasks, rng)
    now = utcnow()
    users = [u.username for u in inbox.people()]
    instances = -(-open_tasks // inbox.TASKS_PER_INSTANCE)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE tasks SET name = CASE WHEN item_key IN ('0', '1', '2') THEN 'Pemilihan_Pembinaan' "
                             "ELSE 'Kunjungan_Monev' END")
        done = open_tasks // 5
        for start in range(0, done, 5000):
            rows = []
            for n in range(start, min(done, start + 5000)):
                finished = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
                rows.append({
                    "id": str(uuid.UUID(int=rng.getrandbits(128))), "instance_id": rng.randrange(instances) + 1,
                    "definition_key": inbox.sop.KEY, "name": rng.choice(STEP_NAMES), "title": f"Langkah {n}",
                    "lane": "petugas", "status": "completed", "assignee": None, "form": "monev.json",
                    "item_key": str(n % 50), "item_label": f"Perpustakaan {n % 50}",
                    "created_at": finished - timedelta(days=3), "completed_at": finished,
                    "completed_by": rng.choice(users),
                    "due_at": None if rng.random() < 0.1 else finished + timedelta(hours=rng.randrange(-48, 96)),
                })
            conn.execute(insert(Task), rows)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
    if db.kind == "postgresql":
        # What autovacuum does for a live table: statistics, and the visibility map that lets counts
        # read the index alone. Only this database's own tables (see the inbox seed's note on ANALYZE).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            names = [table.name for table in metadata.sorted_tables]
            conn.exec_driver_sql("VACUUM ANALYZE " + ", ".join(f'"{name}"' for name in names))


def _ours(db: Database) -> Callable[[], Any]:
    def run() -> Any:
        session: Session
        with db.factory() as session:
            return oversight.dashboard(session, KABID)

    return run


def _floor(db: Database) -> Callable[[], Any]:
    """The same answers in raw SQL: counts, SLA, workload, the newest cycles and their tasks by library."""
    mark = "%s" if db.kind == "postgresql" else "?"
    sqlite = db.kind == "sqlite"

    def stamp(value: Any) -> Any:  # SQLite stores naive UTC text, as the engine's column type writes it
        return value.replace(tzinfo=None).isoformat(sep=" ") if sqlite else value

    def run() -> Any:
        when = oversight.reckoning(utcnow())
        now, since = stamp(when.overdue_before), stamp(when.period_from)
        day_from, day_until = stamp(when.today_from), stamp(when.today_until)
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            statements: list[tuple[str, list[Any]]] = [
                ("SELECT (SELECT count(*) FROM tasks WHERE status = 'open'), "
                 f"(SELECT count(*) FROM tasks WHERE status = 'open' AND due_at < {mark}), "
                 f"(SELECT count(*) FROM tasks WHERE status = 'open' AND due_at >= {mark} AND due_at < {mark}), "
                 "(SELECT count(*) FROM tasks WHERE status = 'open' AND assignee IS NULL)",
                 [now, day_from, day_until]),
                ("SELECT count(*), sum(CASE WHEN completed_at <= due_at THEN 1 ELSE 0 END) FROM tasks "
                 f"WHERE status = 'completed' AND completed_at >= {mark} AND completed_by IS NOT NULL "
                 "AND due_at IS NOT NULL", [since]),
                ("SELECT assignee, count(*) FROM tasks WHERE status = 'open' AND assignee IS NOT NULL "
                 "GROUP BY assignee", []),
                ("SELECT assignee, count(*) FROM tasks WHERE status = 'open' AND assignee IS NOT NULL "
                 f"AND due_at < {mark} GROUP BY assignee", [now]),
                (f"SELECT completed_by, count(*) FROM tasks WHERE completed_by IS NOT NULL AND completed_at >= {mark} "
                 "GROUP BY completed_by", [since]),
                ("SELECT username, name, roles, active FROM users", []),
                (f"SELECT count(*) FROM instances WHERE definition_key = {mark} "
                 "AND status IN ('running', 'suspended', 'error')", [oversight.CYCLE_KEY]),
            ]
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
            cursor.execute(f"SELECT id, title, status FROM instances WHERE definition_key = {mark} "
                           "AND status IN ('running', 'suspended', 'error') ORDER BY started_at DESC, id DESC "
                           f"LIMIT {oversight.MAX_CYCLES}", [oversight.CYCLE_KEY])
            ids = [row[0] for row in cursor.fetchall()]
            places = ", ".join([mark] * len(ids))
            steps = list(oversight.STAGE_OF_TASK)
            cursor.execute(
                "SELECT instance_id, item_key, name, max(item_label), count(*), "
                "sum(CASE WHEN status = 'open' THEN 1 ELSE 0 END), "
                f"sum(CASE WHEN status = 'open' AND due_at < {mark} THEN 1 ELSE 0 END), "
                "max(CASE WHEN status = 'open' THEN assignee END), min(CASE WHEN status = 'open' THEN due_at END), "
                f"max(completed_by) FROM tasks WHERE instance_id IN ({places}) "
                f"AND name IN ({', '.join([mark] * len(steps))}) AND status IN ('open', 'completed') "
                "GROUP BY instance_id, item_key, name", [now, *ids, *steps])
            rows = cursor.fetchall()
            library_ids = sorted({int(row[1]) for row in rows if row[1] and str(row[1]).isdigit()}) or [0]
            cursor.execute(f"SELECT id, kecamatan FROM libraries WHERE id IN ({', '.join([mark] * len(library_ids))})",
                           library_ids)
            return rows, cursor.fetchall()
        finally:
            raw.close()

    return run


def _timed(call: Callable[[], Any]) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def dashboard_latency(open_tasks: int, rounds: int, kinds: tuple[str, ...]) -> list[Result]:
    """p95 of the whole overview (every figure of the page) per database, beside the raw-SQL floor."""
    results = []
    for kind in kinds:
        with database(kind) as db:
            seed(db, open_tasks, random.Random(15))
            ours, floor = _ours(db), _floor(db)
            ours()  # warm both paths (statement caches, pages) before measuring
            floor()
            mine: list[float] = []
            bare: list[float] = []
            for _ in range(max(20, rounds * 4)):
                mine.append(_timed(ours))
                bare.append(_timed(floor))
            results.append(lower_is_better("dashboard_latency", f"p95_ms_{kind}", p95(mine), "ms", p95(bare),
                                           target=0.2))
    return results
