"""Sessions and accounts under attack: redirects, copied cookies, login timing and limits, weak
passwords, the BPMN source and out-of-range ids."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update
from werkzeug.routing.converters import NumberConverter

from engine.db import run_in_transaction
from engine.errors import BadRequest, NotFound
from engine.libraries import registry
from engine.models import User
from engine.people import users
from tests.web.helpers import PASSWORD, Api, Web, csrf_of, deploy, open_task, start
from web.app import create_app
from web.cli import main

COOKIE = "senapas_session"
# What a browser makes of these `next` values would leave the site or break the Location header.
HOSTILE_NEXT = ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
                "/ /\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/",
                "https:evil.example", "javascript:alert(1)", "/x\r\nSet-Cookie: a=b", "/x\x00y", "/x\x7f",
                "//[evil.example", " //evil.example"]
BEYOND_64_BITS = [2**63, 2**64, 10**30]


def _login(client, username, password=PASSWORD, next_url=None, **kwargs):
    page = client.get("/login")
    data = {"username": username, "password": password, "csrf_token": csrf_of(page.text)}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/login", data=data, **kwargs)


def _token(client, username, password=PASSWORD, **kwargs):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password}, **kwargs)


def _is_local(location: str) -> bool:
    return location.startswith("/") and not location.startswith("//") and not any(
        c in location for c in "\\\t\r\n\x00")


# 6. Open redirects through every `next`.

def test_login_next_is_a_local_path_after_parsing(app, people):
    for target in HOSTILE_NEXT:
        response = _login(app.test_client(), "petugas", next_url=target)
        assert response.status_code == 303, (target, response.status_code)
        assert response.headers["Location"] == "/tasks", target


def test_logged_in_visit_of_login_never_redirects_off_site(web):
    browser = web("petugas")
    for query in ("/%09/evil.example", "/%0d%0a/evil.example", "%09//evil.example", "/%5Cevil.example",
                  "https:%2F%2Fevil.example", "/x%0d%0aSet-Cookie:%20a=b"):
        response = browser.get(f"/login?next={query}")
        assert response.status_code == 302 and response.headers["Location"] == "/tasks", query


def test_next_after_a_task_action_and_after_a_refused_action_stays_local(web, factory):
    deploy(factory, "laporan.bpmn")
    instance_id = start(factory, "laporan")
    task_id = open_task(factory, instance_id, "isi")
    browser = web("petugas")
    for target in HOSTILE_NEXT:
        claimed = browser.post(f"/tasks/{task_id}/claim", {"next": target})
        assert claimed.status_code == 303 and _is_local(claimed.headers["Location"]), (target, claimed.headers)
        browser.post(f"/tasks/{task_id}/unclaim")
    kabid = web("kabid")
    assert kabid.post(f"/instances/{instance_id}/resume", {"next": "/instances"}).headers["Location"] == "/instances"
    for target in HOSTILE_NEXT:  # a refused action goes back to a safe `next` only, else shows the error
        refused = kabid.post(f"/instances/{instance_id}/resume", {"next": target})
        assert refused.status_code in (400, 409) and "Location" not in refused.headers, target


# 7. A copied session cookie dies with the session.

def _copy_cookie(source, app):
    copy = app.test_client()
    copy.set_cookie(COOKIE, source.client.get_cookie(COOKIE).value)
    return copy


def test_a_cookie_copied_before_logout_is_dead_after_it(web, app):
    browser = web("petugas")
    copy = _copy_cookie(browser, app)
    assert copy.get("/tasks").status_code == 200 and copy.get("/api/v1/me").status_code == 200
    copy = _copy_cookie(browser, app)
    assert browser.post("/logout").status_code == 303
    page = copy.get("/tasks")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert copy.get("/api/v1/me").status_code == 401
    refreshed = [c for c in page.headers.getlist("Set-Cookie") if c.startswith(COOKIE + "=")]
    assert all("Expires=Thu, 01 Jan 1970" in c for c in refreshed), refreshed  # dropped, never renewed


def test_logout_ends_the_persons_sessions_in_other_browsers(web):
    laptop, phone = web("petugas"), web("petugas")
    other_person = web("kabid")
    laptop.post("/logout")
    assert phone.get("/tasks").status_code == 302
    assert other_person.get("/tasks").status_code == 200


def test_a_password_change_ends_sessions_and_tokens_but_the_new_password_works(web, app, factory):
    browser = web("petugas")
    copy = _copy_cookie(browser, app)
    api = Api(app.test_client(), "petugas")
    run_in_transaction(factory, lambda s: users.set_password(s, "petugas", "kuda-biru-lompat"))
    assert browser.get("/tasks").status_code == 302 and copy.get("/tasks").status_code == 302
    assert api.get("/me").status_code == 401
    assert _login(app.test_client(), "petugas").status_code == 401
    assert Web(app.test_client()).login("petugas", "kuda-biru-lompat").get("/tasks").status_code == 200


def test_changing_ones_password_on_the_page_ends_the_other_sessions_only(web, app):
    browser, other = web("petugas"), web("petugas")
    api = Api(app.test_client(), "petugas")
    assert "Kata sandi baru" in browser.get("/account/password").text
    form = {"password": PASSWORD, "new_password": "kuda-biru-lompat", "repeat_password": "kuda-biru-lompat"}
    assert browser.post("/account/password", {**form, "password": "salah"}).status_code == 422
    weak = browser.post("/account/password", {**form, "new_password": "petugas", "repeat_password": "petugas"})
    assert weak.status_code == 422 and "minimal 10 karakter" in weak.text
    assert browser.post("/account/password", {**form, "repeat_password": "lain-lagi-ya"}).status_code == 422
    assert other.get("/tasks").status_code == 200
    changed = browser.post("/account/password", form)
    assert changed.status_code == 303 and browser.get("/tasks").status_code == 200
    assert other.get("/tasks").status_code == 302 and api.get("/me").status_code == 401
    assert Web(app.test_client()).login("petugas", "kuda-biru-lompat").get("/tasks").status_code == 200


def test_changing_ones_password_through_the_api_ends_every_session_and_token(web, app):
    browser = web("kabid")
    api, other = Api(app.test_client(), "kabid"), Api(app.test_client(), "kabid")
    wrong = api.post("/me/password", {"current_password": "salah", "new_password": "kuda-biru-lompat"})
    assert wrong.status_code == 422 and wrong.json["error"]["details"][0]["path"] == "current_password"
    weak = api.post("/me/password", {"current_password": PASSWORD, "new_password": "qwertyuiop"})
    assert weak.status_code == 422 and weak.json["error"]["details"][0]["path"] == "new_password"
    assert api.post("/me/password", {"current_password": PASSWORD, "new_password": "kuda-biru-lompat"}).json == {
        "changed": True}
    assert api.get("/me").status_code == 401 and other.get("/me").status_code == 401
    assert browser.get("/tasks").status_code == 302
    assert _token(app.test_client(), "kabid", "kuda-biru-lompat").status_code == 200


# 8. The login answer costs the same whether or not the user exists.

@pytest.fixture
def hash_calls(monkeypatch):
    calls: list[tuple[int, int, int]] = []
    real = hashlib.scrypt

    def counted(password, *, salt, n, r, p, **kwargs):
        calls.append((n, r, p))
        return real(password, salt=salt, n=n, r=r, p=p, **kwargs)
    monkeypatch.setattr(hashlib, "scrypt", counted)
    return calls


def test_unknown_users_cost_the_same_password_hash_work(app, people, factory, hash_calls):
    with factory.begin() as s:
        s.execute(update(User).where(User.username == "petugas2").values(active=False))
    costs = {}
    for username in ("petugas", "siapa-saja", "petugas2"):
        hash_calls.clear()
        assert _login(app.test_client(), username, "salah-sekali").status_code == 401
        assert _token(app.test_client(), username, "salah-sekali").status_code == 401
        costs[username] = list(hash_calls)
    assert costs["petugas"] and len(costs["petugas"]) == 2
    assert costs["siapa-saja"] == costs["petugas"] == costs["petugas2"]


# 9. The login limit counts failures per username and per address, and says when to retry.

@pytest.fixture
def limited(factory, settings, people):
    return create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory, "LOGIN_RATE_LIMIT": (3, 300)})


def _from(address):
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_successful_logins_from_one_address_never_count(limited):
    for _ in range(10):
        assert _login(limited.test_client(), "petugas", **_from("10.0.0.1")).status_code == 303
        assert _token(limited.test_client(), "kabid", **_from("10.0.0.1")).status_code == 200
    assert _login(limited.test_client(), "mitra", "salah", **_from("10.0.0.1")).status_code == 401


def test_failures_on_one_username_are_limited_from_any_address(limited):
    statuses = [_login(limited.test_client(), "kabid", "salah", **_from(f"10.0.1.{i}")).status_code
                for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert _token(limited.test_client(), "KABID", PASSWORD, **_from("10.0.1.9")).status_code == 429
    assert _login(limited.test_client(), "petugas", **_from("10.0.1.9")).status_code == 303


def test_failures_from_one_address_are_limited_across_usernames(limited):
    for username in ("a", "b", "c"):
        assert _token(limited.test_client(), username, "salah", **_from("10.0.2.1")).status_code == 401
    assert _login(limited.test_client(), "petugas", **_from("10.0.2.1")).status_code == 429
    assert _login(limited.test_client(), "petugas", **_from("10.0.2.2")).status_code == 303


def test_the_limit_page_and_error_say_when_to_retry(limited):
    for _ in range(3):
        _login(limited.test_client(), "kabid", "salah")
    page = _login(limited.test_client(), "kabid", "salah")
    assert page.status_code == 429 and 0 < int(page.headers["Retry-After"]) <= 300
    assert "Coba lagi dalam 5 menit" in page.text and 'name="password"' in page.text
    english = limited.test_client()
    english.get("/login?lang=en")
    assert "Try again in 5 minutes" in _login(english, "kabid", "salah").text
    answer = _token(limited.test_client(), "kabid", "salah")
    seconds = int(answer.headers["Retry-After"])
    assert answer.status_code == 429 and answer.json["error"]["code"] == "rate_limited"
    assert f"coba lagi dalam {seconds} detik" in answer.json["error"]["message"]
    answer = _token(limited.test_client(), "kabid", "salah", headers={"Accept-Language": "en"})
    assert "try again in" in answer.json["error"]["message"] and "seconds" in answer.json["error"]["message"]


# 10. Weak passwords are refused wherever a password is set.

@pytest.mark.parametrize("username,password,case", [
    ("budi", "abcd", r"password_too_short\(minimum=10\)"),
    ("budi", "123456789", r"password_too_short\(minimum=10\)"),
    ("budiono123", "budiono123", "password_is_username"),
    ("budiono123", "BUDIONO123", "password_is_username"),
    ("budi", "password123", "password_too_common"),
    ("budi", "Qwertyuiop", "password_too_common"),
    ("budi", "aaaaaaaaaaaa", "password_too_common"),
])
def test_weak_passwords_are_refused(factory, username, password, case):
    with pytest.raises(BadRequest, match=case):
        run_in_transaction(factory, lambda s: users.create_user(s, username, password, ["petugas"]))
    run_in_transaction(factory, lambda s: users.create_user(s, username, "kuda-biru-lompat", ["petugas"]))
    with pytest.raises(BadRequest, match=case):
        run_in_transaction(factory, lambda s: users.set_password(s, username, password))


def test_the_users_commands_apply_the_policy(tmp_path: Path):
    env = {"SENAPAS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "SENAPAS_INSTANCE_DIR": str(tmp_path)}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    weak = runner.invoke(main, ["users", "add", "budi", "--role", "petugas", "--password", "abcd"], env=env)
    assert weak.exit_code != 0 and "minimal 10" in weak.output
    same = runner.invoke(main, ["users", "add", "budi", "--role", "petugas", "--password", "budi"], env=env)
    assert same.exit_code != 0
    good = runner.invoke(main, ["users", "add", "budi", "--role", "petugas", "--password", "kuda-biru-lompat"],
                         env=env)
    assert good.exit_code == 0, good.output
    change = runner.invoke(main, ["users", "password", "budi", "--password", "budi"], env=env)
    assert change.exit_code != 0 and "minimal 10" in change.output
    change = runner.invoke(main, ["users", "password", "budi", "--password", "gajah-ungu-tidur"], env=env)
    assert change.exit_code == 0, change.output


# 11. The BPMN source is for admins only; ids beyond 64 bits are 404 everywhere.

def test_bpmn_source_is_admin_only_through_the_api_as_on_the_pages(api, web, factory):
    deploy(factory, "laporan.bpmn")
    path = "/definitions/laporan/versions/1/bpmn"
    for username in ("kabid", "subkoor", "petugas", "mitra", "pustakawan"):
        assert api(username).get(path).status_code == 403, username
        assert web(username).get(path).status_code == 403, username
    assert api("admin").get(path).status_code == 200 and b"<bpmn" in api("admin").get(path).data
    assert web("admin").get(path).status_code == 200


def _id_routes(app):
    """Every route with an integer part, and a path to it with each such part set to `number`."""
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, NumberConverter) for c in rule._converters.values()):
            def path(number, rule=rule):
                values = {name: number if isinstance(c, NumberConverter)
                          else sorted(getattr(c, "items", ["laporan"]))[0] for name, c in rule._converters.items()}
                return rule.build(values, append_unknown=False)[1]
            yield rule, path


def test_ids_beyond_64_bits_are_404_on_every_route(app, web, api, factory):
    deploy(factory, "laporan.bpmn")
    start(factory, "laporan")
    browser, caller = web("admin"), api("admin")
    checked = 0
    for rule, path_with in _id_routes(app):
        method = "GET" if "GET" in rule.methods else "PUT" if "PUT" in rule.methods else "POST"
        for number in BEYOND_64_BITS:
            path = path_with(number)
            if path.startswith("/api/v1"):
                response = caller.client.open(path, method=method, headers=caller.headers, json={})
            else:
                response = browser.client.open(path, method=method, data={"csrf_token": browser.token})
            assert response.status_code == 404, (path, method, response.status_code)
            checked += 1
    assert checked >= 14 * len(BEYOND_64_BITS)


def test_library_ids_beyond_64_bits_in_submitted_data_are_unknown_libraries(factory):
    with factory() as s:
        for number in BEYOND_64_BITS:
            with pytest.raises(NotFound):
                registry.get(s, number)
            with pytest.raises(NotFound):
                registry.get(s, str(number))
