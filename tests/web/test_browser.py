"""The pages in a real browser: Debian's Chromium driven by Playwright against a live server.

The tests of this module tell one story in order on one database: the officer completes the visit
report, the head of division then sees it done on the diagram, the public sends a complaint.
Screenshots go to test-artifacts/; tests/web/browser.py says when the browser tests are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from engine.config import Settings
from tests.web.browser import live_app, log_in, need_chromium, new_page, serve, snap, staff_database
from tests.web.helpers import FIXTURES, deploy, start

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server thread on 127.0.0.1 over a fresh SQLite file, with people and one started instance."""
    need_chromium()
    folder = tmp_path_factory.mktemp("live")
    url, engine, factory = staff_database(folder)
    deploy(factory, "laporan.bpmn")
    deploy(factory, "pengaduan.bpmn")
    instance_id = start(factory, "laporan", data={"judul": "Kunjungan Perpustakaan Desa Contoh"})
    settings = Settings(database_url=url, secret_key="browser-test", processes_dir=FIXTURES, instance_dir=folder)
    with serve(live_app(settings, factory)) as base:
        yield {"base": base, "instance_id": instance_id}
    engine.dispose()


def test_petugas_completes_a_task_through_its_form(live: dict[str, Any], browser: Any) -> None:
    base = live["base"]
    page, problems = new_page(browser)
    page.goto(f"{base}/login")
    snap(page, "01-login.png", full_page=False)
    log_in(page, base, "petugas")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text().startswith("Antrean")
    snap(page, "02-queue.png")
    page.click("a.task-title:has-text('Isi laporan kunjungan')")
    page.fill("#f-judul", "Kunjungan Perpustakaan Desa Contoh")
    page.fill("#f-jumlah", "0")
    page.click("button[value=complete]")
    assert page.locator("#err-jumlah").inner_text() == "minimal 1"
    assert page.locator("#err-tanggal").inner_text() == "wajib diisi"
    assert page.input_value("#f-judul") == "Kunjungan Perpustakaan Desa Contoh"
    snap(page, "03-task-errors.png")
    page.fill("#f-jumlah", "1250")
    page.fill("#f-tanggal", "2027-03-01")
    page.check("input[name=jenis][value=desa]")
    page.check("input[name=status][value=negeri]")
    page.check("input[name=layanan][value=baca]")
    page.fill("[id='f-jadwal.0.visit_date']", "2027-03-02")
    page.fill("[id='f-jadwal.0.officer']", "petugas")
    page.click("button[name=_add][value=jadwal]")
    page.fill("[id='f-jadwal.1.visit_date']", "2027-03-09")
    page.fill("[id='f-jadwal.1.officer']", "petugas2")
    snap(page, "04-task-form.png")
    page.click("button[value=complete]")
    page.wait_for_url(re.compile(rf"{base}/tasks/[0-9a-f-]+$"))
    assert "Tugas selesai. Berikutnya: Tinjau laporan" in page.locator(".flash").inner_text()
    snap(page, "04b-task-completed.png")
    page.goto(f"{base}/tasks")
    assert page.locator("a.task-title:has-text('Isi laporan kunjungan')").count() == 0
    page.goto(f"{base}/tasks?scope=queue")
    assert page.locator("a.task-title:has-text('Isi laporan kunjungan')").count() == 0
    page.goto(f"{base}/tasks?scope=archive")
    assert page.locator("a.task-title:has-text('Isi laporan kunjungan')").count() == 1
    snap(page, "05-archive.png")
    assert [p for p in problems if "status of 422" not in p] == []  # the 422 is the refused first try


def test_kabid_sees_the_instance_diagram(live: dict[str, Any], browser: Any) -> None:
    base = live["base"]
    page, problems = new_page(browser)
    log_in(page, base, "kabid")
    page.goto(f"{base}/instances/{live['instance_id']}")
    diagram = page.locator("svg.senapas-diagram")
    assert diagram.is_visible() and diagram.bounding_box()["width"] > 300
    assert page.locator("svg.senapas-diagram [data-element-id=tinjau].active").count() == 1
    assert page.locator("svg.senapas-diagram [data-element-id=isi].done").count() == 1
    snap(page, "06-instance.png")
    page.goto(f"{base}/instances")
    snap(page, "07-instances.png")
    assert not problems, problems  # also: no Content-Security-Policy violations


def test_public_complaint_on_a_phone(live: dict[str, Any], browser: Any) -> None:
    base = live["base"]
    page, problems = new_page(browser, phone=True)
    page.goto(f"{base}/complaints/new")
    page.fill("#f-name", "Warga Contoh")
    page.fill("#f-contact", "0812-0000-1111")
    page.check("input[name=channel][value=whatsapp]")
    page.fill("#f-message", "Perpustakaan desa <b>tutup</b> pada jam layanan.")
    snap(page, "08-complaint-phone.png")
    page.click("button.primary")
    page.wait_for_url(f"{base}/complaints/done")
    assert page.locator(".reference").inner_text().startswith("ADU-")
    snap(page, "09-complaint-done-phone.png")
    log_in(page, base, "subkoor")
    page.click("a.task-title:has-text('Triase pengaduan')")
    snap(page, "10-triage-phone.png")
    assert page.locator("header.top nav").is_visible()
    page.goto(f"{base}/instances?lang=en")
    assert page.locator("h1").inner_text() == "Processes"
    snap(page, "11-instances-phone-en.png")
    assert not problems, problems
