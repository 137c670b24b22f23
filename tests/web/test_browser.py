"""The pages in a real browser: Debian's Chromium driven by Playwright against a live server.

The tests of this module tell one story in order on one database: the officer completes the visit
report, the head of division then sees it done on the diagram, the public sends a complaint.
Screenshots go to test-artifacts/. A missing Chromium fails the tests (`make test` installs it
first, or says how); they are skipped only when SENAPAS_SKIP_BROWSER=1 asks for it.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from engine.config import PROJECT_DIR, Settings
from engine.db import make_engine, make_session_factory, run_in_transaction
from engine.migrate import upgrade
from engine.people import users
from tests.web.helpers import FIXTURES, PASSWORD, PEOPLE, deploy, start
from web.app import create_app

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = PROJECT_DIR / "test-artifacts"


def _need_chromium() -> None:
    if os.environ.get("SENAPAS_SKIP_BROWSER") == "1":
        pytest.skip("SENAPAS_SKIP_BROWSER=1")
    if not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} is missing: install it with `sudo make system-deps`, "
                    "or set SENAPAS_SKIP_BROWSER=1 to skip the browser tests")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server thread on 127.0.0.1 over a fresh SQLite file, with people and one started instance."""
    _need_chromium()
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'senapas.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)

    def people(session: Session) -> None:
        for username, roles in PEOPLE.items():
            users.create_user(session, username, PASSWORD, roles, name=f"{username.title()} Contoh")
    run_in_transaction(factory, people)
    deploy(factory, "laporan.bpmn")
    deploy(factory, "pengaduan.bpmn")
    instance_id = start(factory, "laporan", data={"judul": "Kunjungan Perpustakaan Desa Contoh"})
    settings = Settings(database_url=url, secret_key="browser-test", processes_dir=FIXTURES, instance_dir=folder)
    app = create_app(settings, {"SESSION_FACTORY": factory, "SECURE_COOKIES": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ARTIFACTS.mkdir(exist_ok=True)
    yield {"base": f"http://127.0.0.1:{server.server_port}", "instance_id": instance_id}
    server.shutdown()
    thread.join(5)
    engine.dispose()


@pytest.fixture(scope="module")
def browser(live: dict[str, Any]) -> Iterator[Any]:
    """Debian's Chromium, headless."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _page(browser: Any, *, phone: bool = False) -> tuple[Any, list[str]]:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="id-ID", viewport=size, device_scale_factor=2 if phone else 1,
                                  is_mobile=phone, has_touch=phone)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/tasks")


def test_petugas_completes_a_task_through_its_form(live: dict[str, Any], browser: Any) -> None:
    base = live["base"]
    page, problems = _page(browser)
    page.goto(f"{base}/login")
    page.screenshot(path=str(ARTIFACTS / "01-login.png"))
    _login(page, base, "petugas")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text().startswith("Antrean")
    page.screenshot(path=str(ARTIFACTS / "02-queue.png"), full_page=True)
    page.click("a.task-title:has-text('Isi laporan kunjungan')")
    page.fill("#f-judul", "Kunjungan Perpustakaan Desa Contoh")
    page.fill("#f-jumlah", "0")
    page.click("button[value=complete]")
    assert page.locator("#err-jumlah").inner_text() == "minimal 1"
    assert page.locator("#err-tanggal").inner_text() == "wajib diisi"
    assert page.input_value("#f-judul") == "Kunjungan Perpustakaan Desa Contoh"
    page.screenshot(path=str(ARTIFACTS / "03-task-errors.png"), full_page=True)
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
    page.screenshot(path=str(ARTIFACTS / "04-task-form.png"), full_page=True)
    page.click("button[value=complete]")
    page.wait_for_url(re.compile(rf"{base}/tasks/[0-9a-f-]+$"))
    assert "Tugas selesai. Berikutnya: Tinjau laporan" in page.locator(".flash").inner_text()
    page.screenshot(path=str(ARTIFACTS / "04b-task-completed.png"), full_page=True)
    page.goto(f"{base}/tasks")
    assert page.locator("a.task-title:has-text('Isi laporan kunjungan')").count() == 0
    page.goto(f"{base}/tasks?scope=queue")
    assert page.locator("a.task-title:has-text('Isi laporan kunjungan')").count() == 0
    page.goto(f"{base}/tasks?scope=archive")
    assert page.locator("a.task-title:has-text('Isi laporan kunjungan')").count() == 1
    page.screenshot(path=str(ARTIFACTS / "05-archive.png"), full_page=True)
    assert [p for p in problems if "status of 422" not in p] == []  # the 422 is the refused first try


def test_kabid_sees_the_instance_diagram(live: dict[str, Any], browser: Any) -> None:
    base = live["base"]
    page, problems = _page(browser)
    _login(page, base, "kabid")
    page.goto(f"{base}/instances/{live['instance_id']}")
    diagram = page.locator("svg.senapas-diagram")
    assert diagram.is_visible() and diagram.bounding_box()["width"] > 300
    assert page.locator("svg.senapas-diagram [data-element-id=tinjau].active").count() == 1
    assert page.locator("svg.senapas-diagram [data-element-id=isi].done").count() == 1
    page.screenshot(path=str(ARTIFACTS / "06-instance.png"), full_page=True)
    page.goto(f"{base}/instances")
    page.screenshot(path=str(ARTIFACTS / "07-instances.png"), full_page=True)
    assert not problems, problems  # also: no Content-Security-Policy violations


def test_public_complaint_on_a_phone(live: dict[str, Any], browser: Any) -> None:
    base = live["base"]
    page, problems = _page(browser, phone=True)
    page.goto(f"{base}/complaints/new")
    page.fill("#f-name", "Warga Contoh")
    page.fill("#f-contact", "0812-0000-1111")
    page.check("input[name=channel][value=whatsapp]")
    page.fill("#f-message", "Perpustakaan desa <b>tutup</b> pada jam layanan.")
    page.screenshot(path=str(ARTIFACTS / "08-complaint-phone.png"), full_page=True)
    page.click("button.primary")
    page.wait_for_url(f"{base}/complaints/done")
    assert page.locator(".reference").inner_text().startswith("ADU-")
    page.screenshot(path=str(ARTIFACTS / "09-complaint-done-phone.png"), full_page=True)
    _login(page, base, "subkoor")
    page.click("a.task-title:has-text('Triase pengaduan')")
    page.screenshot(path=str(ARTIFACTS / "10-triage-phone.png"), full_page=True)
    assert page.locator("header.top nav").is_visible()
    page.goto(f"{base}/instances?lang=en")
    assert page.locator("h1").inner_text() == "Processes"
    page.screenshot(path=str(ARTIFACTS / "11-instances-phone-en.png"), full_page=True)
    assert not problems, problems
