"""In Chromium: a notice after an assignment (header count, list, email) and a public complaint status lookup.

One story on one database, desktop and a 390 px phone: kabid reassigns a visit report on the
instance page; petugas2 sees the count in the header on a phone, opens the notice and lands on the
task; the worker's round sends the email to the test SMTP server. Then a member of the public sends
a complaint and follows the confirmation page's link to its status. Screenshots: test-artifacts/.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from engine.config import Context, Settings
from engine.db import make_engine, make_session_factory, run_in_transaction
from engine.migrate import upgrade
from engine.models import User
from engine.notify.rounds import NoticeWorker
from engine.people import users
from tests.engine.notify.smtp_server import smtp_server
from tests.web.helpers import FIXTURES, LIMITS, PASSWORD, PEOPLE, deploy, start
from tests.web.test_browser import ARTIFACTS, _login, _need_chromium, _page
from web import notice_texts
from web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server thread over a fresh SQLite file and a test SMTP server the worker round sends to."""
    _need_chromium()
    folder = tmp_path_factory.mktemp("live-notify")
    url = f"sqlite:///{folder / 'senapas.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)

    def people(session: Session) -> None:
        for username, roles in PEOPLE.items():
            users.create_user(session, username, PASSWORD, roles, name=f"{username.title()} Contoh")
        for user in session.scalars(select(User)):
            user.email = f"{user.username}@dispusip.test"
    run_in_transaction(factory, people)
    deploy(factory, "laporan.bpmn")
    deploy(factory, "pengaduan.bpmn")
    instance_id = start(factory, "laporan", data={"judul": "Kunjungan Perpustakaan Desa Contoh"})
    with smtp_server() as (smtp_url, inbox):
        app_url = "http://127.0.0.1:{port}"
        settings = Settings(database_url=url, secret_key="browser-test", processes_dir=FIXTURES,
                            instance_dir=folder, smtp_url=smtp_url, mail_from="Senapas <senapas@dispusip.test>")
        app = create_app(settings, {"SESSION_FACTORY": factory, "SECURE_COOKIES": False})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = app_url.format(port=server.server_port)
        settings = Settings(**{**settings.__dict__, "base_url": base})
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        ARTIFACTS.mkdir(exist_ok=True)
        worker = NoticeWorker(Context(factory, LIMITS, FIXTURES), smtp_url, notice_texts.composer(settings))
        yield {"base": base, "instance_id": instance_id, "inbox": inbox, "worker": worker}
        worker.close()
        server.shutdown()
        thread.join(5)
    engine.dispose()


@pytest.fixture(scope="module")
def browser(live: dict[str, Any]) -> Iterator[Any]:
    """Debian's Chromium, headless."""
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import ARGS, CHROMIUM

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def test_an_assignment_reaches_the_header_the_list_and_the_mailbox(live: dict[str, Any], browser: Any) -> None:
    base = live["base"]
    kabid, problems = _page(browser)
    _login(kabid, base, "kabid")
    assert not kabid.locator(".notice-count").count()
    kabid.goto(f"{base}/instances/{live['instance_id']}")
    kabid.click("details.assign-box summary")  # the reassignment form folds under each open task
    kabid.fill("#assign-user-1", "petugas2")
    kabid.fill("#assign-reason-1", "dekat lokasi")
    kabid.click("form.assign button")
    kabid.wait_for_load_state()
    kabid.screenshot(path=str(ARTIFACTS / "notify-01-assigned-desktop.png"), full_page=True)

    phone, phone_problems = _page(browser, phone=True)
    _login(phone, base, "petugas2")
    assert phone.locator("header .notice-count").inner_text() == "1"
    phone.screenshot(path=str(ARTIFACTS / "notify-02-header-count-phone.png"), full_page=True)
    phone.click("header a.notice-link")
    phone.wait_for_url(f"{base}/notifications")
    notice = phone.locator("li.notice.is-unread")
    assert "diserahkan kepada Anda oleh kabid" in notice.inner_text()
    phone.screenshot(path=str(ARTIFACTS / "notify-03-list-phone.png"), full_page=True)
    notice.locator("button[name=open]").click()
    phone.wait_for_url(f"{base}/tasks/*")
    assert phone.locator("h1").inner_text().startswith("Isi laporan kunjungan")
    assert not phone.locator("header .notice-count").count()

    desktop, desktop_problems = _page(browser)
    _login(desktop, base, "petugas2")
    desktop.goto(f"{base}/notifications")
    desktop.screenshot(path=str(ARTIFACTS / "notify-04-list-read-desktop.png"), full_page=True)
    assert desktop.locator("li.notice").count() == 1 and not desktop.locator("li.notice.is-unread").count()

    assert live["worker"].run().sent == 1
    [mail] = live["inbox"].messages
    assert mail["To"] == "petugas2@dispusip.test" and mail["Subject"] == "[Senapas] Tugas baru untuk Anda"
    body = mail.get_payload(decode=True).decode()
    assert "diserahkan kepada Anda oleh kabid" in body and f"{base}/tasks/" in body
    assert live["worker"].run().sent == 0  # sent once
    assert not (problems or phone_problems or desktop_problems), problems + phone_problems + desktop_problems


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_a_complaint_status_is_found_from_the_confirmation_page(live: dict[str, Any], browser: Any,
                                                                  phone: bool) -> None:
    base = live["base"]
    page, problems = _page(browser, phone=phone)
    size = "phone" if phone else "desktop"
    page.goto(f"{base}/complaints/new")
    page.fill("#f-name", "Warga Contoh")
    page.fill("#f-contact", "0812-0000-1111")
    page.check("input[name=channel][value=whatsapp]")
    page.fill("#f-message", "Perpustakaan desa tutup pada jam layanan.")
    page.click("button.primary")
    page.wait_for_url(f"{base}/complaints/done")
    reference = page.locator(".reference").inner_text()
    page.click("text=Lihat status pengaduan ini")
    page.wait_for_url(f"{base}/complaints/status?reference={reference}")
    assert page.input_value("#reference") == reference
    page.fill("#contact", "0812 0000 9999")
    page.click("button.primary")
    assert "Tidak ada pengaduan dengan nomor referensi dan kontak itu" in page.locator("[role=alert]").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"notify-05-status-wrong-{size}.png"), full_page=True)
    page.fill("#contact", "+62 812 0000 1111")
    page.click("button.primary")
    assert page.locator("#status-title").inner_text() == reference
    assert "Diterima, menunggu ditelaah" in page.locator(".badge").inner_text()
    assert page.locator(".steps li").first.inner_text().startswith("Pengaduan diterima")
    page.screenshot(path=str(ARTIFACTS / f"notify-06-status-{size}.png"), full_page=True)
    assert [p for p in problems if "status of 404" not in p] == []  # the 404 is the wrong contact's answer
