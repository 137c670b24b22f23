"""The `senapas demo` preparation (on the real processes folder) and the `serve` command's server."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from engine import config
from engine.config import PROJECT_DIR, Settings
from engine.db import make_engine, make_session_factory
from engine.libraries.registry import Library
from engine.models import Definition
from engine.people import users
from web import demo
from web.app import create_app
from web.cli import main
from web.serve import SenapasServer


def test_demo_prepares_a_fresh_database_and_is_idempotent(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    settings = Settings(database_url=url, secret_key="x", processes_dir=PROJECT_DIR / "processes",
                        instance_dir=tmp_path)
    factory = make_session_factory(make_engine(url))
    said: list[str] = []
    demo.prepare(settings, factory, demo.DEMO_PASSWORD, say=said.append)
    assert not [line for line in said if line.startswith("peringatan")], said
    demo.prepare(settings, factory, demo.DEMO_PASSWORD, say=said.append)
    with factory() as s:
        keys = sorted(s.scalars(select(Definition.key)))
        assert {"kitapun_senapas", "pengaduan"} <= set(keys) and len(keys) == len(set(keys))
        assert s.scalar(select(func.count()).select_from(Library)) > 0
        for person in demo.DEMO_USERS:
            user = users.authenticate(s, person.username, demo.DEMO_PASSWORD)
            assert user is not None and user.roles == [person.role]
    assert "  pengguna demo: sudah ada" in said
    factory.kw["bind"].dispose()


def test_demo_without_processes_only_warns(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    settings = Settings(database_url=url, secret_key="x", processes_dir=tmp_path / "nothing", instance_dir=tmp_path)
    factory = make_session_factory(make_engine(url))
    said: list[str] = []
    demo.prepare(settings, factory, demo.DEMO_PASSWORD, say=said.append)
    assert any("belum ada berkas .bpmn" in line for line in said)
    assert any("registri perpustakaan kosong" in line for line in said)
    factory.kw["bind"].dispose()


def test_timer_thread_starts_and_stops(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 't.db'}"
    settings = Settings(database_url=url, secret_key="x", processes_dir=tmp_path, instance_dir=tmp_path)
    factory = make_session_factory(make_engine(url))
    stop = demo.start_timer_thread(config.context(settings, factory), interval=0.01)
    stop.set()
    factory.kw["bind"].dispose()


def test_commands_are_listed():
    result = CliRunner().invoke(main, ["--help"])
    for command in ("demo", "serve", "worker", "deploy", "db", "users"):
        assert command in result.output
    assert "--port" in CliRunner().invoke(main, ["demo", "--help"]).output
    assert "--workers" in CliRunner().invoke(main, ["serve", "--help"]).output


def test_gunicorn_server_takes_our_options(settings, factory):
    app = create_app(settings, {"SESSION_FACTORY": factory})
    server = SenapasServer(app, {"bind": "127.0.0.1:8123", "workers": 3, "timeout": 30, "unknown": 1})
    assert server.cfg.bind == ["127.0.0.1:8123"] and server.cfg.workers == 3 and server.cfg.timeout == 30
    assert server.load() is app
    server.post_fork(None, None)  # empties the pool; the app still works afterwards
    assert app.test_client().get("/login").status_code == 200
