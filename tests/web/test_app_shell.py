"""The app around the pages: redirects, security headers, cookies, languages, errors, a lost database."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.db import make_engine, make_session_factory
from tests.web.helpers import FIXTURES, PASSWORD, Api, Web, csrf_of, deploy, open_task, start
from web.app import create_app
from web.security import CSP

TEMPLATES = FIXTURES.parent.parent.parent / "web" / "templates"


def test_root_goes_to_tasks_and_pages_need_a_login(app):
    client = app.test_client()
    assert client.get("/").headers["Location"].endswith("/tasks")
    response = client.get("/tasks")
    assert response.status_code == 302 and "/login?next=%2Ftasks" in response.headers["Location"]


def test_security_headers_on_pages_and_api(app):
    client = app.test_client()
    for path in ("/login", "/api/v1/openapi.json", "/nope"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CSP
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"


def test_templates_hold_no_inline_script_or_style():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\ssrc=)", text) and "<style" not in text, template.name
        assert not re.search(r"<script[^>]*>[^<]+</script>", text), template.name
        assert not re.search(r"\sstyle\s*=", text), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name


def test_session_cookie_is_httponly_lax_and_secure_outside_testing(factory, settings, people):
    app = create_app(settings, {"SESSION_FACTORY": factory})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    token = csrf_of(client.get("/login").text)
    cookie = client.post("/login", data={"username": "petugas", "password": PASSWORD, "csrf_token": token},
                         base_url="https://localhost").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert create_app(settings, {"SESSION_FACTORY": factory, "SECURE_COOKIES": False}).config[
        "SESSION_COOKIE_SECURE"] is False


def test_indonesian_by_default_english_on_request(app, web):
    client = app.test_client()
    assert "Masuk ke Senapas" in client.get("/login").text
    assert "Log in to Senapas" in client.get("/login?lang=en").text
    assert "Log in to Senapas" in client.get("/login").text  # kept in the session
    assert "Masuk ke Senapas" in client.get("/login?lang=id").text
    # an English browser still starts in Indonesian: the switch, not the header, changes pages
    assert "Masuk ke Senapas" in app.test_client().get("/login", headers={"Accept-Language": "en-US,en"}).text
    browser = web("petugas")
    page = browser.get("/tasks?lang=en").text
    assert "Inbox" in page and "Queue" in page and "Archive" in page


def test_unknown_page_is_a_404_page(app):
    response = app.test_client().get("/tidak-ada")
    assert response.status_code == 404 and "tidak ditemukan" in response.text
    assert response.mimetype == "text/html"


def test_a_method_a_route_does_not_take_is_a_405_naming_the_ones_it_does(app):
    client = app.test_client()
    answer = client.delete("/api/v1/tasks", headers={"Accept": "application/json"})
    assert answer.status_code == 405 and answer.json["error"]["code"] == "method_not_allowed"
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "HEAD", "OPTIONS"}
    page = client.put("/login")
    assert page.status_code == 405 and {"GET", "POST"} <= set(page.headers["Allow"].split(", "))


def test_static_stylesheet_is_served(app):
    response = app.test_client().get("/static/senapas.css")
    assert response.status_code == 200 and "text/css" in response.content_type


def _dropped(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"),
                           connection_invalidated=True)


def test_a_dropped_connection_is_a_clean_503_and_the_next_request_works(web, api, monkeypatch):
    browser, caller = web("petugas"), api("petugas")
    for method in ("scalar", "scalars", "execute"):  # whatever query the request makes first
        monkeypatch.setattr(Session, method, _dropped)
    monkeypatch.setattr(sa.engine.Connection, "execute", _dropped)  # prepared statements (engine.db.execute)
    page = browser.get("/tasks?scope=inbox")
    assert page.status_code == 503 and "Basis data" in page.text
    response = caller.get("/tasks?scope=inbox")
    assert response.status_code == 503 and response.json["error"]["code"] == "service_unavailable"
    assert response.headers["Retry-After"]
    monkeypatch.undo()
    assert browser.get("/tasks?scope=inbox").status_code == 200
    assert caller.get("/tasks?scope=inbox").status_code == 200


def test_postgresql_backend_killed_between_requests_reconnects(db_engine, settings, people):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("terminating a server backend is a PostgreSQL experiment")
    with db_engine.connect() as conn:
        search_path = conn.execute(sa.text("SHOW search_path")).scalar()
    # One pooled connection only, so the request after the kill must meet the dead one.
    engine = make_engine(db_engine.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0,
                         connect_args={"options": f"-csearch_path={search_path}"})
    try:
        app = create_app(settings, {"TESTING": True, "SESSION_FACTORY": make_session_factory(engine)})
        browser = Web(app.test_client()).login("petugas")
        with engine.connect() as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        with db_engine.connect() as killer:
            killer.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(3):
            assert browser.get("/tasks").status_code == 200
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()


def test_nul_bytes_in_query_arguments_are_refused(web, api):
    assert web("kabid").get("/instances?q=a%00b").status_code == 400
    response = api("kabid").get("/instances?q=%00")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_request"


def test_closing_a_read_session_on_a_dead_connection_does_not_fail_the_request(app):
    from flask import g

    from web.db import close_session

    class DeadSession:
        invalidated = False

        def close(self):
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection"), connection_invalidated=True)

        def invalidate(self):
            self.invalidated = True

    with app.app_context():
        g.db = dead = DeadSession()
        close_session()
        assert dead.invalidated and "db" not in g


def test_a_mutating_request_reads_and_writes_in_one_session(factory, settings, people):
    opened = []

    def counting():
        opened.append(factory())
        return opened[-1]
    app = create_app(settings, {"TESTING": True, "SESSION_FACTORY": counting})
    deploy(factory, "laporan.bpmn")
    task_id = open_task(factory, start(factory, "laporan"), "isi")
    browser, caller = Web(app.test_client()).login("petugas"), Api(app.test_client(), "petugas2")
    opened.clear()
    assert browser.post(f"/tasks/{task_id}/claim").status_code == 303
    assert len(opened) == 1
    opened.clear()
    assert caller.post(f"/tasks/{task_id}/claim").status_code == 409
    assert caller.post(f"/tasks/{task_id}/comment", {"text": "Sudah dicek."}).status_code == 201
    assert len(opened) == 2
