"""1,000 timers due at once, three `senapas worker` processes, one SIGKILLed mid-batch and started again:
each timer fires exactly once, no task is doubled, and `senapas check` finds nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy import func, select

from bench import processes
from engine import instances
from engine.db import run_in_transaction
from engine.models import AuditEvent, Instance, Task, TaskStatus
from tests.conftest import PG_URL
from tests.engine.helpers import BPMN, KABID, LIMITS, deploy

TIMERS = 1000


def _timer_events(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "timer")) or 0


def test_three_workers_one_killed_mid_batch_fire_each_of_1000_timers_once(db_engine, factory, tmp_path):
    if db_engine.dialect.name == "sqlite":
        pytest.skip("several worker processes on one database is the PostgreSQL deployment; SQLite runs one")
    deploy(factory, "timed.bpmn")
    with time_machine.travel(datetime.now(UTC) - timedelta(hours=2), tick=True):  # each timer is due an hour ago
        run_in_transaction(factory, lambda s: [instances.start(s, "timed", KABID, {"fired": 0}, limits=LIMITS)
                                               for _ in range(TIMERS)])
    with db_engine.connect() as conn:
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    env = {"SENAPAS_DATABASE_URL": processes.pg_url_with_schema(PG_URL, schema),
           "SENAPAS_PROCESSES_DIR": str(BPMN)}
    workers = [processes.start(f"worker{i}", ["worker", "--once"], env, tmp_path) for i in range(3)]
    try:
        deadline = time.monotonic() + 120
        while _timer_events(factory) < TIMERS // 5:  # the batch is under way
            assert time.monotonic() < deadline and workers[0].popen.poll() is None, workers[0].tail()
            time.sleep(0.02)
        workers[0].popen.send_signal(signal.SIGKILL)
        assert workers[0].popen.wait(30) == -signal.SIGKILL
        assert _timer_events(factory) < TIMERS, "the kill came after the batch"
        workers.append(processes.start("worker0-again", ["worker", "--once"], env, tmp_path))
        for worker in workers[1:]:
            assert worker.popen.wait(120) == 0, worker.tail()
    finally:
        for worker in workers:
            worker.stop()
    with factory() as s:
        fired = s.execute(select(AuditEvent.instance_id, func.count()).where(AuditEvent.action == "timer")
                          .group_by(AuditEvent.instance_id)).all()
        after = s.execute(select(Task.instance_id, func.count()).where(Task.name == "after")
                          .group_by(Task.instance_id)).all()
        open_after = s.scalar(select(func.count()).select_from(Task).where(
            Task.name == "after", Task.status == TaskStatus.OPEN))
        still_due = s.scalar(select(func.count()).select_from(Instance).where(Instance.next_due_at.is_not(None)))
    assert len(fired) == TIMERS and {n for _, n in fired} == {1}
    assert len(after) == TIMERS and {n for _, n in after} == {1} and open_after == TIMERS
    assert still_due == 0
    check = subprocess.run([*processes.SENAPAS, "check"], cwd=processes.ROOT, capture_output=True, text=True,
                           env={**os.environ, **env}, timeout=300)
    assert check.returncode == 0 and "tidak ada temuan" in check.stdout, check.stdout + check.stderr
