"""Processes × threads completing one shared pool of tasks, every task listed twice, on PostgreSQL.

The pool is the per-library visit tasks of many SOP cycles, so workers race both for the same task
(the duplicates: one must win, the other get a conflict) and for different tasks of the same
instance (the parallel library tracks: both must succeed). Afterwards the database is audited:
a task with two 'complete' events is a double completion; a completion a worker was told succeeded
that left no trace, or any disagreement `engine.workflow.check` finds between state, projection and audit,
is a lost update.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench import sop
from bench.databases import Database, pg_database
from bench.report import Result, higher_is_better
from engine import tasks
from engine.db import make_engine, make_session_factory, run_in_transaction
from engine.errors import Conflict
from engine.models import AuditEvent, Task, TaskStatus
from engine.people.users import Actor
from engine.workflow import check

POOL_TASK = "Kunjungan_Monev"


@dataclass(frozen=True)
class Job:
    """One completion attempt: which task, by whom, with what."""

    task_id: str
    lane: str
    data: dict[str, Any]


def _worker(url: str, connect_args: dict[str, Any], threads: int, jobs: Any, barrier: Any, out: Any) -> None:
    """A process of `threads` threads taking jobs until the shared queue is empty."""
    engine = make_engine(url, connect_args=connect_args, pool_size=threads, max_overflow=0)
    factory = make_session_factory(engine)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()
    spans: list[tuple[float, float]] = []

    def run() -> None:
        barrier.wait()
        began = time.time()
        while True:
            try:
                job: Job = jobs.get_nowait()
            except queue.Empty:
                break
            actor = sop.PEOPLE[job.lane]

            def work(session: Session, job: Job = job, actor: Actor = actor) -> tasks.Completion:
                return tasks.complete(session, job.task_id, actor, job.data, limits=sop.LIMITS)

            try:
                run_in_transaction(factory, work)
                outcome = "ok"
            except Conflict:
                outcome = "conflict"
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


def run_pool(db: Database, jobs: list[Job], processes: int, threads: int, seed: int = 6) -> Run:
    """Let `processes` × `threads` workers drain the shuffled job list; collect their outcomes."""
    context = multiprocessing.get_context("spawn")
    shuffled = list(jobs)
    random.Random(seed).shuffle(shuffled)
    job_queue = context.Queue()
    for job in shuffled:
        job_queue.put(job)
    barrier = context.Barrier(processes * threads)
    out = context.Queue()
    children = [context.Process(target=_worker, args=(db.url, db.connect_args, threads, job_queue, barrier, out))
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
    """Lost updates and double completions under 2 processes × `threads` threads, and 2-vs-1 scaling."""
    with pg_database() as db:
        library_ids = sop.prepare(db.factory, libraries)
        single_jobs = _pool(db, cycles, library_ids)
        one = run_pool(db, single_jobs, 1, threads)
        double_jobs = _pool(db, cycles, library_ids)
        two = run_pool(db, double_jobs, 2, threads)
        lost, doubled = audit(db, [one, two])
    errors = one.errors + two.errors
    if errors:
        raise RuntimeError(f"{len(errors)} unexpected failures, e.g. {errors[0]}")
    expected = len(single_jobs) // 2
    if one.ok != expected or two.ok != expected:
        lost += abs(expected - one.ok) + abs(expected - two.ok)
    scaling = two.per_second / one.per_second if one.per_second else 0.0
    return [
        Result("contention", "lost_updates", lost, "count", 0, 1.0 if lost == 0 else 0.0, target=1.0),
        Result("contention", "double_completions", doubled, "count", 0, 1.0 if doubled == 0 else 0.0, target=1.0),
        higher_is_better("contention", "scaling_2_vs_1_workers", scaling, "x", 2.0),
        higher_is_better("contention", "completions_per_s_2x4", two.per_second, "1/s", one.per_second),
    ]
