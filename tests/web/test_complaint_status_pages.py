"""Complaint status for the public: the page and its API twin, one 404 for any wrong pair, a rate limit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import complaints
from engine.db import run_in_transaction
from engine.definitions import versions
from engine.models import Instance
from engine.people.users import Actor
from tests.engine.helpers import KABID, PETUGAS, complete
from tests.web.helpers import ADMIN, csrf_of, open_task
from web.app import create_app

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "pengaduan"
COMPLAINT = {"name": "Warga Contoh", "contact": "warga@example.org", "channel": "email",
             "message": "Perpustakaan keliling tidak datang ke desa kami bulan ini."}
REPLY = "Terima kasih; jadwal perpustakaan keliling sudah dipulihkan mulai pekan depan."
TODAY = date.today().isoformat()
SUBKOOR = Actor("subkoor", frozenset({"subkoor"}))


@pytest.fixture
def reference(factory, people):
    content = (PROCESSES / "pengaduan.bpmn").read_bytes()
    run_in_transaction(factory, lambda s: versions.deploy(s, content, "pengaduan.bpmn", ADMIN,
                                                          processes_dir=PROCESSES))
    return run_in_transaction(factory, lambda s: complaints.submit(s, COMPLAINT))


def answer(factory, reference):
    with factory() as s:
        iid = s.scalar(select(Instance.id).where(Instance.title == reference))
    complete(factory, open_task(factory, iid, "Telaah_Pengaduan"), SUBKOOR,
             {"telaah": {"kategori": "layanan", "prioritas": "sedang", "cara_penanganan": "internal"}})
    complete(factory, open_task(factory, iid, "Penanganan_Pengaduan"), PETUGAS, {"penanganan": {
        "tindakan": "Jadwal diperbaiki.", "tanggal_selesai": TODAY}})
    complete(factory, open_task(factory, iid, "Balasan_Pengaduan"), PETUGAS, {"balasan": {
        "isi": REPLY, "media": "email", "tanggal": TODAY}})
    complete(factory, open_task(factory, iid, "Tinjauan_Penutupan"), KABID, {"tinjauan": {"keputusan": "tutup"}})


def test_the_api_answers_with_status_steps_and_reply(app, factory, reference):
    client = app.test_client()
    received = client.get(f"/api/v1/public/complaints/{reference}?contact=Warga@Example.org")
    assert received.status_code == 200
    body = received.json
    assert (body["reference"], body["status"], body["reply"]) == (reference, "received", None)
    assert body["steps"][0]["title"] == "Pengaduan diterima" and body["steps"][0]["done_at"] == body["received_at"]
    assert body["steps"][1] == {"title": "Telaah pengaduan", "done_at": None}
    answer(factory, reference)
    answered = client.get(f"/api/v1/public/complaints/{reference}?contact=warga@example.org",
                          headers={"Accept-Language": "en"}).json
    assert (answered["status"], answered["reply"]) == ("answered", REPLY)
    assert answered["steps"][0]["title"] == "Complaint received"
    assert all(step["done_at"] for step in answered["steps"])


def test_a_wrong_reference_and_a_wrong_contact_get_the_same_404(app, reference):
    client = app.test_client()
    wrong_contact = client.get(f"/api/v1/public/complaints/{reference}?contact=orang@lain.org")
    wrong_reference = client.get("/api/v1/public/complaints/ADU-1999-000001?contact=warga@example.org")
    no_contact = client.get(f"/api/v1/public/complaints/{reference}")
    assert wrong_contact.status_code == wrong_reference.status_code == no_contact.status_code == 404
    assert wrong_contact.json == wrong_reference.json == no_contact.json
    assert wrong_contact.json["error"]["code"] == "not_found"


def test_failed_lookups_are_rate_limited_and_found_ones_are_not(factory, settings, reference):
    app = create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory, "COMPLAINT_RATE_LIMIT": (3, 600)})
    client = app.test_client()
    found = [client.get(f"/api/v1/public/complaints/{reference}?contact=warga@example.org").status_code
             for _ in range(5)]
    guesses = [client.get(f"/api/v1/public/complaints/{reference}?contact=tebakan{n}@example.org").status_code
               for n in range(4)]
    assert found == [200] * 5 and guesses == [404, 404, 404, 429]
    limited = client.get(f"/api/v1/public/complaints/{reference}?contact=warga@example.org")
    assert limited.status_code == 429 and limited.json["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    other = client.get(f"/api/v1/public/complaints/{reference}?contact=warga@example.org",
                       environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # another address is not held back


def test_the_page_shows_the_status_after_a_posted_lookup(app, factory, reference):
    client = app.test_client()
    form = client.get(f"/complaints/status?reference={reference}").text
    assert f'value="{reference}"' in form and 'name="contact"' in form
    token = csrf_of(form)
    wrong = client.post("/complaints/status", data={"csrf_token": token, "reference": reference, "contact": "x@y.z"})
    assert wrong.status_code == 404 and "Tidak ada pengaduan dengan nomor referensi dan kontak itu" in wrong.text
    answer(factory, reference)
    page = client.post("/complaints/status", data={"csrf_token": token, "reference": reference.lower(),
                                                    "contact": "warga@example.org"}).text
    assert "Sudah dijawab" in page and REPLY in page and "Balasan kepada pelapor" in page


def test_the_confirmation_page_links_to_the_status(app, factory, reference):
    client = app.test_client()
    token = csrf_of(client.get("/complaints/new").text)
    client.post("/complaints/new", data={"csrf_token": token, **COMPLAINT})
    done = client.get("/complaints/done").text
    assert "/complaints/status?reference=ADU-" in done
