"""Task pages: the lists, one task's form with inline errors, drafts, rows, claims, comments, roles."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine.db import run_in_transaction, utcnow
from engine.libraries import registry
from engine.models import AuditEvent, Task
from tests.web.helpers import ADMIN, deploy, open_task, start

VALID = {"_action": "complete", "judul": "Laporan Baki", "jumlah": "1200", "tanggal": "2027-03-01",
         "jenis": "desa", "jadwal.__rows": "1", "jadwal.0.visit_date": "2027-03-02", "jadwal.0.officer": "petugas"}


@pytest.fixture
def laporan(factory, people):
    deploy(factory, "laporan.bpmn")
    instance_id = start(factory, "laporan")
    return instance_id, open_task(factory, instance_id, "isi")


def task_row(factory, task_id):
    with factory() as s:
        return s.get(Task, task_id)


def test_queue_inbox_and_archive_with_counts(web, factory, laporan):
    instance_id, task_id = laporan
    browser = web("petugas")
    page = browser.get("/tasks").text  # empty inbox: the queue is shown
    assert "Isi laporan kunjungan" in page and 'aria-current="page">Antrean <span class="count">1' in page
    browser.post(f"/tasks/{task_id}/claim")
    page = browser.get("/tasks").text
    assert 'aria-current="page">Kotak masuk <span class="count">1' in page and f"/tasks/{task_id}" in page
    assert f"/tasks/{task_id}" not in browser.get("/tasks?scope=queue").text
    browser.post(f"/tasks/{task_id}", VALID)
    assert f"/tasks/{task_id}" in browser.get("/tasks?scope=archive").text
    assert f"/tasks/{task_id}" not in browser.get("/tasks?scope=inbox").text
    assert "Tinjau laporan" in web("kabid").get("/tasks?scope=queue").text


def test_overdue_tasks_are_marked_and_listed_first(web, factory, laporan):
    _, task_id = laporan
    second = open_task(factory, start(factory, "laporan"), "isi")
    with factory.begin() as s:
        s.execute(update(Task).where(Task.id == second).values(due_at=utcnow() - timedelta(hours=2)))
    page = web("petugas").get("/tasks?scope=queue").text
    assert page.index(f"/tasks/{second}") < page.index(f"/tasks/{task_id}")
    assert page.count("is-overdue") == 1 and "Terlambat" in page


def test_lists_are_paginated(web, factory, laporan):
    start(factory, "laporan")
    browser = web("petugas")
    first = browser.get("/tasks?scope=queue&per_page=1").text
    assert "Halaman 1 dari 2" in first and 'rel="next"' in first and first.count('class="task-row') == 1
    second = browser.get("/tasks?scope=queue&per_page=1&page=2").text
    assert 'rel="prev"' in second
    assert browser.get("/tasks?scope=queue&page=0").status_code == 400
    assert browser.get("/tasks?scope=nowhere").status_code == 400


def test_task_page_shows_instructions_and_every_widget(web, laporan, factory):
    run_in_transaction(factory, lambda s: registry.create_library(
        s, name="Perpustakaan Desa Contoh", kecamatan="Weru", library_type="desa", actor=ADMIN))
    page = web("petugas").get(f"/tasks/{laporan[1]}").text
    assert "Isi laporan setelah kunjungan." in page and 'class="instructions"' in page
    for marker in ('name="judul" type="text"', 'name="jumlah" type="number"', 'name="tanggal" type="date"',
                   'type="radio" name="jenis" value="desa"', 'type="checkbox" name="layanan" value="internet"',
                   '<select id="f-daring" name="daring"', 'name="jadwal.0.officer"', 'name="jadwal.__rows"',
                   'name="alamat.kecamatan"', '<textarea id="f-catatan"', ">Perpustakaan Desa Contoh — Weru<",
                   'name="_add" value="jadwal"', 'Tambah baris'):
        assert marker in page, marker


def test_completing_through_the_form_converts_types_and_moves_on(web, factory, laporan):
    instance_id, task_id = laporan
    browser = web("petugas")
    data = {**VALID, "rasio": "0,5", "layanan.__present": "1", "layanan": ["baca", "internet"], "daring": "false"}
    response = browser.post(f"/tasks/{task_id}", data)
    assert response.status_code == 303 and response.headers["Location"] == f"/tasks/{task_id}"
    assert "Tugas selesai. Berikutnya: Tinjau laporan" in browser.get(f"/tasks/{task_id}").text
    with factory() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "complete")).one()
    assert event.data == {"judul": "Laporan Baki", "jumlah": 1200, "rasio": 0.5, "tanggal": "2027-03-01",
                          "jenis": "desa", "layanan": ["baca", "internet"], "daring": False,
                          "jadwal": [{"visit_date": "2027-03-02", "officer": "petugas"}]}
    assert task_row(factory, task_id).completed_by == "petugas"
    page = browser.get(f"/tasks/{task_id}").text  # completed: read-only with the submitted values
    assert 'value="Laporan Baki"' in page and "Selesaikan tugas" not in page
    assert '<fieldset class="plain" disabled' in page


def test_validation_errors_are_shown_next_to_fields_with_values_kept(web, factory, laporan):
    _, task_id = laporan
    response = web("petugas").post(f"/tasks/{task_id}", {
        **VALID, "judul": "", "jumlah": "seribu", "jadwal.0.visit_date": "", "catatan": "<b>tebal</b>"})
    assert response.status_code == 422
    page = response.text
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    assert "autofocus" in summary and "3 isian perlu diperbaiki" in summary
    assert '<a href="#f-judul">' in summary and '<a href="#f-jumlah">' in summary
    assert '<a href="#f-jadwal.0.visit_date">' in summary
    assert re.search(r'id="err-judul">wajib diisi<', page)
    assert re.search(r'id="err-jumlah">harus berupa bilangan bulat<', page)
    assert re.search(r'id="err-jadwal.0.visit_date">wajib diisi<', page)
    assert 'value="seribu"' in page and 'value="petugas"' in page and "&lt;b&gt;tebal&lt;/b&gt;" in page
    assert task_row(factory, task_id).status == "open"


def test_validation_errors_in_english(web, laporan):
    browser = web("petugas")
    browser.get("/tasks?lang=en")
    page = browser.post(f"/tasks/{laporan[1]}", {**VALID, "jumlah": "0"}).text
    assert re.search(r'id="err-jumlah">at least 1<', page) and "Report title" in page


def test_add_and_remove_rows_without_saving(web, factory, laporan):
    _, task_id = laporan
    browser = web("petugas")
    page = browser.post(f"/tasks/{task_id}", {**VALID, "_add": "jadwal"}).text
    assert 'name="jadwal.1.officer"' in page and 'name="jadwal.__rows" value="2"' in page
    page = browser.post(f"/tasks/{task_id}", {**VALID, "jadwal.__rows": "2", "jadwal.1.officer": "petugas2",
                                              "_remove": "jadwal.0"}).text
    assert 'name="jadwal.1.officer"' not in page and 'value="petugas2"' in page
    assert task_row(factory, task_id).status == "open" and task_row(factory, task_id).draft is None


def test_draft_is_saved_and_shown_again(web, factory, laporan):
    _, task_id = laporan
    browser = web("petugas")
    response = browser.post(f"/tasks/{task_id}", {"_action": "draft", "judul": "<script>x</script>",
                                                  "jumlah": "dua"})
    assert response.status_code == 303
    assert task_row(factory, task_id).draft == {"judul": "<script>x</script>", "jumlah": "dua"}
    page = browser.get(f"/tasks/{task_id}").text
    assert "Draf disimpan." in page and 'value="&lt;script&gt;x&lt;/script&gt;"' in page
    assert "<script>x" not in page


def test_form_post_without_csrf_token_changes_nothing(web, factory, laporan):
    _, task_id = laporan
    browser = web("petugas")
    for path, data in ((f"/tasks/{task_id}", VALID), (f"/tasks/{task_id}/claim", {}),
                       (f"/tasks/{task_id}/comment", {"text": "halo"})):
        assert browser.client.post(path, data=data).status_code == 400
    row = task_row(factory, task_id)
    assert row.status == "open" and row.assignee is None
    with factory() as s:
        assert [e.action for e in s.scalars(select(AuditEvent))] == ["deploy", "start"]


def test_claim_by_someone_else_is_refused_with_a_message(web, factory, laporan):
    _, task_id = laporan
    web("petugas").post(f"/tasks/{task_id}/claim")
    other = web("petugas2")
    page = other.get(f"/tasks/{task_id}").text
    assert "sedang dikerjakan oleh petugas" in page and "Selesaikan tugas" not in page
    response = other.post(f"/tasks/{task_id}/claim", {"next": f"/tasks/{task_id}"}, follow_redirects=True)
    assert "tugas sedang dikerjakan oleh petugas" in response.text
    assert other.post(f"/tasks/{task_id}", VALID).status_code == 409
    assert task_row(factory, task_id).assignee == "petugas"


def test_unclaim_returns_the_task_to_the_queue(web, factory, laporan):
    _, task_id = laporan
    browser = web("petugas")
    browser.post(f"/tasks/{task_id}/claim")
    assert browser.post(f"/tasks/{task_id}/unclaim").headers["Location"] == "/tasks"
    assert task_row(factory, task_id).assignee is None


def test_other_roles_get_404_supervisors_see_read_only(web, laporan):
    _, task_id = laporan
    assert web("mitra").get(f"/tasks/{task_id}").status_code == 404
    assert web("petugas").get("/tasks/00000000-0000-0000-0000-000000000000").status_code == 404
    kabid = web("kabid")
    page = kabid.get(f"/tasks/{task_id}").text
    assert "untuk peran lain" in page and "Selesaikan tugas" not in page
    assert kabid.post(f"/tasks/{task_id}", VALID).status_code == 403
    assert kabid.post(f"/tasks/{task_id}/claim").status_code == 403


def test_comments_are_kept_and_escaped(web, factory, laporan):
    _, task_id = laporan
    browser = web("petugas")
    assert browser.post(f"/tasks/{task_id}/comment", {"text": "<script>alert(1)</script> cek"}).status_code == 303
    page = browser.get(f"/tasks/{task_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; cek" in page and "<script>alert" not in page
    response = browser.post(f"/tasks/{task_id}/comment", {"text": " ", "next": f"/tasks/{task_id}"},
                            follow_redirects=True)
    assert "komentar wajib diisi" in response.text


def test_supervisor_reassigns_with_a_reason(web, factory, laporan):
    instance_id, task_id = laporan
    kabid = web("kabid")
    response = kabid.post(f"/tasks/{task_id}/assign", {"username": "petugas2", "reason": "",
                                                       "next": f"/instances/{instance_id}"}, follow_redirects=True)
    assert "alasan wajib diisi" in response.text and task_row(factory, task_id).assignee is None
    kabid.post(f"/tasks/{task_id}/assign", {"username": "petugas2", "reason": "cuti"})
    assert task_row(factory, task_id).assignee == "petugas2"
    assert web("petugas").post(f"/tasks/{task_id}/assign", {"username": "petugas", "reason": "x"}).status_code == 403


def test_a_refused_action_is_explained_in_the_page_language(web, laporan):
    task_id = laporan[1]
    web("petugas").post(f"/tasks/{task_id}/claim")
    other = web("petugas2")
    refused = other.post(f"/tasks/{task_id}/claim")
    assert refused.status_code == 409 and "tugas sedang dikerjakan oleh petugas" in refused.text
    other.get("/tasks?lang=en")
    assert "the task is being worked on by petugas" in other.post(f"/tasks/{task_id}/claim").text
