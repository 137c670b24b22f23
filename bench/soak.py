"""`senapas bench soak`: the whole stack under sustained load, optionally with faults, on its own database.

The run creates a fresh PostgreSQL database `senapas_soak_<random>` on the server of `--pg-url`
(dropped at the end), starts `senapas serve` with 2 gunicorn workers and 2 `senapas worker`
processes on it, and lets simulated people (`bench.soak_users`) work the SOP and complaints through
the API for the given time. With faults, it SIGKILLs one web worker, then one `senapas worker`
(started again), then restarts the PostgreSQL cluster of `--pg-url` (`pg_ctlcluster`), each once.

It reports JSON lines like the rest of the bench: requests, 5xx outside the outage (must be 0),
answers during the outage (each a 503 with Retry-After, or no answer), p50/p95/p99 per endpoint,
the RSS of each server process at start, half-way and end, database connections in use, the findings of
`senapas check` at the end (must be none), and the completions the server acknowledged beside those
found in the database (must be equal). Figures that are only measured carry floor 0 and ratio 1;
the checked ones carry floor 0 and ratio 1 (met) or 0 (failed), with a target of 1.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import quantiles

import sqlalchemy as sa
from sqlalchemy import func, select

from bench import processes, soak_users, sop
from bench.report import Result
from engine.db import make_engine, make_session_factory, run_in_transaction
from engine.migrate import upgrade
from engine.models import AuditEvent, Instance
from engine.people import users

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# A request that began within this many seconds of a fault may fail because of it.
FAULT_GRACE = 5.0


@dataclass(frozen=True)
class Plan:
    """How long, how many people, how long they think, and whether faults are injected."""

    seconds: float
    clients: int
    faults: bool = False
    think: tuple[float, float] = (1.0, 3.0)
    libraries: int = 3


@dataclass
class Faults:
    """When each fault began and ended (monotonic), and what it did."""

    windows: list[tuple[str, float, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def during(self, began: float, ended: float) -> bool:
        """Whether a request that ran from `began` to `ended` overlapped a fault (with its grace)."""
        return any(began <= end + FAULT_GRACE and ended >= start for _, start, end in self.windows)


@contextmanager
def soak_database(admin_url: str) -> Iterator[str]:
    """A fresh, migrated database `senapas_soak_<random>` on the server of `admin_url`; its URL; dropped after."""
    name = f"senapas_soak_{uuid.uuid4().hex[:10]}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = str(sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        for _ in range(30):  # the server may still be coming back from a restart
            try:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except sa.exc.OperationalError:
                admin.dispose()
                time.sleep(1)
        admin.dispose()


def cluster_of(url: str) -> tuple[str, str]:
    """The local PostgreSQL cluster (version, name) listening on the port of `url`, from `pg_lsclusters`."""
    port = str(sa.make_url(url).port or 5432)
    for line in subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return version, name
    raise RuntimeError(f"no local PostgreSQL cluster listens on port {port}")


def _prepare(url: str, libraries: int) -> list[int]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    library_ids = sop.prepare(factory, libraries)
    run_in_transaction(factory, lambda s: users.create_user(s, "subkoor", soak_users.PASSWORD, ["subkoor"],
                                                            name="subkoor"))
    engine.dispose()
    return library_ids


def _connections(url: str) -> int:
    """Connections open on the soak database (-1 while the server cannot say)."""
    name = sa.make_url(url).database
    try:
        engine = make_engine(url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            count = conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
                                 {"d": name}).scalar_one()
        engine.dispose()
        return int(count) - 1  # not this one
    except sa.exc.OperationalError:
        return -1


def _inject(faults: Faults, server: processes.Started, workers: list[processes.Started], restart_worker:
            Callable[[int], None], cluster: tuple[str, str], seconds: float, stop: threading.Event) -> None:
    """SIGKILL a web worker at 20 % of the run, a `senapas worker` at 40 %, restart PostgreSQL at 60 %."""
    began = time.monotonic()

    def at(fraction: float) -> bool:
        return not stop.wait(max(0.0, began + seconds * fraction - time.monotonic()))

    if at(0.2):
        victim = server.children()[0]
        t0 = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        faults.windows.append(("web_worker_killed", t0, time.monotonic()))
        faults.notes.append(f"SIGKILL web worker {victim}")
    if at(0.4):
        t0 = time.monotonic()
        workers[0].popen.send_signal(signal.SIGKILL)
        workers[0].popen.wait()
        restart_worker(0)
        faults.windows.append(("worker_killed", t0, time.monotonic()))
        faults.notes.append("SIGKILL senapas worker 1, started again")
    if at(0.6):
        t0 = time.monotonic()
        subprocess.run(["pg_ctlcluster", *cluster, "restart"], check=True, capture_output=True)
        faults.windows.append(("postgresql_restart", t0, time.monotonic()))
        faults.notes.append(f"pg_ctlcluster {' '.join(cluster)} restart")


def _rss(server: processes.Started, workers: list[processes.Started]) -> dict[str, int]:
    found = {"serve_master": processes.rss_kib(server.pid)}
    for i, pid in enumerate(server.children(), 1):
        found[f"web_worker_{i}"] = processes.rss_kib(pid)
    for i, worker in enumerate(workers, 1):
        found[f"senapas_worker_{i}"] = processes.rss_kib(worker.pid)
    return found


def _percentile(samples: list[float], q: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return quantiles(samples, n=100, method="inclusive")[q - 1]


def _measured(metric: str, value: float, unit: str) -> Result:
    return Result("soak", metric, value, unit, 0.0, 1.0)


def _checked(metric: str, value: float, unit: str, ok: bool) -> Result:
    return Result("soak", metric, value, unit, 0.0, 1.0 if ok else 0.0, target=1.0)


def soak(plan: Plan, pg_url: str = DEFAULT_PG_URL, on_result: Callable[[Result], None] | None = None,
         say: Callable[[str], None] = print) -> list[Result]:
    """Run the soak of `plan` on a fresh database on the server of `pg_url`; its results."""
    cluster = cluster_of(pg_url) if plan.faults else ("", "")
    folder = Path(tempfile.mkdtemp(prefix="senapas-soak-"))
    with soak_database(pg_url) as url:
        env = {"SENAPAS_DATABASE_URL": url, "SENAPAS_SECRET_KEY": "soak-" + uuid.uuid4().hex,
               "SENAPAS_SECURE_COOKIES": "0", "SENAPAS_LOGIN_LIMIT": "1000000/60",
               "SENAPAS_COMPLAINT_LIMIT": "1000000/600"}
        # The timer workers start first, so that they have loaded everything by the time the RSS is read.
        workers = [processes.start(f"worker{i}", ["worker", "--interval", "2"], env, folder) for i in (1, 2)]
        started = list(workers)
        library_ids = _prepare(url, plan.libraries)
        port = processes.free_port()
        try:
            server = processes.serve("serve", port, env, folder, workers=2)
        except RuntimeError:
            for worker in workers:
                worker.stop()
            raise

        def restart_worker(i: int) -> None:
            workers[i] = processes.start(f"worker{i + 1}-again", ["worker", "--interval", "2"], env, folder)
            started.append(workers[i])

        try:
            rss = {"start": _rss(server, workers)}
            say(f"soak: {plan.clients} people for {plan.seconds:.0f} s on port {port}")
            stop = threading.Event()
            tally, people = soak_users.crowd(plan.clients, port, library_ids, plan.seconds, plan.think, stop)
            faults = Faults()
            injector = threading.Thread(target=_inject, args=(faults, server, workers, restart_worker, cluster,
                                                              plan.seconds, stop), daemon=True)
            if plan.faults:
                injector.start()
            samples: list[int] = []
            deadline = time.monotonic() + plan.seconds
            while time.monotonic() < deadline:
                samples.append(_connections(url))
                if "half" not in rss and time.monotonic() >= deadline - plan.seconds / 2:
                    rss["half"] = _rss(server, workers)
                stop.wait(min(5.0, max(0.0, deadline - time.monotonic())))
            stop.set()
            for person in people:
                person.join(180)
            if plan.faults:
                injector.join(120)
            samples.append(_connections(url))
            rss["end"] = _rss(server, workers)
        finally:
            server.stop()
            for worker in started:
                worker.stop()
        check = subprocess.run([*processes.SENAPAS, "check"], cwd=processes.ROOT, capture_output=True, text=True,
                               env={**os.environ, **env}, timeout=600)
        findings = [line for line in check.stdout.splitlines() if line.strip() and line != "tidak ada temuan"]
        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            found = {t for t in session.scalars(select(AuditEvent.task_id).where(
                AuditEvent.action == "complete", AuditEvent.task_id.in_(tally.completed))) if t}
            doubled = session.scalar(select(func.count()).select_from(
                select(AuditEvent.task_id).where(AuditEvent.action == "complete")
                .group_by(AuditEvent.task_id).having(func.count() > 1).subquery())) or 0
            complaints = set(session.scalars(select(Instance.title).where(Instance.title.in_(tally.complaints))))
        engine.dispose()
    for note in faults.notes:
        say(f"fault: {note}")
    results = _report(tally, faults, rss, samples, findings, found, doubled, complaints, plan)
    if any(r.verdict == "below" for r in results):
        say(f"the logs of the run are in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    for result in results:
        if on_result:
            on_result(result)
    return results


def _report(tally: soak_users.Tally, faults: Faults, rss: dict[str, dict[str, int]],
            samples: list[int], findings: list[str], found: set[str], doubled: int, complaints: set[str],
            plan: Plan) -> list[Result]:
    calls = tally.calls
    in_outage = [c for c in calls if faults.during(c.began, c.ended)]
    outside = [c for c in calls if not faults.during(c.began, c.ended)]
    bad_outside = sum(1 for c in outside if c.status >= 500 or c.status == 0)
    outage_5xx = [c for c in in_outage if c.status >= 500]
    clean_503 = all(c.status == 503 and c.retry_after for c in outage_5xx)
    results = [
        _measured("requests", len(calls), "count"),
        _measured("requests_per_s", len(calls) / plan.seconds, "1/s"),
        _checked("5xx_or_no_answer_outside_faults", bad_outside, "count", bad_outside == 0),
        _measured("requests_during_faults", len(in_outage), "count"),
        _checked("5xx_during_faults_not_503_with_retry_after",
                 sum(1 for c in outage_5xx if not (c.status == 503 and c.retry_after)), "count", clean_503),
        _measured("503_during_faults", sum(1 for c in in_outage if c.status == 503), "count"),
        _measured("no_answer_during_faults", sum(1 for c in in_outage if c.status == 0), "count"),
        _measured("completions_acknowledged", len(tally.completed), "count"),
        _checked("completions_acknowledged_found", len(found), "count", found == tally.completed),
        _checked("completions_lost", len(tally.completed - found), "count", tally.completed <= found),
        _checked("completions_doubled", doubled, "count", doubled == 0),
        _measured("complaints_acknowledged", len(tally.complaints), "count"),
        _checked("complaints_lost", len(tally.complaints - complaints), "count", tally.complaints <= complaints),
        _checked("check_findings", len(findings), "count", not findings),
        _measured("db_connections_max", max(samples, default=0), "count"),
        _measured("db_connections_end", samples[-1] if samples else 0, "count"),
    ]
    by_endpoint: dict[str, list[float]] = {}
    for c in outside:
        if 0 < c.status < 500:
            by_endpoint.setdefault(c.endpoint, []).append(c.seconds * 1000)
    for endpoint, samples_ms in sorted(by_endpoint.items()):
        for q in (50, 95, 99):
            results.append(_measured(f"p{q}_ms {endpoint}", _percentile(samples_ms, q), "ms"))
        results.append(_measured(f"requests {endpoint}", len(samples_ms), "count"))
    for name in sorted(set().union(*rss.values())):
        for phase, found_rss in rss.items():  # start (loaded, no request yet), half-way, end
            results.append(_measured(f"rss_{phase}_mib {name}", found_rss.get(name, 0) / 1024, "MiB"))
    return results
