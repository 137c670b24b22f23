"""Helpers for web tests: deploying fixtures, CSRF-aware page clients and API callers."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from engine import instances
from engine.db import run_in_transaction
from engine.definitions import versions
from engine.people.users import Actor
from tests.engine.helpers import LIMITS, open_task  # noqa: F401  (web tests find tasks as engine tests do)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "web"
PASSWORD = "rahasia-uji"
PEOPLE = {"admin": ["admin"], "kabid": ["kabid"], "subkoor": ["subkoor"], "petugas": ["petugas"],
          "petugas2": ["petugas"], "mitra": ["mitra"], "pustakawan": ["pustakawan"]}
ADMIN = Actor("admin", frozenset({"admin"}))
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def deploy(factory: sessionmaker[Session], name: str) -> None:
    """Deploy one fixture BPMN file as admin."""
    content = (FIXTURES / name).read_bytes()
    library = {p.name: p.read_bytes() for p in FIXTURES.glob("*.bpmn") if p.name != "rusak.bpmn"}
    run_in_transaction(factory, lambda s: versions.deploy(s, content, name, ADMIN, processes_dir=FIXTURES,
                                                             library=library))


def with_forms(content: bytes, name: str) -> list[tuple[io.BytesIO, str]]:
    """A BPMN upload as a bundle of several files: the file and the fixture forms it names (`forms/...`)."""
    forms = sorted(set(re.findall(rb'name="form(?:Json|Ui)SchemaFilename" value="([^"]+)"', content)))
    return [(io.BytesIO(content), name)] + [
        (io.BytesIO((FIXTURES / "forms" / form.decode()).read_bytes()), f"forms/{form.decode()}") for form in forms]


def start(factory: sessionmaker[Session], key: str, username: str = "petugas",
          data: dict[str, Any] | None = None) -> int:
    """Start an instance as one of the test people."""
    actor = Actor(username, frozenset(PEOPLE.get(username, [username])))
    return run_in_transaction(factory, lambda s: instances.start(s, key, actor, data, limits=LIMITS).id)


def csrf_of(html: str) -> str:
    """The CSRF token a page carries in its meta tag."""
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Web:
    """A logged-in browser session over the Flask test client that sends its CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def login(self, username: str, password: str = PASSWORD) -> Web:
        """Log in through the form and pick up the new session's CSRF token."""
        page = self.client.get("/login")
        response = self.client.post("/login", data={"username": username, "password": password,
                                                    "csrf_token": csrf_of(page.text)})
        assert response.status_code == 303, response.text
        self.token = csrf_of(self.client.get("/tasks").text)
        return self

    def get(self, path: str, **kwargs: Any) -> Any:
        """A GET request."""
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """A form POST with the CSRF token."""
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)


def api_token(client: FlaskClient, username: str, password: str = PASSWORD) -> str:
    """A bearer token issued through the API."""
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json["token"])


class Api:
    """API calls as one person, with their bearer token."""

    def __init__(self, client: FlaskClient, username: str, password: str = PASSWORD) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {api_token(client, username, password)}"}

    def _headers(self, kwargs: dict[str, Any]) -> dict[str, str]:
        return {**self.headers, **kwargs.pop("headers", {})}

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET /api/v1 + path."""
        return self.client.get("/api/v1" + path, headers=self._headers(kwargs), **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        """POST /api/v1 + path with a JSON body."""
        return self.client.post("/api/v1" + path, json=json, headers=self._headers(kwargs), **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        """DELETE /api/v1 + path."""
        return self.client.delete("/api/v1" + path, headers=self._headers(kwargs), **kwargs)
