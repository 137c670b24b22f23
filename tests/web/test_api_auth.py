"""API authentication: issuing, expiry and revocation of tokens, 401s, cookie sessions with CSRF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from engine.db import utcnow
from engine.models import ApiToken
from tests.web.helpers import PASSWORD, api_token, csrf_of

PROTECTED = [("GET", "/api/v1/tasks"), ("GET", "/api/v1/tasks/x"), ("POST", "/api/v1/tasks/x/claim"),
             ("POST", "/api/v1/tasks/x/unclaim"), ("POST", "/api/v1/tasks/x/draft"),
             ("POST", "/api/v1/tasks/x/complete"), ("POST", "/api/v1/tasks/x/assign"),
             ("POST", "/api/v1/tasks/x/comment"), ("GET", "/api/v1/instances"), ("POST", "/api/v1/instances"),
             ("GET", "/api/v1/instances/1"), ("GET", "/api/v1/instances/1/diagram.svg"),
             ("POST", "/api/v1/instances/1/suspend"), ("GET", "/api/v1/definitions"),
             ("POST", "/api/v1/definitions"), ("GET", "/api/v1/definitions/k/versions/1/bpmn"),
             ("GET", "/api/v1/documents/1"), ("GET", "/api/v1/libraries"), ("GET", "/api/v1/libraries/1"),
             ("GET", "/api/v1/me"), ("DELETE", "/api/v1/auth/token")]


def test_token_for_good_credentials(app, people):
    response = app.test_client().post("/api/v1/auth/token", json={"username": "Kabid ", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json
    assert body["user"] == {"username": "kabid", "name": "Kabid Demo", "roles": ["kabid"]}
    assert body["token_type"] == "Bearer" and len(body["token"]) > 30 and body["expires_in"] == 12 * 3600
    assert "Set-Cookie" not in response.headers


def test_bad_credentials_are_401_in_the_error_shape(app, people):
    response = app.test_client().post("/api/v1/auth/token", json={"username": "kabid", "password": "salah"})
    assert response.status_code == 401
    assert response.json == {"error": {"code": "not_authenticated", "message": "nama pengguna atau kata sandi salah",
                                       "details": []}}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_request_needs_json_with_both_fields(app, people):
    client = app.test_client()
    assert client.post("/api/v1/auth/token", json={"username": "kabid"}).status_code == 400
    assert client.post("/api/v1/auth/token", data="{bukan json", content_type="application/json").status_code == 400
    assert client.post("/api/v1/auth/token", data="username=kabid").status_code == 400


def test_every_protected_endpoint_needs_authentication(app, people):
    client = app.test_client()
    for method, path in PROTECTED:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic a2FiaWQ6eA=="}):
            response = client.open(path, method=method, headers=headers, json={})
            assert response.status_code == 401, (method, path, headers)
            assert response.json["error"]["code"] == "not_authenticated"


def test_expired_token_is_401(app, people, factory):
    client = app.test_client()
    token = api_token(client, "petugas")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with factory.begin() as s:
        s.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_revoked_token_is_401(app, people):
    client = app.test_client()
    token = api_token(client, "petugas")
    headers = {"Authorization": f"Bearer {token}"}
    response = client.delete("/api/v1/auth/token", headers=headers)
    assert response.status_code == 200 and response.json == {"revoked": True}
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    other = api_token(client, "petugas")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_bearer_calls_never_touch_the_cookie_session(app, people):
    client = app.test_client()
    token = api_token(client, "petugas")
    response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    response = client.post("/api/v1/auth/token", json={"username": "petugas", "password": PASSWORD})
    assert "Set-Cookie" not in response.headers


def test_cookie_session_works_and_needs_csrf_for_changes(web, factory):
    from tests.web.helpers import deploy
    deploy(factory, "laporan.bpmn")
    browser = web("petugas")
    assert browser.get("/api/v1/me").json["username"] == "petugas"
    response = browser.client.post("/api/v1/instances", json={"definition": "laporan"})
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf_failed"
    token = csrf_of(browser.get("/tasks").text)
    response = browser.client.post("/api/v1/instances", json={"definition": "laporan"},
                                   headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert browser.client.delete("/api/v1/auth/token", headers={"X-CSRFToken": token}).status_code == 400


def test_me(api):
    assert api("mitra").get("/me").json == {"username": "mitra", "name": "Mitra Demo", "roles": ["mitra"],
                                            "email": None, "library": None, "institution": None}
