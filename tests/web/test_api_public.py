"""API public complaints, documents and the library registry."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.db import run_in_transaction
from engine.documents.documents import Document
from engine.libraries import registry as libraries
from engine.models import Instance, User
from tests.web.helpers import ADMIN, deploy, start
from web.app import create_app

COMPLAINT = {"name": "Warga Contoh", "contact": "warga@example.org", "channel": "telepon",
             "message": "Buku di perpustakaan desa tidak pernah diganti."}


@pytest.fixture
def pengaduan(factory, people):
    deploy(factory, "pengaduan.bpmn")


def test_public_complaint_is_201_with_a_reference(app, factory, pengaduan):
    response = app.test_client().post("/api/v1/public/complaints", json=COMPLAINT)
    assert response.status_code == 201 and re.fullmatch(r"ADU-\d{4}-000001", response.json["reference"])
    with factory() as s:
        instance = s.scalars(select(Instance)).one()
    assert instance.definition_key == "pengaduan" and instance.title == response.json["reference"]


def test_public_complaint_errors(app, pengaduan):
    client = app.test_client()
    invalid = client.post("/api/v1/public/complaints", json={**COMPLAINT, "message": "x"})
    assert invalid.status_code == 422 and invalid.json["error"]["details"] == [
        {"path": "message", "code": "min_length", "params": {"limit": 10}, "message": "minimal 10 karakter"}]
    extra = client.post("/api/v1/public/complaints", json={**COMPLAINT, "reference": "ADU-1", "admin": True})
    assert extra.status_code == 422
    malformed = client.post("/api/v1/public/complaints", data="{", content_type="application/json")
    assert malformed.status_code == 400


def test_public_complaints_are_rate_limited(factory, settings, pengaduan):
    app = create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory, "COMPLAINT_RATE_LIMIT": (2, 600)})
    client = app.test_client()
    statuses = [client.post("/api/v1/public/complaints", json=COMPLAINT).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    limited = client.post("/api/v1/public/complaints", json=COMPLAINT)
    assert limited.json["error"]["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1


def test_document_download(api, factory, people):
    deploy(factory, "laporan.bpmn")
    instance_id = start(factory, "laporan")

    def add(session):
        row = Document(instance_id=instance_id, kind="monev_report", title="Laporan Hasil Monev", context={},
                       created_by="petugas", pdf=b"%PDF-1.4 laporan")
        session.add(row)
        session.flush()
        return row.id
    document_id = run_in_transaction(factory, add)
    response = api("petugas").get(f"/documents/{document_id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;") and response.data.startswith(b"%PDF")
    assert api("kabid").get(f"/instances/{instance_id}").json["documents"][0] == {
        "id": document_id, "kind": "monev_report", "title": "Laporan Hasil Monev", "number": None,
        "replaced_by": None,
        "created_at": api("kabid").get(f"/instances/{instance_id}").json["documents"][0]["created_at"]}
    assert api("mitra").get(f"/documents/{document_id}").status_code == 404
    assert api("petugas").get("/documents/999").status_code == 404


def test_library_registry(api, factory, people):
    library_id = run_in_transaction(factory, lambda s: libraries.create_library(
        s, name="TBM Contoh Weru", kecamatan="Weru", library_type="tbm", actor=ADMIN)[0].id)
    other = run_in_transaction(factory, lambda s: libraries.create_library(
        s, name="Perpustakaan Desa Contoh Weru", kecamatan="Weru", library_type="desa", actor=ADMIN)[0].id)
    caller = api("pustakawan")
    # A librarian not yet linked to a library sees none; linked, only its own.
    assert caller.get("/libraries?kecamatan=Weru").json["total"] == 0
    assert caller.get(f"/libraries/{library_id}").status_code == 404

    def link(s):
        s.scalar(select(User).where(User.username == "pustakawan")).library_id = library_id
    run_in_transaction(factory, link)
    listed = caller.get("/libraries?kecamatan=Weru").json
    assert listed["total"] == 1 and listed["items"][0]["name"] == "TBM Contoh Weru"
    one = caller.get(f"/libraries/{library_id}").json
    assert one["kecamatan"] == "Weru" and one["results"] == []
    assert caller.get(f"/libraries/{other}").status_code == 404
    assert caller.get("/libraries/999").status_code == 404
    assert caller.get("/libraries?kecamatan=Atlantis").status_code == 400
    assert api("petugas").get("/libraries?kecamatan=Weru").json["total"] == 2


def test_references_count_up_and_a_failed_start_gives_its_number_back(app, factory, people):
    client = app.test_client()
    assert client.post("/api/v1/public/complaints", json=COMPLAINT).status_code == 404  # no process deployed yet
    deploy(factory, "pengaduan.bpmn")
    references = [client.post("/api/v1/public/complaints", json=COMPLAINT).json["reference"] for _ in range(2)]
    assert [r[-6:] for r in references] == ["000001", "000002"]
