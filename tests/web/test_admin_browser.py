"""The admin pages and the demo office in a real browser (Debian's Chromium, Playwright) on `senapas demo`'s data.

An administrator adds a person in the admin page; that person logs in with the password shown once and
must choose their own first. Each demo person who works a lane finds work waiting on first login.
Screenshots of the admin pages (desktop and a 390 px phone) go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.web.browser import demo_database, live_app, log_in, need_chromium, new_page, serve, snap
from web import demo

pytestmark = pytest.mark.browser
WORKERS = ("kabid", "subkoor", "petugas", "mitra")


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server thread over a fresh SQLite file prepared exactly as `senapas demo` prepares it."""
    need_chromium()
    with (demo_database(tmp_path_factory.mktemp("office")) as (settings, factory),
          serve(live_app(settings, factory)) as base):
        yield base


def test_an_admin_adds_a_person_who_then_logs_in(office: str, browser: Any) -> None:
    page, problems = new_page(browser)
    log_in(page, office, "admin", demo.DEMO_PASSWORD)
    page.click("nav a:has-text('Admin')")
    page.wait_for_url(f"{office}/admin/users")
    snap(page, "admin-01-users.png")
    page.click("a:has-text('Tambah pengguna')")
    page.fill("#username", "tri")
    page.fill("#email", "bukan-email")
    page.check("input[name=roles][value=petugas]")
    page.click("button.primary")
    assert page.locator("#err-name").inner_text() == "wajib diisi"
    assert page.locator("#err-email").inner_text() == "alamat email tidak valid"
    assert page.input_value("#username") == "tri", "what was typed stays"
    snap(page, "admin-02-new-user-errors.png")
    page.fill("#name", "Tri Wahyuningsih")
    page.fill("#email", "tri@contoh.id")
    page.fill("#nip", "19910305 201903 2 001")
    page.click("button.primary")
    password = page.locator("#one-time-password").inner_text()
    snap(page, "admin-03-password-once.png")
    assert len(password) >= 14

    newcomer, newcomer_problems = new_page(browser, phone=True)
    log_in(newcomer, office, "tri", password, landing="/account/password")
    assert "pilih kata sandi sendiri" in newcomer.locator(".flash").inner_text()
    newcomer.fill("#password", password)
    newcomer.fill("#new_password", "kata-sandi-tri-sendiri")
    newcomer.fill("#repeat_password", "kata-sandi-tri-sendiri")
    newcomer.click("button.primary")
    newcomer.wait_for_url(f"{office}/tasks")
    assert "Tri Wahyuningsih" in newcomer.locator(".who-name").inner_text()
    assert newcomer.locator("a.task-title").count() > 0, "a petugas finds the demo's open visits in the queue"
    assert [p for p in problems if "status of 422" not in p] == []  # the 422 is the refused first try
    assert not newcomer_problems, newcomer_problems


def test_admin_pages_on_desktop_and_phone(office: str, browser: Any, tmp_path: Path) -> None:
    emblem = tmp_path / "lambang.png"
    Image.new("RGB", (240, 300), (20, 110, 40)).save(emblem)
    for phone in (False, True):
        page, problems = new_page(browser, phone=phone)
        log_in(page, office, "admin", demo.DEMO_PASSWORD)
        suffix = "phone" if phone else "desktop"
        page.goto(f"{office}/admin/users/petugas")
        # the two open visits of the demo's current cycle that petugas leads
        assert "Memegang 2 tugas terbuka" in page.locator(".flash-info").inner_text()
        page.goto(f"{office}/admin/users/pustakawan")
        assert page.locator("#library_id option:checked").inner_text().startswith(demo.DEMO_LIBRARY)
        snap(page, f"admin-04-user-{suffix}.png")
        page.goto(f"{office}/admin/settings")
        if not phone:
            page.set_input_files("#emblem", str(emblem))
            page.click("button:has-text('Unggah lambang')")
            page.wait_for_url(f"{office}/admin/settings#section-emblem")
            assert "Pengaturan disimpan." in page.locator(".flash").inner_text()
        assert page.locator("img.emblem-preview").evaluate("img => img.naturalWidth") > 0
        snap(page, f"admin-05-settings-{suffix}.png")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= (390 if phone else 1280), "no sideways scrolling"
        page.goto(f"{office}/admin/users")
        snap(page, f"admin-06-users-{suffix}.png")
        assert not problems, problems


def test_each_demo_worker_finds_work_on_first_login(office: str, browser: Any) -> None:
    for username in WORKERS:
        page, problems = new_page(browser, phone=username == "petugas")
        log_in(page, office, username, demo.DEMO_PASSWORD)
        found = 0
        for scope in ("inbox", "queue"):
            page.goto(f"{office}/tasks?scope={scope}")
            found += page.locator("a.task-title").count()
        snap(page, f"office-{username}.png")
        assert found > 0, username
        assert not problems, problems
