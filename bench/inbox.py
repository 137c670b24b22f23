"""Queue and inbox queries at a realistic backlog, against the same query on a bare indexed table.

Shortcut: the backlog is bulk-inserted straight into `instances` and `tasks` (instances have no
stored state), because only the SQL projection is queried here; completing 100k tasks through the
engine would measure the engine, not the inbox.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bench import sop
from bench.databases import Database, database
from bench.report import Result, lower_is_better, p95
from engine import task_lists
from engine.db import run_in_transaction, utcnow
from engine.definitions import versions
from engine.libraries.fields import KECAMATAN
from engine.libraries.registry import Library
from engine.models import Definition, Instance, Task
from engine.people import roles
from engine.people.users import Actor
from engine.schema import metadata

LANES = (("petugas", 0.6), ("koordinasi", 0.15), ("mitra", 0.15), ("kabid", 0.1))
USER_ROLES = ["petugas"] * 12 + ["mitra"] * 4 + ["kabid"] * 4
TASKS_PER_INSTANCE = 10
LIBRARIES = 50
ORDER = "ORDER BY due_at IS NULL, due_at, created_at, id"
# The lists measured: each one's engine call, and the SQL condition of the same list on the bare table.
SCOPES = ("queue", "inbox", "queue_library", "all")


def people() -> list[Actor]:
    """The 20 users the backlog is spread over."""
    return [Actor(f"user{n:02d}", frozenset({role})) for n, role in enumerate(USER_ROLES, start=1)]


def seed(db: Database, open_tasks: int, rng: random.Random) -> None:
    """Bulk-insert `open_tasks` open tasks over instances of the SOP definition, a third of them claimed."""
    run_in_transaction(db.factory, lambda s: versions.deploy_folder(s, sop.PROCESSES, sop.ADMIN))
    with db.factory() as session:
        definition = session.scalars(select(Definition).where(Definition.key == sop.KEY)).one()
        definition_id = definition.id
    users = people()
    by_lane = {lane: [u.username for u in users if roles.may_work_lane(u.roles, lane)] for lane, _ in LANES}
    now = utcnow()
    instance_count = -(-open_tasks // TASKS_PER_INSTANCE)
    chunk = 5000
    with db.engine.begin() as conn:
        conn.execute(insert(Library), [
            {"id": n, "name": f"Perpustakaan {n}", "library_type": "sekolah", "kecamatan": KECAMATAN[n % 12],
             "profile": {}, "created_at": now, "updated_at": now} for n in range(1, LIBRARIES + 1)])
        for start in range(0, instance_count, chunk):
            conn.execute(insert(Instance), [
                {"id": n, "definition_id": definition_id, "definition_key": sop.KEY, "status": "running",
                 "title": f"Monev {n}", "search_text": f"monev {n}", "row_version": 1,
                 "started_by": "kabid", "started_at": now, "updated_at": now, "open_tasks": TASKS_PER_INSTANCE}
                for n in range(start + 1, min(instance_count, start + chunk) + 1)])
        lanes = [lane for lane, _ in LANES]
        weights = [weight for _, weight in LANES]
        for start in range(0, open_tasks, chunk):
            rows = []
            for n in range(start, min(open_tasks, start + chunk)):
                lane = rng.choices(lanes, weights)[0]
                claimed = rng.random() < 1 / 3
                rows.append({
                    "id": str(uuid.UUID(int=rng.getrandbits(128))), "instance_id": n // TASKS_PER_INSTANCE + 1,
                    "definition_key": sop.KEY, "name": f"Langkah_{lane}", "title": f"Langkah {lane} {n}",
                    "lane": lane, "status": "open", "assignee": rng.choice(by_lane[lane]) if claimed else None,
                    "form": "monev.json", "item_key": str(n % LIBRARIES + 1),
                    "item_label": f"Perpustakaan {n % LIBRARIES + 1}", "library_id": n % LIBRARIES + 1,
                    "created_at": now - timedelta(minutes=n),
                    "due_at": None if rng.random() < 0.1 else now + timedelta(minutes=rng.randrange(90 * 24 * 60)),
                })
            conn.execute(insert(Task), rows)
        conn.exec_driver_sql("CREATE TABLE bare_tasks AS SELECT * FROM tasks")
        conn.exec_driver_sql("CREATE INDEX ix_bare_tasks ON bare_tasks (status, assignee, lane, due_at)")
        conn.exec_driver_sql("CREATE INDEX ix_bare_tasks_library ON bare_tasks (library_id, status, assignee, due_at)")
        conn.exec_driver_sql("CREATE INDEX ix_bare_tasks_open ON bare_tasks (status, due_at)")
        # Only this database's own tables: a bare ANALYZE on PostgreSQL walks every schema of the
        # server's database, and its locks would meet other processes' work (a TRUNCATE deadlocked).
        names = [table.name for table in metadata.sorted_tables] + ["bare_tasks"]
        conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{name}"' for name in names)
                             if conn.dialect.name == "postgresql" else "ANALYZE")


def _bare(db: Database, actor: Actor, scope: str) -> Callable[[], Any]:
    """The same count and first page as the engine's query, in raw SQL on the bare table (no joins)."""
    style = "%s" if db.kind == "postgresql" else "?"
    params: list[Any]
    if scope == "inbox":
        where, params = f"status = 'open' AND assignee = {style}", [actor.username]
    elif scope == "all":
        where, params = "status = 'open'", []
    else:
        lanes = sorted(lane for lane, lane_roles in roles.LANE_ROLES.items() if lane_roles & actor.roles)
        null_lane = " OR lane IS NULL" if roles.is_supervisor(actor.roles) else ""
        where = f"status = 'open' AND assignee IS NULL AND (lane IN ({', '.join([style] * len(lanes))}){null_lane})"
        params = list(lanes)
        if scope == "queue_library":
            where, params = f"{where} AND library_id = {style}", [*params, _library_of(actor)]

    def run() -> Any:
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(f"SELECT count(*) FROM bare_tasks WHERE {where}", params)
            cursor.fetchall()
            cursor.execute(f"SELECT * FROM bare_tasks WHERE {where} {ORDER} LIMIT 50", params)
            return cursor.fetchall()
        finally:
            raw.close()

    return run


def _library_of(actor: Actor) -> int:
    """The library a user filters their queue by (a different one per user)."""
    return int(actor.username[-2:]) % LIBRARIES + 1


def _ours(db: Database, actor: Actor, scope: str) -> Callable[[], Any]:
    where = task_lists.Filters(library_id=_library_of(actor)) if scope == "queue_library" else None
    name = "queue" if scope == "queue_library" else scope
    if scope == "all":  # every open task: what a supervisor's list reads, whoever the user is
        actor = Actor(actor.username, frozenset({"kabid"}))

    def run() -> Any:
        session: Session
        with db.factory() as session:
            page = task_lists.in_scope(session, actor, name, 1, 50, where)
            return page.items, page.total

    return run


def _timed(call: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def inbox_latency(open_tasks: int, rounds: int, kinds: tuple[str, ...]) -> list[Result]:
    """p95 of queue, inbox, a queue filtered by library and every open task (count plus first page) per
    database, beside the same list read from a bare table without joins."""
    results = []
    for kind in kinds:
        with database(kind) as db:
            seed(db, open_tasks, random.Random(6))
            users = people()
            for scope in SCOPES:
                ours: list[float] = []
                floor: list[float] = []
                for actor in users:  # warm both paths (statement caches, pages) before measuring
                    _ours(db, actor, scope)()
                    _bare(db, actor, scope)()
                for _ in range(rounds):
                    for actor in users:
                        ours += _timed(_ours(db, actor, scope), 1)
                        floor += _timed(_bare(db, actor, scope), 1)
                results.append(lower_is_better("inbox_latency", f"{scope}_p95_ms_{kind}", p95(ours), "ms",
                                               p95(floor), target=0.2))
    return results
