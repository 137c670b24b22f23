"""The dashboard and a cycle's instance page in Debian's Chromium, as the head of division sees them.

One live server over a fresh SQLite file holding a monev cycle part-way (three libraries: one
reported, one visit held by petugas2 and overdue, one visit waiting). Screenshots, desktop and a
390 px phone, go to test-artifacts/.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from engine.config import PROJECT_DIR, Settings
from engine.db import make_engine, make_session_factory, run_in_transaction
from engine.migrate import upgrade
from engine.people import users
from tests.web.cycle_data import monev_cycle
from tests.web.helpers import PASSWORD, PEOPLE
from tests.web.test_browser import ARGS, ARTIFACTS, CHROMIUM, _login, _need_chromium, _page
from web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server thread over a database with people and one cycle part-way."""
    _need_chromium()
    folder = tmp_path_factory.mktemp("live-dashboard")
    url = f"sqlite:///{folder / 'senapas.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)

    def people(session: Session) -> None:
        for username, roles in PEOPLE.items():
            users.create_user(session, username, PASSWORD, roles, name=f"{username.title()} Contoh")
    run_in_transaction(factory, people)
    instance_id, library_ids = monev_cycle(factory)
    settings = Settings(database_url=url, secret_key="browser-test", processes_dir=PROJECT_DIR / "processes",
                        instance_dir=folder)
    app = create_app(settings, {"SESSION_FACTORY": factory, "SECURE_COOKIES": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ARTIFACTS.mkdir(exist_ok=True)
    yield {"base": f"http://127.0.0.1:{server.server_port}", "instance_id": instance_id, "libraries": library_ids}
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


def _fits(page: Any) -> bool:
    """True when nothing makes the page scroll sideways (wide tables scroll inside their own box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_kabid_sees_the_numbers_of_the_office_on_the_dashboard(live: dict[str, Any], browser: Any,
                                                               phone: bool) -> None:
    base, (one, two, three) = live["base"], live["libraries"]
    page, problems = _page(browser, phone=phone)
    _login(page, base, "kabid")
    page.click("nav a:has-text('Dasbor')")
    page.wait_for_url(f"{base}/dashboard")
    # Two visits are open (libraries 2 and 3), each held by its scheduled officer; library 2's was handed
    # to petugas2 and is two hours late. Beside them the self-assessments of libraries 2 and 3 wait for
    # their librarians (library 1's closed with its monev).
    assert page.inner_text("#n-open") == "4"
    assert page.inner_text("#n-overdue") == "1"
    assert page.inner_text("#n-unclaimed") == "2"
    held = page.locator("table.workload tr[data-username=petugas2] td.num")
    assert held.all_inner_texts() == ["1", "1", "0"]
    # petugas wrote the notification letter, visited and reported on library 1, and holds library 3's visit.
    assert page.locator("table.workload tr[data-username=petugas] td.num").all_inner_texts() == ["1", "0", "3"]
    # The five steps done so far (meeting, letter, confirmation, visit, report) each had a due time and met it.
    assert "5 dari 5 tugas bertenggat selesai tepat waktu" in page.inner_text("#sla-text")
    cycle = page.locator(f"article.cycle[data-instance-id='{live['instance_id']}']")
    cells = {lib: cycle.locator(f"tr[data-library-id='{lib}'] td[data-stage=monev]").get_attribute("class")
             for lib in (one, two, three)}
    assert cells == {one: "cell cell-done", two: "cell cell-overdue", three: "cell cell-open"}
    assert page.locator("svg.chart").count() >= 3 and page.locator("svg.chart").first.is_visible()
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"20-dashboard-{'phone' if phone else 'desktop'}.png"), full_page=True)
    csv = page.request.get(f"{base}/dashboard.csv")
    assert csv.ok and "Tugas,,,terlambat,1" in csv.text()
    assert not problems, problems  # no script errors, no Content-Security-Policy violations


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_kabid_reads_the_cycle_page_library_by_library(live: dict[str, Any], browser: Any, phone: bool) -> None:
    base, (one, two, _three) = live["base"], live["libraries"]
    page, problems = _page(browser, phone=phone)
    _login(page, base, "kabid")
    page.goto(f"{base}/dashboard")
    page.click(f"article.cycle[data-instance-id='{live['instance_id']}'] h3 a")
    page.wait_for_url(f"{base}/instances/{live['instance_id']}")
    late = page.locator(f"table.progress tr[data-library-id='{two}']")
    assert late.is_visible() and "terlambat" in late.inner_text().lower() and "Petugas2 Contoh" in late.inner_text()
    assert "TBM Pelangi" in late.inner_text()
    assert page.locator(f"table.progress tr[data-library-id='{one}'] a").inner_text() == "Perpustakaan SD Negeri 1 Weru"
    badge = page.locator("svg.senapas-diagram [data-element-id=Monev_Perpustakaan] text").last
    assert badge.text_content() == "1/3"
    assert page.locator("#data-teknis").count() == 0
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"21-instance-{'phone' if phone else 'desktop'}.png"), full_page=True)
    assert not problems, problems
