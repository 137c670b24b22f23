"""API versions with a life: draft, activate (also the rollback), retire, instance counts, diff and diff.svg."""

from __future__ import annotations

import io

from sqlalchemy import select

from engine.models import AuditEvent
from tests.web import sop_change

FILES = sop_change.files()
changed_bundle = sop_change.changed
zipped = sop_change.zipped


def upload(caller, files: dict[str, bytes], **fields):
    return caller.post("/definitions", data={"file": (io.BytesIO(zipped(files)), "sop.zip"), **fields},
                       content_type="multipart/form-data", json=None)


def start(api) -> dict:
    response = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}})
    assert response.status_code == 201, response.text
    return response.json


def group_class(svg: str, element_id: str) -> str:
    """The class of the SVG group drawing one element."""
    head = svg.split(f'data-element-id="{element_id}"')[0].rsplit("<g ", 1)[1]
    return head.split('class="')[1].split('"')[0]


def statuses(admin) -> dict[int, str]:
    return {v["version"]: v["status"] for v in admin.get("/definitions/kitapun_senapas/versions").json["items"]}


def test_draft_diff_activate_start_and_roll_back(api, factory):
    admin = api("admin")
    first = upload(admin, FILES, note="SOP 2026")
    assert first.status_code == 201 and first.json["status"] == "current" and first.json["note"] == "SOP 2026"
    assert start(api)["version"] == 1
    draft = upload(admin, changed_bundle(), note="Rapat tahunan; catatan kabid", draft="true")
    assert draft.status_code == 201 and (draft.json["version"], draft.json["status"]) == (2, "draft")
    assert draft.json["latest"] is False
    assert statuses(admin) == {2: "draft", 1: "current"}
    assert start(api)["version"] == 1  # nobody starts on a draft

    diff = admin.get("/definitions/kitapun_senapas/diff?from=1&to=2")
    assert diff.status_code == 200 and (diff.json["from"], diff.json["to"]) == (1, 2)
    assert [(e["id"], e["type"], e["process"]) for e in diff.json["added"]] == [
        ("Flow_Monev_Perpustakaan_Tinjau_Hasil_Monev", "sequenceFlow", "kitapun_senapas"),
        ("Flow_Tinjau_Hasil_Monev_Pemilihan_Pembinaan", "sequenceFlow", "kitapun_senapas"),
        ("Tinjau_Hasil_Monev", "userTask", "kitapun_senapas")]
    assert [(e["id"], e["type"]) for e in diff.json["removed"]] == [
        ("Flow_Monev_Perpustakaan_Pemilihan_Pembinaan", "sequenceFlow")]
    assert [(e["id"], e["fields"]) for e in diff.json["changed"]] == [
        ("Koordinasi_Monev", ["attribute:name"]), ("Lane_koordinasi", ["flow_nodes"])]
    assert diff.json["changed"][0]["name"] == "Rapat koordinasi monev tahunan"
    assert diff.json["forms"] == [{"form": "koordinasi_monev.json", "added": ["catatan_kabid"], "removed": [],
                                   "changed": ["periode"]}]
    assert diff.json["files"] == {"added": [], "removed": [],
                                  "changed": ["forms/koordinasi_monev.json", "kitapun_senapas.bpmn"]}
    picture = admin.get("/definitions/kitapun_senapas/diff.svg?from=1&to=2")
    assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"
    assert "Ditambahkan" in picture.text and "Diubah" in picture.text and "Dihapus" in picture.text
    assert group_class(picture.text, "Koordinasi_Monev").endswith(" changed")
    assert group_class(picture.text, "Tinjau_Hasil_Monev").endswith(" added")
    assert group_class(picture.text, "Flow_Monev_Perpustakaan_Pemilihan_Pembinaan").endswith(" removed")
    assert group_class(picture.text, "Pemilihan_Pembinaan") == "task userTask"

    activated = admin.post("/definitions/kitapun_senapas/versions/2/activate", {"reason": "Rapat 3 Januari"})
    assert activated.status_code == 200 and activated.json["status"] == "current"
    assert statuses(admin) == {2: "current", 1: "available"}
    assert start(api)["version"] == 2
    listed = {d["version"]: d["latest"] for d in admin.get("/definitions").json["items"]}
    assert listed == {2: True, 1: False}

    back = admin.post("/definitions/kitapun_senapas/versions/1/activate", {"reason": "kembali ke SOP 2026"})
    assert back.status_code == 200 and statuses(admin) == {2: "available", 1: "current"}
    assert start(api)["version"] == 1
    versions = {v["version"]: v for v in admin.get("/definitions/kitapun_senapas/versions").json["items"]}
    assert versions[1]["instances"] == {"running": 3, "completed": 0}
    assert versions[2]["instances"] == {"running": 1, "completed": 0}
    assert versions[2]["note"] == "Rapat tahunan; catatan kabid" and versions[2]["deployed_by"] == "admin"
    with factory() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "activate")
                                 .order_by(AuditEvent.id)).all()
        assert [(e.actor, e.data["version"], e.data["previous"], e.data["reason"]) for e in events] == [
            ("admin", 2, 1, "Rapat 3 Januari"), ("admin", 1, 2, "kembali ke SOP 2026")]


def test_an_identical_upload_of_an_older_version_answers_it_and_offers_to_activate_it(api):
    admin = api("admin")
    upload(admin, FILES)
    upload(admin, changed_bundle())
    again = upload(admin, FILES)
    assert again.status_code == 200 and again.json["version"] == 1
    assert again.json["status"] == "available" and again.json["latest"] is False and again.json["offer_activate"]
    assert statuses(admin) == {2: "current", 1: "available"}  # nothing silently changed
    same_as_current = upload(admin, changed_bundle())
    assert same_as_current.status_code == 200 and same_as_current.json["offer_activate"] is False


def test_retire_keeps_running_instances_and_refuses_current_and_reactivation(api, factory):
    admin = api("admin")
    upload(admin, FILES)
    running = start(api)
    upload(admin, changed_bundle())
    current = admin.post("/definitions/kitapun_senapas/versions/2/retire", {"reason": "x"})
    assert current.status_code == 409 and current.json["error"]["code"] == "definition_current_retire"
    retired = admin.post("/definitions/kitapun_senapas/versions/1/retire", {"reason": "SOP lama"})
    assert retired.status_code == 200 and retired.json["status"] == "retired"
    assert retired.json["instances"] == {"running": 1, "completed": 0}
    assert admin.get(f"/instances/{running['id']}").json["status"] == "running"
    again = admin.post("/definitions/kitapun_senapas/versions/1/activate", {"reason": "salah klik"})
    assert again.status_code == 409 and again.json["error"]["code"] == "definition_retired"
    assert statuses(admin) == {2: "current", 1: "retired"}
    with factory() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "retire")).all()
        assert event.data == {"definition": "kitapun_senapas", "version": 1, "reason": "SOP lama"}


def test_lifecycle_calls_are_for_admins_and_unknown_versions_are_404(api):
    admin = api("admin")
    upload(admin, FILES)
    kabid = api("kabid")
    for path in ("/definitions/kitapun_senapas/versions/1/activate", "/definitions/kitapun_senapas/versions/1/retire"):
        assert kabid.post(path, {"reason": "x"}).status_code == 403
    assert kabid.get("/definitions/kitapun_senapas/versions").status_code == 403
    assert kabid.get("/definitions/kitapun_senapas/diff?from=1&to=1").status_code == 403
    assert admin.post("/definitions/kitapun_senapas/versions/7/activate", {"reason": "x"}).status_code == 404
    assert admin.get("/definitions/tidak_ada/versions").status_code == 404
    assert admin.get("/definitions/kitapun_senapas/diff?from=1&to=9").status_code == 404
    bad = admin.get("/definitions/kitapun_senapas/diff?from=satu&to=1")
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_request"
    assert admin.post("/definitions/kitapun_senapas/versions/1/activate", [1]).status_code == 400


def test_a_first_upload_as_draft_cannot_be_started_until_activated(api):
    admin = api("admin")
    assert upload(admin, FILES, draft="true").json["status"] == "draft"
    refused = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}})
    assert refused.status_code == 404
    assert admin.post("/definitions/kitapun_senapas/versions/1/activate", {"reason": "siap"}).status_code == 200
    assert start(api)["version"] == 1
    bad = upload(admin, FILES, draft="barangkali")
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_request"
