"""Fixtures for the web tests: an app per test on the parametrized database, people, clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from engine.config import PROJECT_DIR, Settings
from engine.db import run_in_transaction
from engine.people import users
from tests.web.browser import ARGS, CHROMIUM, need_chromium
from tests.web.helpers import FIXTURES, PASSWORD, PEOPLE, Api, Web
from tests.web.sop_steps import DEMO_PASSWORD
from web import demo
from web.app import create_app


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheaper scrypt for tests (the cost is stored in each hash, so checking still works)."""
    monkeypatch.setattr(users, "SCRYPT_N", 2**8)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at the web fixtures folder (BPMN files and their forms)."""
    return Settings(database_url="sqlite:///unused", secret_key="test-secret", processes_dir=FIXTURES,
                    instance_dir=tmp_path)


@pytest.fixture
def app(factory: sessionmaker[Session], settings: Settings) -> Flask:
    """An app bound to the test database."""
    return create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory})


@pytest.fixture
def people(factory: sessionmaker[Session]) -> dict[str, list[str]]:
    """One user per role (plus a second petugas), all with the same password."""
    def work(session: Session) -> None:
        for username, roles in PEOPLE.items():
            users.create_user(session, username, PASSWORD, roles, name=f"{username.title()} Demo")
    run_in_transaction(factory, work)
    return PEOPLE


@pytest.fixture
def web(app: Flask, people: dict[str, list[str]]) -> Callable[[str], Web]:
    """Make a logged-in browser for a username: web("petugas")."""
    def login(username: str) -> Web:
        return Web(app.test_client()).login(username)
    return login


@pytest.fixture
def api(app: Flask, people: dict[str, list[str]]) -> Callable[[str], Api]:
    """Make an API caller for a username: api("kabid")."""
    def make(username: str) -> Api:
        return Api(app.test_client(), username)
    return make


@pytest.fixture
def demo_app(factory: sessionmaker[Session], tmp_path: Path) -> Flask:
    """The app on a database prepared by `senapas demo --empty`'s own preparation step (no cycles yet)."""
    settings = Settings(database_url="sqlite:///unused", secret_key="test-secret",
                        processes_dir=PROJECT_DIR / "processes", instance_dir=tmp_path)
    demo.prepare(settings, factory, DEMO_PASSWORD, say=lambda _text: None, empty=True)
    return create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory})


@pytest.fixture
def office_app(factory: sessionmaker[Session], tmp_path: Path) -> Flask:
    """The app on a database prepared by `senapas demo`: the living office with cycles and complaints."""
    settings = Settings(database_url="sqlite:///unused", secret_key="test-secret",
                        processes_dir=PROJECT_DIR / "processes", instance_dir=tmp_path)
    demo.prepare(settings, factory, DEMO_PASSWORD, say=lambda _text: None)
    return create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory})


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, shared by a module's browser tests (skipped or failed as need_chromium says)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
