"""`senapas demo`'s living office: each person finds work on first login, made through the real engine."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from engine.config import PROJECT_DIR, Settings
from engine.db import make_engine, make_session_factory
from engine.documents.documents import Document
from engine.libraries import results
from engine.libraries.registry import Library
from engine.models import AuditEvent, Instance
from tests.web.sop_steps import callers
from web import demo

# The people whose roles work a lane of the SOP or of the complaint process; admin and pustakawan
# work none (the process owner deploys, the library staff have no step yet).
WORKERS = ("kabid", "subkoor", "petugas", "mitra")


def test_every_person_who_works_a_lane_finds_work_on_first_login(office_app):
    api = callers(office_app)
    for username in WORKERS:
        person = api(username)
        found = person.get("/tasks?scope=inbox").json["total"] + person.get("/tasks?scope=queue").json["total"]
        assert found > 0, username
    petugas = api("petugas")
    # every open visit of the current cycle is petugas' (as lead, or on subkoor's team), none in a queue
    inbox = petugas.get("/tasks?scope=inbox").json["items"]
    assert [t["name"] for t in inbox] == ["Kunjungan_Monev"] * 3
    assert [[m["username"] for m in t["team"]] for t in inbox][-1] == ["petugas", "subkoor"]
    queue = petugas.get("/tasks?scope=queue").json["items"]
    assert {t["name"] for t in queue} == {"Penanganan_Pengaduan"}
    assert [t["assignee"] for t in api("subkoor").get("/tasks?scope=inbox").json["items"]] == ["subkoor"]
    assert [t["name"] for t in api("kabid").get("/tasks?scope=queue").json["items"]] == ["Eskalasi_Kunjungan"]
    assert [t["name"] for t in api("mitra").get("/tasks?scope=queue").json["items"]] == ["Konfirmasi_Penyebarluasan"]
    assert [t["name"] for t in api("subkoor").get("/tasks?scope=queue").json["items"]] == ["Telaah_Pengaduan"]


def test_the_office_holds_a_finished_cycle_a_cycle_part_way_with_an_overdue_visit_and_complaints(office_app, factory):
    api = callers(office_app)
    cycles = api("kabid").get("/instances?definition=kitapun_senapas").json["items"]
    assert sorted(c["status"] for c in cycles) == ["completed", "running", "running"]
    overdue = api("kabid").get("/tasks?scope=queue").json["items"]
    assert overdue, "the overdue visit escalated to kabid"
    current = next(c for c in cycles if c["title"].endswith("Tahap II"))
    detail = api("kabid").get(f"/instances/{current['id']}").json
    visits = [t for t in detail["tasks"] if t["name"] == "Kunjungan_Monev"]
    assert len(visits) == 3
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Instance).where(Instance.definition_key == "pengaduan")) == 2
        # Real completions: audited, documents numbered, results recorded on the libraries.
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "complete")) > 20
        assert s.scalar(select(func.count()).select_from(Document)) >= 15
        accredited = [r for lib in s.scalars(select(Library.id)) for r in results.history(s, lib)
                      if r.kind == "accreditation"]
        assert [r.grade for r in accredited] == ["A"]
        assert accredited[0].details["submission"]["sipapi"].startswith("SIPAPI-")
        assert accredited[0].details["accompaniment"]["officers"] == ["petugas"]
        dropped = [r for lib in s.scalars(select(Library.id)) for r in results.history(s, lib) if r.kind == "coaching"]
        assert [(r.details["status"], r.score) for r in dropped] == [("mundur", None)]
        assert "renovasi" in dropped[0].details["reason"]
    now = datetime.now(UTC)
    assert len([t for t in visits if datetime.fromisoformat(t["due_at"]) < now]) == 1
    # one visit rescheduled (its first surat tugas replaced) and one library withdrawn, each with its reason
    letters = [d for d in detail["documents"] if d["kind"] == "surat_tugas"]
    assert len([d for d in letters if d["replaced_by"]]) == 1
    assert sorted(e["action"] for e in detail["history"] if e["action"].startswith("visit_")) == [
        "visit_reschedule", "visit_withdraw"]


def test_the_demo_pustakawan_and_mitra_belong_somewhere(office_app):
    api = callers(office_app)
    assert api("pustakawan").get("/me").json["library"]["name"] == demo.DEMO_LIBRARY
    assert api("mitra").get("/me").json["institution"]["key"] == demo.DEMO_INSTITUTION


def test_an_empty_demo_has_people_and_libraries_but_no_cycle_and_seeding_twice_adds_nothing(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    settings = Settings(database_url=url, secret_key="x", processes_dir=PROJECT_DIR / "processes",
                        instance_dir=tmp_path)
    factory = make_session_factory(make_engine(url))
    demo.prepare(settings, factory, demo.DEMO_PASSWORD, say=lambda _text: None, empty=True)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Instance)) == 0
    said: list[str] = []
    demo.prepare(settings, factory, demo.DEMO_PASSWORD, say=said.append)
    demo.prepare(settings, factory, demo.DEMO_PASSWORD, say=said.append)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Instance)) == 5
    assert "  kantor demo: sudah berisi" in said
    factory.kw["bind"].dispose()
