"""What the browser tests share: Debian's Chromium, a live server thread, pages that log in and collect errors.

A missing Chromium fails the tests (`make test` installs it first, or says how); they are skipped only when
SENAPAS_SKIP_BROWSER=1 asks for it. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from engine.config import PROJECT_DIR, Settings
from engine.db import make_engine, make_session_factory, run_in_transaction
from engine.migrate import upgrade
from engine.people import users
from tests.web.helpers import PASSWORD, PEOPLE
from web import demo
from web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = PROJECT_DIR / "test-artifacts"


def need_chromium() -> None:
    """Skip when SENAPAS_SKIP_BROWSER=1 asks for it; fail when Chromium is missing."""
    if os.environ.get("SENAPAS_SKIP_BROWSER") == "1":
        pytest.skip("SENAPAS_SKIP_BROWSER=1")
    if not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} is missing: install it with `sudo make system-deps`, "
                    "or set SENAPAS_SKIP_BROWSER=1 to skip the browser tests")


def live_app(settings: Settings, factory: sessionmaker[Session]) -> Flask:
    """The app as a live server runs it: over the given database, cookies sent over plain HTTP."""
    return create_app(settings, {"SESSION_FACTORY": factory, "SECURE_COOKIES": False})


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve the app from a thread on a free port of 127.0.0.1; the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def staff_database(folder: Path) -> tuple[str, Engine, sessionmaker[Session]]:
    """A migrated SQLite file in the folder with one person per role (PEOPLE, PASSWORD); url, engine, factory."""
    url = f"sqlite:///{folder / 'senapas.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)

    def people(session: Session) -> None:
        for username, roles in PEOPLE.items():
            users.create_user(session, username, PASSWORD, roles, name=f"{username.title()} Contoh")
    run_in_transaction(factory, people)
    return url, engine, factory


@contextmanager
def demo_database(folder: Path, *, empty: bool = False) -> Iterator[tuple[Settings, sessionmaker[Session]]]:
    """A SQLite file in the folder prepared as `senapas demo` (or `--empty`) prepares it; settings and factory."""
    url = f"sqlite:///{folder / 'senapas.db'}"
    engine = make_engine(url)
    factory = make_session_factory(engine)
    settings = Settings(database_url=url, secret_key="browser-test", processes_dir=PROJECT_DIR / "processes",
                        instance_dir=folder)
    demo.prepare(settings, factory, demo.DEMO_PASSWORD, say=lambda _text: None, empty=empty)
    try:
        yield settings, factory
    finally:
        engine.dispose()


def new_page(browser: Any, *, phone: bool = False, downloads: bool = False) -> tuple[Any, list[str]]:
    """A page in a fresh context (desktop 1280 px or a 390 px phone) and the list its console errors go to."""
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    options: dict[str, Any] = {"accept_downloads": True} if downloads else {}
    context = browser.new_context(locale="id-ID", viewport=size, device_scale_factor=2 if phone else 1,
                                  is_mobile=phone, has_touch=phone, **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def log_in(page: Any, base: str, username: str, password: str = PASSWORD, *, landing: str | None = "/tasks") -> None:
    """Log in through the login page and wait for the landing page (None: do not wait)."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button.primary")
    if landing is not None:
        page.wait_for_url(f"{base}{landing}")


def snap(page: Any, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot of the page to test-artifacts/."""
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def fits(page: Any) -> bool:
    """True when nothing makes the page scroll sideways (wide tables scroll inside their own box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
