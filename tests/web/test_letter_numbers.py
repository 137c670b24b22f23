"""Dating and numbering a letter made unnumbered, through the API and the instance page (twins)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine import settings
from engine.db import run_in_transaction
from engine.documents import documents
from engine.models import AuditEvent, Instance
from engine.people.users import Actor
from engine.workflow.runtime import WIB
from tests.web.helpers import deploy, start

KABID = Actor("kabid", frozenset({"kabid"}))


@pytest.fixture
def drafts(factory, people):
    """Two letters of one instance waiting for their numbers."""
    deploy(factory, "laporan.bpmn")
    instance_id = start(factory, "laporan", data={"judul": "Monev Weru"})

    def work(s):
        settings.put(s, "letter_number_timing", "on_issue", "admin")
        instance = s.get(Instance, instance_id)
        return [documents.create(s, instance, "monev_notification", {}, KABID).id for _ in range(2)]
    return instance_id, run_in_transaction(factory, work)


def put(api_caller, path, json):
    return api_caller.client.put("/api/v1" + path, json=json, headers=api_caller.headers)


def test_the_api_dates_then_numbers_a_letter_and_refuses_what_does_not_fit(api, factory, drafts):
    _, (first, second) = drafts
    year = datetime.now(WIB).year
    kabid = api("kabid")
    dated = put(kabid, f"/documents/{first}/date", {"date": f"{year}-01-02"})
    assert dated.status_code == 200, dated.text
    assert dated.json["date"] == f"{year}-01-02" and dated.json["number_pending"] is True
    assert dated.json["number"] is None
    issued = kabid.post(f"/documents/{first}/number", json={})
    assert issued.status_code == 200, issued.text
    assert issued.json["number"] == f"000.4/1/Dispusip/{year}" and issued.json["number_pending"] is False
    again = kabid.post(f"/documents/{first}/number", json={})
    assert again.status_code == 409 and again.json["error"]["code"] == "document_already_numbered"
    assert put(kabid, f"/documents/{first}/date", {"date": f"{year}-01-03"}).status_code == 409

    assert api("petugas").post(f"/documents/{second}/number", json={}).status_code == 403
    assert put(kabid, f"/documents/{second}/date", {"date": "2-1-2027"}).status_code == 422
    like_register = kabid.post(f"/documents/{second}/number", json={"number": f"000.4/1/Dispusip/{year}",
                                                                     "reason": "agenda"})
    assert like_register.status_code == 422
    assert like_register.json["error"]["details"][0]["code"] == "letter_number_like_register"
    unexplained = kabid.post(f"/documents/{second}/number", json={"number": "000.4/77/2027"})
    assert unexplained.status_code == 422 and unexplained.json["error"]["details"][0]["path"] == "reason"
    external = kabid.post(f"/documents/{second}/number", json={"number": "000.4/77/2027", "reason": "buku agenda"})
    assert external.status_code == 200 and external.json["number"] == "000.4/77/2027"
    assert kabid.get(f"/documents/{second}").status_code == 200


def test_the_instance_page_offers_the_form_to_those_who_may_issue(web, factory, drafts):
    instance_id, (first, _) = drafts
    page = web("petugas").get(f"/instances/{instance_id}").text
    assert "Belum bernomor" in page and f'action="/documents/{first}/number"' not in page
    kabid = web("kabid")
    assert f'action="/documents/{first}/number"' in kabid.get(f"/instances/{instance_id}").text
    year = datetime.now(WIB).year
    response = kabid.post(f"/documents/{first}/number", {"date": f"{year}-01-05", "number": "000.4/12/2027",
                                                          "reason": "nomor dari buku agenda surat keluar"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/instances/{instance_id}")
    page = kabid.get(f"/instances/{instance_id}").text
    assert "<code>000.4/12/2027</code>" in page
    with factory() as s:
        document = documents.get(s, first)
        assert document.context["date"] == f"{year}-01-05" and document.number == "000.4/12/2027"
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id))]
        assert actions[-2:] == ["document_date", "document_number"]
