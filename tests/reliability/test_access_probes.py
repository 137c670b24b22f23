"""Every task endpoint probed by the wrong people, CSRF on cookie sessions, a lapsed session and double submits."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import time_machine
from sqlalchemy import func, select

from engine.models import AuditEvent
from tests.web.helpers import Api, Web, csrf_of, deploy, open_task, start

DATA = {"judul": "Laporan Baki", "jumlah": 12, "tanggal": "2027-03-01", "jenis": "desa",
        "jadwal": [{"visit_date": "2027-03-02", "officer": "petugas"}]}
FORM = {"judul": "Laporan Baki", "jumlah": "12", "tanggal": "2027-03-01", "jenis": "desa", "jadwal.__rows": "1",
        "jadwal.0.visit_date": "2027-03-02", "jadwal.0.officer": "petugas"}
API_ACTIONS = {"claim": {}, "unclaim": {}, "draft": {"data": {"judul": "x"}}, "complete": {"data": DATA},
               "assign": {"username": "petugas2", "reason": "alih tugas"}, "comment": {"text": "halo"}}
PAGE_ACTIONS = {"": {**FORM, "_action": "complete"}, "/claim": {}, "/unclaim": {}, "/comment": {"text": "halo"},
                "/assign": {"username": "petugas2", "reason": "alih tugas"}}
# POST endpoints that are meant for people without a session (they have their own checks).
SESSIONLESS = {"auth.login", "api.issue_token", "api.post_complaint", "complaints.new"}


@pytest.fixture
def laporan(factory, people):
    deploy(factory, "laporan.bpmn")
    instance_id = start(factory, "laporan")
    return instance_id, open_task(factory, instance_id, "isi")


def completions(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "complete")) or 0


@pytest.mark.parametrize("outsider", ["mitra", "pustakawan"])
def test_every_task_endpoint_refuses_another_roles_task(api, web, laporan, stored, outsider):
    _, task_id = laporan
    caller, browser = api(outsider), web(outsider)
    before = stored()
    assert caller.get(f"/tasks/{task_id}").status_code == 404
    assert browser.get(f"/tasks/{task_id}").status_code == 404
    for action, body in API_ACTIONS.items():
        response = caller.post(f"/tasks/{task_id}/{action}", body)
        assert response.status_code in (403, 404), (action, response.status_code)
        assert response.json["error"]["code"] in ("forbidden", "not_found")
    for suffix, form in PAGE_ACTIONS.items():
        assert browser.post(f"/tasks/{task_id}{suffix}", form).status_code in (403, 404), suffix
    assert task_id not in {t["id"] for scope in ("inbox", "queue", "archive")
                           for t in caller.get(f"/tasks?scope={scope}").json["items"]}
    assert stored() == before


def test_a_colleagues_claimed_task_is_a_conflict_for_everything_but_viewing(api, laporan, stored):
    _, task_id = laporan
    assert api("petugas").post(f"/tasks/{task_id}/claim").status_code == 200
    colleague = api("petugas2")
    before = stored()
    assert colleague.get(f"/tasks/{task_id}").status_code == 200
    for action in ("claim", "draft", "complete"):
        assert colleague.post(f"/tasks/{task_id}/{action}", API_ACTIONS[action]).status_code == 409, action
    assert colleague.post(f"/tasks/{task_id}/unclaim").status_code == 403
    assert colleague.post(f"/tasks/{task_id}/assign", API_ACTIONS["assign"]).status_code == 403
    assert stored() == before


def concrete(rule: str, ids: dict[str, str]) -> str:
    """A rule's path with its variables filled from `ids`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: ids[m.group(1)], rule)


def test_every_post_of_a_cookie_session_needs_its_csrf_token(app, web, laporan, stored):
    instance_id, task_id = laporan
    ids = {"task_id": task_id, "instance_id": str(instance_id), "action": "suspend", "key": "laporan",
           "version": "1", "library_id": "1", "document_id": "1", "section": "letterhead", "username": "petugas",
           "notification_id": "1"}
    browser = web("kabid")
    before = stored()
    rules = [r for r in app.url_map.iter_rules() if "POST" in (r.methods or ()) and r.endpoint not in SESSIONLESS]
    assert len(rules) >= 15
    for rule in rules:
        path = concrete(rule.rule, ids)
        if path.startswith("/api/"):
            response = browser.client.post(path, json={"reason": "x", "data": DATA, "text": "x"})
        else:
            response = browser.client.post(path, data={"reason": "x", "text": "x", **FORM})
        assert response.status_code in (400, 403), (path, response.status_code)
    assert stored() == before
    assert browser.get("/tasks").status_code == 200  # still logged in: the refusals did not end the session


def lapsed_posts(web, app, task_id: str, lapse: str, stored) -> tuple[list, bool]:
    """Open the task form, end the session (logout in another tab, or time past the session lifetime),
    then post the form (complete and draft); the answers and whether the database stayed the same."""
    browser = web("petugas")
    token = csrf_of(browser.get(f"/tasks/{task_id}").text)
    if lapse == "logout":
        other_tab = Web(browser.client)
        other_tab.token = token
        assert other_tab.post("/logout").status_code in (302, 303)
    before = stored()
    later = dt.datetime.now(dt.UTC) + (app.permanent_session_lifetime + dt.timedelta(days=1)
                                       if lapse == "expiry" else dt.timedelta(0))
    with time_machine.travel(later, tick=False):
        answers = [browser.client.post(f"/tasks/{task_id}", data={"csrf_token": token, "_action": action, **FORM})
                   for action in ("complete", "draft")]
    return answers, stored() == before


@pytest.mark.parametrize("lapse", ["logout", "expiry"])
def test_a_form_posted_after_the_session_ended_goes_to_login_and_stores_nothing(web, app, laporan, stored, lapse):
    answers, unchanged = lapsed_posts(web, app, laporan[1], lapse, stored)
    assert unchanged
    for answer in answers:
        assert answer.status_code in (302, 303), answer.status_code
        assert answer.headers["Location"].startswith("/login")


def test_the_same_form_submitted_twice_completes_once(web, factory, laporan):
    _, task_id = laporan
    browser = web("petugas")
    first = browser.post(f"/tasks/{task_id}", {**FORM, "_action": "complete"})
    second = browser.post(f"/tasks/{task_id}", {**FORM, "_action": "complete"})
    assert first.status_code == 303 and second.status_code == 409
    assert completions(factory) == 1


def test_two_clients_submitting_at_the_same_moment_complete_once(app, people, factory, laporan):
    _, task_id = laporan
    callers = [Api(app.test_client(), "petugas"), Api(app.test_client(), "petugas")]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def submit(caller: Api) -> None:
        barrier.wait()
        statuses.append(caller.post(f"/tasks/{task_id}/complete", {"data": DATA}).status_code)

    threads = [threading.Thread(target=submit, args=(c,)) for c in callers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [200, 409]
    assert completions(factory) == 1
