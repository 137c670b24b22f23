"""In Chromium: a notice after an assignment (header count, list, email) and a public complaint status lookup.

One story on one database, desktop and a 390 px phone: kabid reassigns a visit report on the
instance page; petugas2 sees the count in the header on a phone, opens the notice and lands on the
task; the worker's round sends the email to the test SMTP server. Then a member of the public sends
a complaint and follows the confirmation page's link to its status. Screenshots: test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import Context, Settings
from engine.db import run_in_transaction
from engine.models import User
from engine.notify.rounds import NoticeWorker
from tests.engine.notify.smtp_server import smtp_server
from tests.web.browser import live_app, log_in, need_chromium, new_page, serve, snap, staff_database
from tests.web.helpers import FIXTURES, LIMITS, deploy, start
from web import notice_texts

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server thread over a fresh SQLite file and a test SMTP server the worker round sends to."""
    need_chromium()
    folder = tmp_path_factory.mktemp("live-notify")
    url, engine, factory = staff_database(folder)

    def addresses(session: Session) -> None:
        for user in session.scalars(select(User)):
            user.email = f"{user.username}@dispusip.test"
    run_in_transaction(factory, addresses)
    deploy(factory, "laporan.bpmn")
    deploy(factory, "pengaduan.bpmn")
    instance_id = start(factory, "laporan", data={"judul": "Kunjungan Perpustakaan Desa Contoh"})
    with smtp_server() as (smtp_url, inbox):
        settings = Settings(database_url=url, secret_key="browser-test", processes_dir=FIXTURES,
                            instance_dir=folder, smtp_url=smtp_url, mail_from="Senapas <senapas@dispusip.test>")
        with serve(live_app(settings, factory)) as base:
            settings = Settings(**{**settings.__dict__, "base_url": base})
            worker = NoticeWorker(Context(factory, LIMITS, FIXTURES), smtp_url, notice_texts.composer(settings))
            yield {"base": base, "instance_id": instance_id, "inbox": inbox, "worker": worker}
            worker.close()
    engine.dispose()


def test_an_assignment_reaches_the_header_the_list_and_the_mailbox(live: dict[str, Any], browser: Any) -> None:
    base = live["base"]
    kabid, problems = new_page(browser)
    log_in(kabid, base, "kabid")
    assert not kabid.locator(".notice-count").count()
    kabid.goto(f"{base}/instances/{live['instance_id']}")
    kabid.click("details.assign-box summary")  # the reassignment form folds under each open task
    kabid.fill("#assign-user-1", "petugas2")
    kabid.fill("#assign-reason-1", "dekat lokasi")
    kabid.click("form.assign button")
    kabid.wait_for_load_state()
    snap(kabid, "notify-01-assigned-desktop.png")

    phone, phone_problems = new_page(browser, phone=True)
    log_in(phone, base, "petugas2")
    assert phone.locator("header .notice-count").inner_text() == "1"
    snap(phone, "notify-02-header-count-phone.png")
    phone.click("header a.notice-link")
    phone.wait_for_url(f"{base}/notifications")
    notice = phone.locator("li.notice.is-unread")
    assert "diserahkan kepada Anda oleh kabid" in notice.inner_text()
    snap(phone, "notify-03-list-phone.png")
    notice.locator("button[name=open]").click()
    phone.wait_for_url(f"{base}/tasks/*")
    assert phone.locator("h1").inner_text().startswith("Isi laporan kunjungan")
    assert not phone.locator("header .notice-count").count()

    desktop, desktop_problems = new_page(browser)
    log_in(desktop, base, "petugas2")
    desktop.goto(f"{base}/notifications")
    snap(desktop, "notify-04-list-read-desktop.png")
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
    page, problems = new_page(browser, phone=phone)
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
    snap(page, f"notify-05-status-wrong-{size}.png")
    page.fill("#contact", "+62 812 0000 1111")
    page.click("button.primary")
    assert page.locator("#status-title").inner_text() == reference
    assert "Diterima, menunggu ditelaah" in page.locator(".badge").inner_text()
    assert page.locator(".steps li").first.inner_text().startswith("Pengaduan diterima")
    snap(page, f"notify-06-status-{size}.png")
    assert [p for p in problems if "status of 404" not in p] == []  # the 404 is the wrong contact's answer
