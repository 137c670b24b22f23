"""The database connection dropped in the middle of a completion: a clean 503, nothing stored, then recovery.

On PostgreSQL the app's server backends are terminated (found by the application name of this test's
own engine); on SQLite the app's connection is closed under it. Both happen from a statement hook,
exactly when the completion is about to write the instance.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from engine.db import make_engine, make_session_factory
from tests.web.helpers import Api, Web, deploy, open_task, start
from web.app import create_app

DATA = {"judul": "Laporan Baki", "jumlah": 12, "tanggal": "2027-03-01", "jenis": "desa",
        "jadwal": [{"visit_date": "2027-03-02", "officer": "petugas"}]}
FORM = {"_action": "complete", "judul": "Laporan Baki", "jumlah": "12", "tanggal": "2027-03-01", "jenis": "desa",
        "jadwal.__rows": "1", "jadwal.0.visit_date": "2027-03-02", "jadwal.0.officer": "petugas"}


class Saboteur:
    """Drops the app's database connection at the next write of an instance, once per `arm()`."""

    def __init__(self, app_engine: sa.Engine, admin_engine: sa.Engine, application_name: str) -> None:
        self.app_engine, self.admin_engine, self.name = app_engine, admin_engine, application_name
        self.armed = False
        self.everything = False
        self.fired = 0
        event.listen(app_engine, "before_cursor_execute", self.hook)

    def arm(self, everything: bool = False) -> None:
        """Drop the writing connection at its next instance write (with `everything`: every app connection)."""
        self.armed, self.everything = True, everything

    def hook(self, conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if not (self.armed and statement.lstrip().upper().startswith("UPDATE INSTANCES")):
            return
        self.armed = False
        self.fired += 1
        if self.app_engine.dialect.name == "postgresql":
            only = "" if self.everything else " AND pid = :writer"
            with self.admin_engine.connect() as admin:
                killed = admin.execute(sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND application_name = :name" + only),
                    {"name": self.name, "writer": conn.connection.dbapi_connection.info.backend_pid}).scalar()
            assert killed >= 1
        else:
            conn.connection.dbapi_connection.close()


@pytest.fixture
def dropped(db_engine: sa.Engine, settings: Any, people: Any) -> Iterator[tuple[Flask, Saboteur]]:
    """An app on its own engine (so only its connections are dropped) and the saboteur watching it."""
    name = f"senapas-drop-{uuid.uuid4().hex[:8]}"
    url = db_engine.url.render_as_string(hide_password=False)
    if db_engine.dialect.name == "postgresql":
        with db_engine.connect() as conn:
            search_path = conn.execute(sa.text("SHOW search_path")).scalar()
        engine = make_engine(url, pool_size=2, max_overflow=2,
                             connect_args={"options": f"-csearch_path={search_path}", "application_name": name})
    else:
        engine = make_engine(url)
    app = create_app(settings, {"TESTING": False, "SECURE_COOKIES": False,
                                "SESSION_FACTORY": make_session_factory(engine)})
    try:
        yield app, Saboteur(engine, db_engine, name)
    finally:
        engine.dispose()


def test_connection_dropped_during_an_api_completion_is_503_then_the_retry_works(dropped, factory, stored):
    app, saboteur = dropped
    deploy(factory, "laporan.bpmn")
    task_id = open_task(factory, start(factory, "laporan"), "isi")
    caller = Api(app.test_client(), "petugas")
    before = stored()
    saboteur.arm()
    response = caller.post(f"/tasks/{task_id}/complete", {"data": DATA})
    assert saboteur.fired == 1
    assert response.status_code == 503 and response.json["error"]["code"] == "service_unavailable"
    assert response.headers["Retry-After"]
    assert stored() == before
    assert caller.get("/tasks?scope=queue").status_code == 200
    again = caller.post(f"/tasks/{task_id}/complete", {"data": DATA})
    assert again.status_code == 200 and again.json["instance"]["status"] == "running"


def test_connection_dropped_during_a_form_completion_is_a_503_page_then_the_retry_works(dropped, factory, stored):
    app, saboteur = dropped
    deploy(factory, "laporan.bpmn")
    task_id = open_task(factory, start(factory, "laporan"), "isi")
    browser = Web(app.test_client()).login("petugas")
    before = stored()
    saboteur.arm()
    page = browser.post(f"/tasks/{task_id}", FORM)
    assert saboteur.fired == 1
    assert page.status_code == 503 and "Basis data" in page.text
    assert stored() == before
    assert browser.get(f"/tasks/{task_id}").status_code == 200
    assert browser.post(f"/tasks/{task_id}", FORM).status_code == 303


def test_every_app_connection_terminated_during_a_completion_is_a_clean_503(dropped, factory, stored, db_engine):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("terminating every server backend of the app is a PostgreSQL experiment")
    app, saboteur = dropped
    deploy(factory, "laporan.bpmn")
    task_id = open_task(factory, start(factory, "laporan"), "isi")
    caller = Api(app.test_client(), "petugas")
    before = stored()
    saboteur.arm(everything=True)
    response = caller.post(f"/tasks/{task_id}/complete", {"data": DATA})
    assert response.status_code == 503 and response.json["error"]["code"] == "service_unavailable"
    assert stored() == before
    assert caller.post(f"/tasks/{task_id}/complete", {"data": DATA}).status_code == 200
