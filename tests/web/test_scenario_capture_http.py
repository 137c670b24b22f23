"""Saving an instance's path as a scenario test over HTTP: the API (draft or download), the instance page's
form for admins, and the refusals with their codes and words."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.models import Instance
from tests.web.helpers import Web, csrf_of
from tests.web.sop_steps import callers
from web.demo import DEMO_PASSWORD


def finished_cycle(factory) -> int:
    with factory() as s:
        return int(s.scalar(select(Instance.id).where(Instance.definition_key == "kitapun_senapas",
                                                      Instance.status == "completed")))


def test_an_admin_saves_a_finished_cycle_as_a_draft_and_its_scenarios_pass(office_app, factory):
    admin = callers(office_app)("admin")
    instance_id = finished_cycle(factory)
    saved = admin.post(f"/instances/{instance_id}/scenario", json={"name": "siklus_selesai", "note": "uji regresi"})
    assert saved.status_code == 201, saved.json
    assert saved.json["path"] == "tests/siklus_selesai.json"
    draft = saved.json["definition"]
    assert (draft["status"], draft["note"]) == ("draft", "uji regresi")
    outcome = admin.post(f"/definitions/kitapun_senapas/versions/{draft['version']}/test").json
    assert outcome["failed"] == [] and outcome["passed"] >= 1
    again = admin.post(f"/instances/{instance_id}/scenario", json={"name": "siklus_selesai"})
    assert again.status_code == 201  # the draft is a new version; the instance's own version lacks the name


def test_download_hands_the_file_back_and_stores_no_version(office_app, factory):
    admin = callers(office_app)("admin")
    before = admin.get("/definitions/kitapun_senapas/versions").json["total"]
    answer = admin.post(f"/instances/{finished_cycle(factory)}/scenario",
                        json={"name": "unduhan", "save": "download", "title": "Siklus contoh"})
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="unduhan.json"'
    scenario = json.loads(answer.data)
    assert (scenario["name"], scenario["process"]) == ("Siklus contoh", "kitapun_senapas")
    assert any("timer" in step for step in scenario["steps"])
    assert admin.get("/definitions/kitapun_senapas/versions").json["total"] == before


def test_refusals_carry_codes_and_words(office_app, factory):
    api = callers(office_app)
    instance_id = finished_cycle(factory)
    forbidden = api("kabid").post(f"/instances/{instance_id}/scenario", json={"name": "x"})
    assert forbidden.status_code == 403
    bad = api("admin").post(f"/instances/{instance_id}/scenario", json={"name": "../x"})
    assert bad.status_code == 422 and "../x" in bad.json["error"]["details"][0]["message"]
    missing = api("admin").post(f"/instances/{instance_id}/scenario", json={})
    assert missing.status_code == 400
    shipped = api("admin").post(f"/instances/{instance_id}/scenario", json={"name": "kitapun_siklus_lengkap"})
    assert (shipped.status_code, shipped.json["error"]["code"]) == (409, "scenario_name_taken")
    english = api("admin").post(f"/instances/{instance_id}/scenario", json={"name": "a b"},
                                headers={"Accept-Language": "en"})
    assert "scenario name 'a b' is invalid" in english.json["error"]["details"][0]["message"]
    unknown = api("admin").post("/instances/99999/scenario", json={"name": "x"})
    assert unknown.status_code == 404


def test_the_instance_page_offers_the_form_to_admins_only_and_saves_a_draft(office_app, factory):
    instance_id = finished_cycle(factory)
    kabid = Web(office_app.test_client()).login("kabid", DEMO_PASSWORD)
    assert "Simpan sebagai skenario uji" not in kabid.get(f"/instances/{instance_id}").text
    admin = Web(office_app.test_client()).login("admin", DEMO_PASSWORD)
    page = admin.get(f"/instances/{instance_id}").text
    assert "Simpan sebagai skenario uji" in page and 'name="save" value="download"' in page
    saved = admin.post(f"/instances/{instance_id}/scenario", {"name": "dari_halaman", "save": "draft",
                                                             "csrf_token": csrf_of(page)})
    assert saved.status_code == 303 and "/definitions/kitapun_senapas/versions/" in saved.headers["Location"]
    version_page = admin.get(saved.headers["Location"]).text
    assert "tests/dari_halaman.json" in version_page
    refused = admin.post(f"/instances/{instance_id}/scenario", {"name": "a b", "save": "draft"})
    assert refused.status_code == 422 and "a b" in refused.text
