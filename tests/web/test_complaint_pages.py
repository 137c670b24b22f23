"""The public complaint form: no login, the process's own start form, a reference, escaping, rate limit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, Instance
from tests.web.helpers import csrf_of, deploy, open_task
from web.app import create_app

COMPLAINT = {"name": "Warga Contoh", "contact": "0812-0000-9999", "channel": "whatsapp",
             "message": "Perpustakaan desa <script>alert('x')</script> tutup terus."}
REFERENCE = re.compile(r"ADU-\d{4}-\d{6}")


@pytest.fixture
def public(app, factory, people):
    deploy(factory, "pengaduan.bpmn")
    client = app.test_client()
    client.token = csrf_of(client.get("/complaints/new").text)
    return client


def send(client, data, address="127.0.0.1"):
    return client.post("/complaints/new", data={"csrf_token": client.token, **data},
                       environ_base={"REMOTE_ADDR": address})


def instances_of(factory):
    with factory() as s:
        return list(s.scalars(select(Instance).where(Instance.definition_key == "pengaduan")))


def test_the_form_is_public_and_uses_the_process_start_form(public):
    page = public.get("/complaints/new").text
    assert "Sampaikan pengaduan tanpa perlu masuk." in page
    for name in ("name", "contact", "channel", "message"):
        assert f'name="{name}"' in page
    assert 'name="reference"' not in page  # the system assigns it
    assert '<textarea id="f-message"' in page and re.search(r'value="lapor"[^>]*> <span>LAPOR!</span>', page)
    english = public.get("/complaints/new?lang=en").text
    assert "Complaint form" in english and re.search(r'value="telepon"[^>]*> <span>Telephone</span>', english)


def test_a_complaint_starts_an_instance_and_shows_its_reference(public, factory, web):
    response = send(public, COMPLAINT)
    assert response.status_code == 303 and response.headers["Location"] == "/complaints/done"
    page = public.get("/complaints/done").text
    reference = REFERENCE.search(page).group(0)
    assert "Telepon: (0271) 593068." in page
    [instance] = instances_of(factory)
    assert instance.started_by == "sistem" and instance.title == reference
    with factory() as s:
        start = s.scalars(select(AuditEvent).where(AuditEvent.action == "start")).one()
    assert start.data == {**COMPLAINT, "reference": reference}
    subkoor = web("subkoor")
    task_page = subkoor.get(f"/tasks/{open_task(factory, instance.id, 'triase')}").text
    assert "Baca pengaduan" in task_page
    instance_page = subkoor.get(f"/instances/{instance.id}").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in instance_page and "<script>alert" not in instance_page
    assert reference in subkoor.get(f"/instances?q={reference}").text


def test_invalid_complaint_shows_errors_inline_and_keeps_values(public, factory):
    response = send(public, {**COMPLAINT, "message": "pendek", "channel": "merpati", "contact": ""})
    assert response.status_code == 422
    page = response.text
    assert re.search(r'id="err-message">minimal 10 karakter<', page)
    assert re.search(r'id="err-contact">wajib diisi<', page)
    assert re.search(r'id="err-channel">nilai tidak termasuk pilihan yang tersedia<', page)
    assert "pendek</textarea>" in page and 'value="Warga Contoh"' in page
    assert instances_of(factory) == []


def test_complaints_need_the_csrf_token(public, factory):
    assert public.post("/complaints/new", data=COMPLAINT).status_code == 400
    assert instances_of(factory) == []


def test_complaints_are_rate_limited_per_client(factory, settings, people):
    deploy(factory, "pengaduan.bpmn")
    app = create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory, "COMPLAINT_RATE_LIMIT": (2, 600)})
    client = app.test_client()
    client.token = csrf_of(client.get("/complaints/new").text)
    assert [send(client, COMPLAINT).status_code for _ in range(3)] == [303, 303, 429]
    assert send(client, COMPLAINT, address="10.0.0.9").status_code == 303
    assert len(instances_of(factory)) == 3


def test_done_page_without_a_complaint_goes_back_to_the_form(app):
    response = app.test_client().get("/complaints/done")
    assert response.status_code == 302 and response.headers["Location"] == "/complaints/new"


def test_form_without_a_deployed_process_uses_the_built_in_fields(app, people):
    page = app.test_client().get("/complaints/new").text
    assert "Sampaikan pengaduan" in page and 'name="message"' in page and 'name="reference"' not in page
