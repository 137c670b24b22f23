"""The library's self-assessment over HTTP: the linked pustakawan answers, the officer sees it beside the monev."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import run_in_transaction
from engine.models import User
from tests.processes.helpers import answers
from tests.web.helpers import Web
from tests.web.sop_steps import DEMO_PASSWORD, STEPS, callers, complete


def test_the_officer_sees_the_librarians_answers_beside_the_monev_form(demo_app: Flask,
                                                                        factory: sessionmaker[Session]) -> None:
    def link(s: Session) -> None:
        user = s.scalar(select(User).where(User.username == "pustakawan"))
        assert user is not None
        user.library_id = 1
    run_in_transaction(factory, link)
    api = callers(demo_app)
    iid = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]

    def step(username: str, name: str, library: int | None, data: dict) -> None:
        complete(api, username, iid, name, library, data)

    for username, name, library, data in STEPS[:5]:  # up to the dissemination of the schedule
        step(username, name, library, data)
    queue = api("pustakawan").get("/tasks?scope=queue").json["items"]
    assert [(t["name"], t["item_key"]) for t in queue] == [("Penilaian_Mandiri", "1")]
    mine = api("pustakawan").get(f"/tasks/{queue[0]['id']}").json
    assert mine["form"]["schema"]["x-senapas-instrument"] == "akreditasi-sekolah-2018"
    done = api("pustakawan").post(f"/tasks/{queue[0]['id']}/complete", json={"data": {
        "penilaian_mandiri": answers({"kol_01": "d"}, "c", library=1)}})
    assert done.status_code == 200, done.json
    step(*STEPS[5])  # the visits of libraries 1 and 2
    step(*STEPS[7])

    monev = {t["item_key"]: t for t in api("petugas").get("/tasks?scope=inbox&per_page=200").json["items"]
             if t["instance_id"] == iid and t["name"] == "Monev"}
    detail = api("petugas").get(f"/tasks/{monev['1']['id']}").json
    seen = detail["self_assessment"]
    assert seen["completed_by"] == "pustakawan" and seen["instrument"] == "akreditasi-sekolah-2018"
    assert seen["answers"][0]["answer"] == "d" and seen["answers"][0]["option"] == "d. 1.000–1.499 judul"
    assert api("petugas").get(f"/tasks/{monev['2']['id']}").json["self_assessment"] is None

    page = Web(demo_app.test_client()).login("petugas", DEMO_PASSWORD).get(f"/tasks/{monev['1']['id']}").text
    assert "Penilaian mandiri perpustakaan" in page
    assert "Penilaian mandiri: d. 1.000–1.499 judul" in page
