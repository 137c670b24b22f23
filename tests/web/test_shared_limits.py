"""Rate limits every web process shares: the database counter, and two `senapas serve` processes of two
gunicorn workers each counting one complaint limit, on PostgreSQL and on Redis."""

from __future__ import annotations

import http.client
import json
import os
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from bench import processes
from engine import rate_counts
from engine.db import run_in_transaction
from engine.models import Instance
from tests.conftest import PG_URL
from tests.web.helpers import deploy
from web.app import create_app

REDIS_URL = os.environ.get("SENAPAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
COMPLAINT = {"name": "Warga Contoh", "contact": "warga@example.org", "channel": "telepon",
             "message": "Buku di perpustakaan desa tidak pernah diganti."}
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _hit(factory, key, at, limit=5, window=600):
    return run_in_transaction(factory, lambda s: rate_counts.hit(s, key, limit, window, T0 + at))


def test_the_sixth_attempt_in_a_window_is_refused_and_told_when_to_retry(factory):
    waits = [_hit(factory, "complaint:10.0.0.1", timedelta(seconds=i)) for i in range(6)]
    assert waits[:5] == [0] * 5 and waits[5] == 595
    assert _hit(factory, "complaint:10.0.0.2", timedelta(seconds=6)) == 0
    with factory() as s:
        assert s.get(rate_counts.RateCount, "complaint:10.0.0.1").count == 5  # the refusal was not counted


def test_a_window_ends_and_the_next_attempt_starts_a_new_one(factory):
    for i in range(5):
        _hit(factory, "k", timedelta(seconds=i))
    assert _hit(factory, "k", timedelta(seconds=599)) == 1
    assert _hit(factory, "k", timedelta(seconds=600)) == 0
    assert [_hit(factory, "k", timedelta(seconds=601 + i)) for i in range(5)] == [0, 0, 0, 0, 1199 - 604]


def test_a_window_started_by_another_process_a_moment_later_waits_no_longer_than_the_window(factory):
    for _ in range(5):
        _hit(factory, "k", timedelta(seconds=2))  # another process, whose clock read a little later
    assert _hit(factory, "k", timedelta(seconds=0)) == 600


def test_failures_count_past_the_limit_and_wait_counts_nothing(factory):
    for _ in range(4):
        run_in_transaction(factory, lambda s: rate_counts.add(s, "login:kabid", 300, T0))
    with factory() as s:
        assert rate_counts.wait(s, "login:kabid", 3, 300, T0 + timedelta(seconds=100)) == 200
        assert rate_counts.wait(s, "login:kabid", 5, 300, T0) == 0
        assert rate_counts.wait(s, "login:kabid", 3, 300, T0 + timedelta(seconds=300)) == 0
        assert s.get(rate_counts.RateCount, "login:kabid").count == 4


def test_prune_deletes_only_windows_that_ended(factory):
    _hit(factory, "old", timedelta(0))
    _hit(factory, "new", timedelta(seconds=500))
    assert run_in_transaction(factory, lambda s: rate_counts.prune(s, 600, T0 + timedelta(seconds=700))) == 1
    with factory() as s:
        assert s.scalars(select(rate_counts.RateCount.key)).all() == ["new"]


def test_twelve_simultaneous_attempts_count_exactly_five(factory):
    barrier = threading.Barrier(12)
    waits: list[int] = []

    def attempt() -> None:
        barrier.wait()
        waits.append(_hit(factory, "complaint:10.0.0.3", timedelta(seconds=1)))

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(waits) == [0] * 5 + [600] * 7


def _post(port: int) -> tuple[int, dict[str, str], dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:  # a new connection each time, so the gunicorn workers take turns as they accept
        conn.request("POST", "/api/v1/public/complaints", body=json.dumps(COMPLAINT),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("store", ["database", "redis"])
def test_two_servers_of_two_workers_refuse_the_sixth_complaint_from_one_address(db_engine, factory, tmp_path,
                                                                              store):
    if db_engine.dialect.name == "sqlite":
        pytest.skip("several server processes on one database is the PostgreSQL deployment; SQLite serves one")
    if store == "redis" and (problem := _redis_problem()):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is required in CI: {problem}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {problem}")
    deploy(factory, "pengaduan.bpmn")
    with db_engine.connect() as conn:
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    env = {"SENAPAS_DATABASE_URL": processes.pg_url_with_schema(PG_URL, schema),
           "SENAPAS_SECRET_KEY": "test-" + uuid.uuid4().hex, "SENAPAS_COMPLAINT_LIMIT": "5/600",
           "SENAPAS_PROCESSES_DIR": str(processes.ROOT / "tests" / "fixtures" / "web"),
           "SENAPAS_REDIS_URL": REDIS_URL if store == "redis" else "",
           "SENAPAS_REDIS_PREFIX": f"senapas-test-{uuid.uuid4().hex}"}
    ports = [processes.free_port(), processes.free_port()]
    servers = []
    try:
        for i, port in enumerate(ports):
            servers.append(processes.serve(f"serve{i}", port, env, tmp_path, workers=2))
        assert all(len(s.children()) == 2 for s in servers)
        barrier = threading.Barrier(12)
        answers: list[tuple[int, dict[str, str], dict]] = []

        def send(port: int) -> None:
            barrier.wait()
            answers.append(_post(port))

        threads = [threading.Thread(target=send, args=(ports[i % 2],)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        later = [_post(port) for port in ports * 2]
    finally:
        for server in servers:
            server.stop()
    assert sorted(status for status, _, _ in answers) == [201] * 5 + [429] * 7, [s.tail() for s in servers]
    for status, headers, body in [a for a in answers if a[0] == 429] + later:
        assert status == 429 and body["error"]["code"] == "rate_limited"
        assert 0 < int(headers["Retry-After"]) <= 600
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Instance)) == 5


def test_with_redis_configured_failed_logins_count_there_and_not_in_the_database(factory, settings, people):
    if problem := _redis_problem():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is required in CI: {problem}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {problem}")
    config = {"TESTING": True, "SESSION_FACTORY": factory, "LOGIN_RATE_LIMIT": (3, 60), "REDIS_URL": REDIS_URL,
              "REDIS_PREFIX": f"senapas-test-{uuid.uuid4().hex}"}
    clients = [create_app(settings, config).test_client() for _ in range(2)]  # two apps, one Redis
    answers = [clients[i % 2].post("/api/v1/auth/token", json={"username": "kabid", "password": "salah-sekali"})
               for i in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 60
    assert answers[-1].json["error"]["code"] == "rate_limited"
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(rate_counts.RateCount)) == 0
