"""A worker killed with SIGKILL in the middle of completions, 20 times: afterwards nothing is half-applied.

The worker is a forked process completing SOP tasks in a loop on the test database (a SQLite file or
a private PostgreSQL schema). It counts the statements and commits it sends; at a randomly chosen one
it tells the parent where it is and waits, and the parent kills it there with SIGKILL: before any
write, between a flush and its commit, right before COMMIT. Then a new worker carries on. At the end
`engine.workflow.check` must find nothing and every count that a half-applied completion would skew must add up.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from bench import sop
from engine.db import make_engine, make_session_factory
from engine.documents import numbers as letter_numbers
from engine.documents.documents import Document
from engine.models import AuditEvent, Instance, InstanceStatus, Task, TaskStatus
from engine.workflow import check

KILLS = 20
CYCLES = 4
LIBRARIES = 2


def _target(engine: sa.Engine) -> tuple[str, dict[str, Any]]:
    """URL and connect arguments that reach the same database from another process."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url, {}
    with engine.connect() as conn:
        search_path = conn.execute(sa.text("SHOW search_path")).scalar()
    return url, {"options": f"-csearch_path={search_path}"}


def _work(url: str, connect_args: dict[str, Any], library_ids: list[int], stop_at: tuple[str, int],
          pipe: Any) -> None:
    """Complete open tasks until none is left; at the chosen statement or commit, report and wait to be killed."""
    engine = make_engine(url, connect_args=connect_args) if connect_args else make_engine(url)
    factory = make_session_factory(engine)
    counts = {"any": 0, "commit": 0}

    def tick(what: str) -> None:
        counts["any"] += 1
        counts["commit"] += what == "COMMIT"
        mode, n = stop_at
        if counts[mode] == n and (mode == "any" or what == "COMMIT"):
            pipe.send(("stop", counts["any"], what))
            pipe.recv()  # never answered: the parent kills this process here

    event.listen(engine, "before_cursor_execute", lambda *args: tick(str(args[2]).split()[0]))
    event.listen(engine, "commit", lambda *_: tick("COMMIT"))
    while True:
        with factory() as session:
            row = session.scalars(select(Task.instance_id).join(Instance, Instance.id == Task.instance_id)
                                  .where(Task.status == TaskStatus.OPEN, Instance.status == InstanceStatus.RUNNING)
                                  .order_by(Task.instance_id).limit(1)).first()
        if row is None:
            break
        sop.complete_next(factory, row, library_ids)
    pipe.send(("done", counts["any"], ""))


def _run_worker(url: str, connect_args: dict[str, Any], library_ids: list[int], stop_at: tuple[str, int]) -> str:
    """Fork a worker; kill it where it stops. 'killed at …' or 'done'."""
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe()
    worker = context.Process(target=_work, args=(url, connect_args, library_ids, stop_at, child_end))
    worker.start()
    try:
        if not parent_end.poll(120):
            raise AssertionError(f"worker sent nothing (exit code {worker.exitcode})")
        kind, seen, what = parent_end.recv()
        if kind == "stop":
            os.kill(worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
        worker.join(60)
        assert worker.exitcode == (-signal.SIGKILL if kind == "stop" else 0), worker.exitcode
        return f"killed at {seen} ({what})" if kind == "stop" else "done"
    finally:
        if worker.is_alive():
            worker.kill()
            worker.join()


def _half_applied(factory: sessionmaker[Session]) -> list[str]:
    """Traces a completion applied in part would leave: extra events, numbers without letters, and so on."""
    problems = []
    with factory() as session:
        doubled = session.execute(select(AuditEvent.task_id, func.count()).where(AuditEvent.action == "complete")
                                  .group_by(AuditEvent.task_id).having(func.count() > 1)).all()
        problems += [f"task {task} completed {n} times" for task, n in doubled]
        done_rows = set(session.scalars(select(Task.id).where(Task.status == TaskStatus.COMPLETED)))
        audited = set(session.scalars(select(AuditEvent.task_id).where(AuditEvent.action == "complete")))
        problems += [f"completed task {t} without its audit event" for t in sorted(done_rows - audited)]
        problems += [f"audit event for task {t} that is not completed" for t in sorted(audited - done_rows)]
        for sequence in session.scalars(select(letter_numbers.LetterSequence)):
            seqs = sorted(session.scalars(select(Document.seq).where(Document.code == sequence.code,
                                                                     Document.year == sequence.year)))
            if seqs != list(range(1, sequence.last + 1)):
                problems.append(f"letter numbers {sequence.code}/{sequence.year}: last {sequence.last}, "
                                f"documents {seqs}")
        unfinished = session.scalars(select(Instance.id).where(Instance.status != InstanceStatus.COMPLETED)).all()
        problems += [f"instance {i} did not finish" for i in unfinished]
    return problems


def test_sigkill_in_the_middle_of_completions_leaves_nothing_half_applied(factory, db_engine):
    library_ids = sop.prepare(factory, LIBRARIES)
    for _ in range(CYCLES):
        sop.start(factory)
    url, connect_args = _target(db_engine)
    rng = random.Random(f"senapas-{db_engine.dialect.name}")
    # Every third kill lands right before a COMMIT (the write is flushed, not committed); the others on
    # any statement of the first few completions of that worker.
    points = [("commit", rng.randint(1, 3)) if n % 3 == 0 else ("any", rng.randint(1, 45)) for n in range(KILLS)]
    outcomes = [_run_worker(url, connect_args, library_ids, point) for point in points]
    assert sum(o.startswith("killed") for o in outcomes) == KILLS, outcomes
    assert any("COMMIT" in o for o in outcomes) and any("UPDATE" in o or "INSERT" in o for o in outcomes), outcomes
    assert _run_worker(url, connect_args, library_ids, ("any", 0)) == "done"
    with factory() as session:
        assert [str(f) for f in check.check(session)] == []
    assert _half_applied(factory) == []
    if db_engine.dialect.name == "sqlite":
        with db_engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


@pytest.fixture(autouse=True)
def _no_threads_before_fork() -> None:
    """Forking is only safe while this process runs no other threads."""
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]
