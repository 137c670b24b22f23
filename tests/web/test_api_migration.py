"""API migration: dry run and migrate running cycles to a changed SOP, one instance and in bulk; blocked ones stay."""

from __future__ import annotations

import io

from sqlalchemy import select

from engine.models import AuditEvent, Task
from engine.workflow import check
from tests.web import sop_change
from tests.web.sop_steps import STEPS, callers, complete


def upload(admin, bundle, **fields):
    return admin.post("/definitions", data={"file": (io.BytesIO(sop_change.zipped(bundle)), "sop.zip"), **fields},
                      content_type="multipart/form-data", json=None)


def run_steps(api, instance_id: int, steps) -> None:
    for username, name, library, data in steps:
        complete(api, username, instance_id, name, library, data)


def open_names(api, instance_id: int) -> list[str]:
    return sorted(t["name"] for t in api("admin").get(f"/instances/{instance_id}").json["tasks"]
                  if t["status"] == "open")


def test_running_cycles_move_to_the_new_version_and_reach_the_new_task(demo_app, factory):
    api = callers(demo_app)
    admin = api("admin")
    inside_monev = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    run_steps(api, inside_monev, STEPS[:6])  # one library visited, the monev of all three under way
    at_start = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    assert upload(admin, sop_change.changed(), note="kabid meninjau", draft="true").json["version"] == 2

    dry = admin.post(f"/instances/{inside_monev}/migrate", {"to_version": 2, "dry_run": True, "reason": "uji"})
    assert dry.status_code == 200, dry.text
    assert dry.json["migratable"] is True and dry.json["problems"] == []
    assert (dry.json["from_version"], dry.json["to_version"]) == (1, 2)
    assert {"element": "Koordinasi_Monev", "process": "kitapun_senapas", "change": "changed",
            "fields": ["bpmn_name"]} in dry.json["changes"]
    assert admin.get(f"/instances/{inside_monev}").json["version"] == 1  # a dry run changes nothing

    bulk_dry = admin.post("/definitions/kitapun_senapas/migrate",
                          {"from_version": 1, "to_version": 2, "dry_run": True, "reason": "uji"})
    assert bulk_dry.json == {"migrated": [], "migratable": [inside_monev, at_start], "blocked": []}
    bulk = admin.post("/definitions/kitapun_senapas/migrate",
                      {"from_version": 1, "to_version": 2, "reason": "SOP 2027"})
    assert bulk.status_code == 200 and bulk.json["migrated"] == [inside_monev, at_start]
    for instance_id in (inside_monev, at_start):
        assert admin.get(f"/instances/{instance_id}").json["version"] == 2
    assert open_names(api, at_start) == ["Koordinasi_Monev"]
    with factory() as session:
        [row] = session.scalars(select(Task).where(Task.instance_id == at_start, Task.status == "open")).all()
        assert row.title == "Rapat koordinasi monev tahunan"  # the open row follows the new version
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "migrate")
                                 .order_by(AuditEvent.instance_id)).all()
        assert [(e.instance_id, e.actor, e.reason, e.data["from_version"], e.data["to_version"]) for e in events] == [
            (inside_monev, "admin", "SOP 2027", 1, 2), (at_start, "admin", "SOP 2027", 1, 2)]

    with factory() as session:
        assert check.check(session) == []  # state, task rows, counters and audit agree after the move
    run_steps(api, inside_monev, STEPS[6:11])  # the rest of the monev
    assert open_names(api, inside_monev) == ["Tinjau_Hasil_Monev"]
    with factory() as session:
        assert check.check(session) == []
    versions = {v["version"]: v["instances"] for v in admin.get("/definitions/kitapun_senapas/versions").json["items"]}
    assert versions == {2: {"running": 2, "completed": 0}, 1: {"running": 0, "completed": 0}}


def test_a_change_to_a_task_the_instance_has_done_blocks_it_and_it_stays(demo_app):
    api = callers(demo_app)
    admin = api("admin")
    instance_id = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    run_steps(api, instance_id, STEPS[:2])  # the coordination meeting is done
    bundle = sop_change.files()
    bundle["kitapun_senapas.bpmn"] = bundle["kitapun_senapas.bpmn"].replace(
        b'<bpmn:userTask id="Koordinasi_Monev" name="Rapat koordinasi monev">\n      <bpmn:extensionElements>',
        b'<bpmn:userTask id="Koordinasi_Monev" name="Rapat koordinasi monev">\n      <bpmn:extensionElements>\n'
        b'        <spiffworkflow:postScript>jumlah_sasaran = len(jadwal)</spiffworkflow:postScript>', 1)
    uploaded = upload(admin, bundle, draft="true")
    assert uploaded.status_code == 201, uploaded.text
    dry = admin.post(f"/instances/{instance_id}/migrate", {"to_version": 2, "dry_run": True})
    assert dry.status_code == 200 and dry.json["migratable"] is False
    [problem] = dry.json["problems"]
    assert (problem["code"], problem["element"]) == ("task_changed_reached", "Koordinasi_Monev")
    assert problem["params"]["state"] == "COMPLETED" and "postscript" in problem["params"]["fields"]
    refused = admin.post(f"/instances/{instance_id}/migrate", {"to_version": 2, "reason": "paksa"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "migration_blocked"
    assert refused.json["error"]["details"][0]["element"] == "Koordinasi_Monev"
    assert admin.get(f"/instances/{instance_id}").json["version"] == 1
    bulk = admin.post("/definitions/kitapun_senapas/migrate", {"from_version": 1, "to_version": 2})
    assert bulk.json["migrated"] == [] and [b["id"] for b in bulk.json["blocked"]] == [instance_id]
    fresh = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    assert admin.post(f"/instances/{fresh}/migrate", {"to_version": 2}).json["migratable"] is True  # not reached yet


def test_migration_is_for_admins_and_checks_its_input(demo_app):
    api = callers(demo_app)
    instance_id = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    assert api("kabid").post(f"/instances/{instance_id}/migrate", {"to_version": 1}).status_code == 403
    admin = api("admin")
    assert admin.post(f"/instances/{instance_id}/migrate", {"to_version": "2"}).status_code == 400
    assert admin.post(f"/instances/{instance_id}/migrate", {"to_version": 9}).status_code == 404
    assert admin.post("/instances/99999/migrate", {"to_version": 1}).status_code == 404
    same = admin.post(f"/instances/{instance_id}/migrate", {"to_version": 1, "dry_run": True})
    assert same.status_code == 200 and [p["code"] for p in same.json["problems"]] == ["migration_same_version"]


def test_an_instance_stopped_by_an_incident_is_rescued_by_migrating_to_a_fixed_version(api, factory):
    from tests.web.helpers import FIXTURES, open_task, start, with_forms
    admin = api("admin")
    broken = (FIXTURES / "insiden.bpmn").read_bytes()
    assert admin.post("/definitions", data={"file": with_forms(broken, "insiden.bpmn")},
                      content_type="multipart/form-data", json=None).status_code == 201
    instance_id = start(factory, "insiden")
    task_id = open_task(factory, instance_id, "isi")
    stopped = api("petugas").post(f"/tasks/{task_id}/complete", {"data": {"pembagi": 0}})
    assert stopped.json["instance"]["status"] == "error"
    fixed = broken.replace(b"rasio = 10 / pembagi", b"rasio = 10 / pembagi if pembagi else 0")
    assert admin.post("/definitions", data={"file": with_forms(fixed, "insiden.bpmn"), "note": "bagi nol"},
                      content_type="multipart/form-data", json=None).json["version"] == 2
    dry = admin.post(f"/instances/{instance_id}/migrate", {"to_version": 2, "dry_run": True})
    assert dry.json["migratable"] is True
    assert {"element": "hitung", "process": "insiden", "change": "changed", "fields": ["script"]} in dry.json["changes"]
    rescued = admin.post(f"/instances/{instance_id}/migrate", {"to_version": 2, "reason": "perbaikan skrip"})
    assert rescued.status_code == 200, rescued.text
    detail = admin.get(f"/instances/{instance_id}").json
    assert detail["version"] == 2 and detail["status"] != "error" and detail["incident"] is None
    assert detail["data"]["rasio"] == 0
    history = [e["action"] for e in detail["history"]]
    assert history.index("incident") < history.index("migrate") < len(history)
    with factory() as session:
        assert session.get(Task, task_id).status == "completed"  # the failed completion ran again
        assert check.check(session) == []


def test_the_migrate_page_lists_migratable_and_blocked_cycles_and_moves_them(demo_app):
    from tests.web.helpers import Web
    from web.demo import DEMO_PASSWORD
    api = callers(demo_app)
    admin = api("admin")
    done_meeting = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    run_steps(api, done_meeting, STEPS[:1])
    fresh = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    bundle = sop_change.changed()
    bundle["kitapun_senapas.bpmn"] = bundle["kitapun_senapas.bpmn"].replace(
        b'<bpmn:userTask id="Koordinasi_Monev" name="Rapat koordinasi monev tahunan">\n      <bpmn:extensionElements>',
        b'<bpmn:userTask id="Koordinasi_Monev" name="Rapat koordinasi monev tahunan">\n      <bpmn:extensionElements>\n'
        b'        <spiffworkflow:postScript>jumlah_sasaran = len(jadwal)</spiffworkflow:postScript>', 1)
    assert upload(admin, bundle, draft="true").status_code == 201
    browser = Web(demo_app.test_client()).login("admin", DEMO_PASSWORD)
    version_page = browser.get("/definitions/kitapun_senapas/versions/2").text
    assert 'href="/definitions/kitapun_senapas/versions/2/migrate"' in version_page
    page = browser.get("/definitions/kitapun_senapas/versions/2/migrate").text
    assert f'href="/instances/{fresh}">#{fresh}</a>' in page.split("Dapat dipindahkan")[1].split("</p>")[0]
    blocked = page.split("<tbody>")[1].split("</tbody>")[0]
    assert f"#{done_meeting}" in blocked and "<code>Koordinasi_Monev</code>" in blocked and "postscript" in blocked
    assert "Pindahkan 1 proses ke versi 2" in page
    assert admin.get(f"/instances/{fresh}").json["version"] == 1  # looking moved nothing
    moved = browser.post("/definitions/kitapun_senapas/versions/2/migrate", {"from_version": "1", "reason": "SOP baru"})
    assert moved.status_code == 303
    assert "1 proses dipindahkan ke versi 2; 1 tetap pada versinya." in browser.get(moved.headers["Location"]).text
    assert admin.get(f"/instances/{fresh}").json["version"] == 2
    assert admin.get(f"/instances/{done_meeting}").json["version"] == 1
    kabid = Web(demo_app.test_client()).login("kabid", DEMO_PASSWORD)
    assert kabid.get("/definitions/kitapun_senapas/versions/2/migrate").status_code == 403
