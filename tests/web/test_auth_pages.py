"""Logging in and out: credentials, safe redirects, CSRF on the forms, the login rate limit."""

from __future__ import annotations

from sqlalchemy import update

from engine.models import User
from tests.web.helpers import PASSWORD, csrf_of
from web.app import create_app


def _login(client, username, password=PASSWORD, next_url=None, token=None):
    page = client.get("/login" + (f"?next={next_url}" if next_url else ""))
    data = {"username": username, "password": password, "csrf_token": csrf_of(page.text) if token is None else token}
    if next_url:
        data["next"] = next_url
    return client.post("/login", data=data)


def test_login_goes_where_the_person_wanted(app, people):
    client = app.test_client()
    response = _login(client, "petugas", next_url="/instances")
    assert response.status_code == 303 and response.headers["Location"] == "/instances"
    assert "Petugas Demo" in client.get("/instances").text


def test_login_never_redirects_off_site(app, people):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = _login(app.test_client(), "petugas", next_url=target)
        assert response.headers["Location"] == "/tasks", target


def test_wrong_password_or_unknown_user_is_refused(app, people):
    client = app.test_client()
    for username, password in (("petugas", "salah"), ("siapa", PASSWORD), ("", "")):
        response = _login(client, username, password)
        assert response.status_code == 401 and "kata sandi salah" in response.text
    assert client.get("/tasks").status_code == 302


def test_inactive_user_cannot_log_in_and_is_logged_out(app, people, factory):
    client = app.test_client()
    assert _login(client, "petugas").status_code == 303
    with factory.begin() as s:
        s.execute(update(User).where(User.username == "petugas").values(active=False))
    assert client.get("/tasks").status_code == 302  # the session no longer loads a user
    assert _login(app.test_client(), "petugas").status_code == 401


def test_login_form_needs_its_csrf_token(app, people):
    client = app.test_client()
    response = _login(client, "petugas", token="")
    assert response.status_code == 400 and "token keamanan" in response.text
    assert client.get("/tasks").status_code == 302


def test_logout_is_a_post_with_csrf(web):
    browser = web("petugas")
    assert browser.get("/logout").status_code == 405
    assert browser.client.post("/logout").status_code == 400
    assert browser.get("/tasks").status_code == 200
    response = browser.post("/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert browser.get("/tasks").status_code == 302


def test_logged_in_person_visiting_login_goes_to_tasks(web):
    response = web("kabid").get("/login")
    assert response.status_code == 302 and response.headers["Location"] == "/tasks"


def test_login_attempts_are_rate_limited(factory, settings, people):
    app = create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory, "LOGIN_RATE_LIMIT": (3, 60)})
    client = app.test_client()
    statuses = [_login(client, "petugas", "salah").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_session_is_renewed_at_login(app, people):
    client = app.test_client()
    before = csrf_of(client.get("/login").text)
    _login(client, "petugas", token=before)
    after = csrf_of(client.get("/tasks").text)
    assert before != after
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400


def test_a_form_posted_after_logout_goes_to_the_login_page(web, factory):
    from tests.web.helpers import deploy, open_task, start
    deploy(factory, "laporan.bpmn")
    task_id = open_task(factory, start(factory, "laporan"), "isi")
    browser = web("petugas")
    token = csrf_of(browser.get(f"/tasks/{task_id}").text)
    browser.post("/logout")
    response = browser.client.post(f"/tasks/{task_id}", data={"csrf_token": token, "_action": "draft"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    stale_public = browser.client.post("/complaints/new", data={"csrf_token": token, "name": "x"})
    assert stale_public.status_code == 400


def test_page_login_expires_after_the_configured_idle_time(app, people):
    client = app.test_client()
    cookie = _login(client, "petugas").headers["Set-Cookie"]
    assert "Expires=" in cookie
    assert app.permanent_session_lifetime.total_seconds() == 8 * 3600
