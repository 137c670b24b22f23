"""Processes × threads completing one shared pool of tasks, every task listed twice, on PostgreSQL.

The pool is the per-library visit tasks of many SOP cycles, so workers race both for the same task
(the duplicates: one must win, the other get a conflict) and for different tasks of the same
instance (the parallel library tracks: both must succeed). Afterwards the database is audited:
a task with two 'complete' events is a double completion; a completion a worker was told succeeded
that left no trace, or any disagreement `engine.workflow.check` finds between state, projection and audit,
is a lost update.

Scaling is the throughput of 2 worker processes over that of 1 (4 threads each). Its floor is not a
fixed 2.0, which a machine of 2 cores shared with the PostgreSQL server cannot reach, but the same
figure for a raw PostgreSQL transaction of the same shape, measured in the same run by the same
workers on tables of its own, without the engine: lock the task row (FOR UPDATE), give up on a task
already completed, bump its instance's row version, mark the task completed, insert an audit row,
commit. The ratio (engine scaling / raw scaling) is thus how much of the concurrency the machine and
the database allow the engine keeps. The four runs go raw, engine, engine, raw so that a drift of
the machine's load during the scenario weighs on both sides alike.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, func, select

from bench import sop
from bench.databases import Database, pg_database
from bench.report import Result, higher_is_better
from engine import tasks
from engine.db import make_engine, make_session_factory, run_in_transaction
from engine.errors import Conflict
from engine.models import AuditEvent, Task, TaskStatus
from engine.workflow import check

POOL_TASK = "Kunjungan_Monev"
# The raw transaction is several times quicker than an engine completion: its pool holds each engine
# task this many times over so that a raw run lasts about as long as an engine run.
RAW_REPEAT = 8

RAW = MetaData()
RAW_INSTANCES = Table("bench_raw_instances", RAW, Column("id", Integer, primary_key=True),
                      Column("row_version", Integer, nullable=False), Column("state", JSON))
RAW_TASKS = Table("bench_raw_tasks", RAW, Column("id", Integer, primary_key=True),
                  Column("instance_id", ForeignKey("bench_raw_instances.id"), nullable=False),
                  Column("status", String(16), nullable=False), Column("data", JSON),
                  Column("completed_by", String(64)), Column("completed_at", DateTime(timezone=True)))
RAW_AUDIT = Table("bench_raw_audit", RAW, Column("id", Integer, primary_key=True),
                  Column("task_id", Integer, nullable=False), Column("actor", String(64), nullable=False),
                  Column("action", String(32), nullable=False), Column("data", JSON),
                  Column("at", DateTime(timezone=True), nullable=False))


@dataclass(frozen=True)
class Job:
    """One completion attempt: which task, by whom, with what."""

    task_id: str
    lane: str
    data: dict[str, Any]


def _engine_attempt(engine: sa.Engine) -> Callable[[Job], str]:
    """One job as the engine does it: `tasks.complete` in a retried transaction."""
    factory = make_session_factory(engine)

    def attempt(job: Job) -> str:
        actor = sop.PEOPLE[job.lane]
        try:
            run_in_transaction(factory, lambda session: tasks.complete(session, job.task_id, actor, job.data,
                                                                       limits=sop.LIMITS))
        except Conflict:
            return "conflict"
        return "ok"
    return attempt


def _raw_attempt(engine: sa.Engine) -> Callable[[Job], str]:
    """One job as a raw PostgreSQL transaction of the same shape (the floor of the scaling)."""
    def attempt(job: Job) -> str:
        task_id = int(job.task_id)
        with engine.begin() as conn:
            row = conn.execute(select(RAW_TASKS.c.instance_id, RAW_TASKS.c.status)
                               .where(RAW_TASKS.c.id == task_id).with_for_update()).one()
            if row.status == "completed":
                return "conflict"
            now = datetime.now(UTC)
            conn.execute(sa.update(RAW_INSTANCES).where(RAW_INSTANCES.c.id == row.instance_id)
                         .values(row_version=RAW_INSTANCES.c.row_version + 1, state=job.data))
            conn.execute(sa.update(RAW_TASKS).where(RAW_TASKS.c.id == task_id)
                         .values(status="completed", data=job.data, completed_by=job.lane, completed_at=now))
            conn.execute(sa.insert(RAW_AUDIT).values(task_id=task_id, actor=job.lane, action="complete",
                                                     data=job.data, at=now))
        return "ok"
    return attempt


def _worker(url: str, connect_args: dict[str, Any], threads: int, raw: bool, jobs: Any, barrier: Any,
            out: Any) -> None:
    """A process of `threads` threads taking jobs until the shared queue is empty."""
    engine = make_engine(url, connect_args=connect_args, pool_size=threads, max_overflow=0)
    attempt = _raw_attempt(engine) if raw else _engine_attempt(engine)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()
    spans: list[tuple[float, float]] = []

    def run() -> None:
        barrier.wait()
        began = time.time()
        while True:
            job: Job | None = jobs.get()
            if job is None:
                break
            try:
                outcome = attempt(job)
            except Exception as exc:  # reported, never swallowed: the parent fails the scenario on these
                outcome = f"error: {type(exc).__name__}: {exc}"[:300]
            with lock:
                outcomes.append((job.task_id, outcome))
        with lock:
            spans.append((began, time.time()))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    engine.dispose()
    out.put((outcomes, min(s[0] for s in spans), max(s[1] for s in spans)))


def _pool(db: Database, cycles: int, library_ids: list[int]) -> list[Job]:
    """Start `cycles` SOP cycles and bring each to its per-library visits; each visit task twice."""
    for _ in range(cycles):
        iid = sop.start(db.factory)
        for _step in range(3):  # coordination, notification letter, dissemination
            sop.complete_next(db.factory, iid, library_ids)
    with db.factory() as session:
        rows = session.scalars(select(Task).where(Task.name == POOL_TASK, Task.status == TaskStatus.OPEN)).all()
    jobs = [Job(r.id, r.lane or "petugas", sop.form_data(r.name, library_ids, int(r.item_key or 0))) for r in rows]
    return jobs + jobs


def _raw_pool(db: Database, jobs: list[Job], libraries: int) -> list[Job]:
    """Fresh rows for the raw transaction: `RAW_REPEAT` copies of the engine's tasks, `libraries` to an
    instance, each listed twice."""
    unique = jobs[:len(jobs) // 2] * RAW_REPEAT
    RAW.create_all(db.engine)
    with db.engine.begin() as conn:
        first = (conn.scalar(select(func.max(RAW_TASKS.c.id))) or 0) + 1
        instance = (conn.scalar(select(func.max(RAW_INSTANCES.c.id))) or 0) + 1
        ids = list(range(first, first + len(unique)))
        conn.execute(sa.insert(RAW_INSTANCES), [{"id": instance + i, "row_version": 1, "state": {}}
                                                for i in range((len(ids) + libraries - 1) // libraries)])
        conn.execute(sa.insert(RAW_TASKS), [{"id": task_id, "instance_id": instance + i // libraries,
                                             "status": "open", "data": None} for i, task_id in enumerate(ids)])
    raw = [Job(str(task_id), job.lane, job.data) for task_id, job in zip(ids, unique, strict=True)]
    return raw + raw


@dataclass
class Run:
    """What one run of the pool gave."""

    ok: int
    conflicts: int
    errors: list[str]
    seconds: float
    ok_tasks: set[str]

    @property
    def per_second(self) -> float:
        """Successful completions per second."""
        return self.ok / self.seconds if self.seconds else 0.0


def run_pool(db: Database, jobs: list[Job], processes: int, threads: int, seed: int = 6, raw: bool = False) -> Run:
    """Let `processes` × `threads` workers drain the shuffled job list (with the engine, or `raw`); collect their
    outcomes."""
    context = multiprocessing.get_context("spawn")
    shuffled = list(jobs)
    random.Random(seed).shuffle(shuffled)
    job_queue = context.Queue()
    # One end mark per thread: a non-blocking get would end a thread whenever another holds the queue's lock.
    for item in [*shuffled, *[None] * (processes * threads)]:
        job_queue.put(item)
    barrier = context.Barrier(processes * threads)
    out = context.Queue()
    children = [context.Process(target=_worker, args=(db.url, db.connect_args, threads, raw, job_queue, barrier, out))
                for _ in range(processes)]
    for child in children:
        child.start()
    reports: list[Any] = []
    deadline = time.monotonic() + 600
    while len(reports) < processes:
        try:
            reports.append(out.get(timeout=1))
        except queue.Empty:
            dead = [c for c in children if not c.is_alive() and c.exitcode not in (0, None)]
            if dead or time.monotonic() > deadline:
                for child in children:
                    child.kill()
                raise RuntimeError(f"contention worker failed (exit codes {[c.exitcode for c in children]})") from None
    for child in children:
        child.join(30)
    outcomes = [o for report in reports for o in report[0]]
    return Run(ok=sum(o == "ok" for _, o in outcomes), conflicts=sum(o == "conflict" for _, o in outcomes),
               errors=[o for _, o in outcomes if o.startswith("error")],
               seconds=max(r[2] for r in reports) - min(r[1] for r in reports),
               ok_tasks={t for t, o in outcomes if o == "ok"})


def audit(db: Database, runs: list[Run]) -> tuple[int, int]:
    """(lost updates, double completions) found in the database after the runs."""
    with db.factory() as session:
        doubled = session.scalar(select(func.count()).select_from(
            select(AuditEvent.task_id).where(AuditEvent.action == "complete", AuditEvent.task_id.is_not(None))
            .group_by(AuditEvent.task_id).having(func.count() > 1).subquery())) or 0
        audited = set(session.scalars(select(AuditEvent.task_id).where(AuditEvent.action == "complete")))
        findings = check.check(session)
    reported = set().union(*(r.ok_tasks for r in runs))
    return len(findings) + len(reported - audited), int(doubled)


def contention(cycles: int, libraries: int = 5, threads: int = 4) -> list[Result]:
    """Lost updates and double completions under 2 processes × `threads` threads, and 2-vs-1 scaling beside
    the scaling of the raw transaction."""
    with pg_database() as db:
        library_ids = sop.prepare(db.factory, libraries)
        single_jobs = _pool(db, cycles, library_ids)
        raw_one = run_pool(db, _raw_pool(db, single_jobs, libraries), 1, threads, raw=True)
        one = run_pool(db, single_jobs, 1, threads)
        double_jobs = _pool(db, cycles, library_ids)
        two = run_pool(db, double_jobs, 2, threads)
        raw_two = run_pool(db, _raw_pool(db, double_jobs, libraries), 2, threads, raw=True)
        lost, doubled = audit(db, [one, two])
    errors = one.errors + two.errors + raw_one.errors + raw_two.errors
    if errors:
        raise RuntimeError(f"{len(errors)} unexpected failures, e.g. {errors[0]}")
    expected = len(single_jobs) // 2
    if one.ok != expected or two.ok != expected:
        lost += abs(expected - one.ok) + abs(expected - two.ok)
    if raw_one.ok != expected * RAW_REPEAT or raw_two.ok != expected * RAW_REPEAT:
        raise RuntimeError(f"the raw transaction completed {raw_one.ok} and {raw_two.ok} of {expected * RAW_REPEAT}")
    scaling = two.per_second / one.per_second if one.per_second else 0.0
    raw_scaling = raw_two.per_second / raw_one.per_second if raw_one.per_second else 0.0
    return [
        Result("contention", "lost_updates", lost, "count", 0, 1.0 if lost == 0 else 0.0, target=1.0),
        Result("contention", "double_completions", doubled, "count", 0, 1.0 if doubled == 0 else 0.0, target=1.0),
        higher_is_better("contention", "scaling_2_vs_1_workers", scaling, "x", raw_scaling),
        higher_is_better("contention", "completions_per_s_2x4", two.per_second, "1/s", one.per_second),
        higher_is_better("contention", "raw_pg_per_s_2x4", raw_two.per_second, "1/s", raw_one.per_second),
    ]
