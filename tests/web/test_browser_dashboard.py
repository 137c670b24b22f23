"""The dashboard and a cycle's instance page in Debian's Chromium, as the head of division sees them.

One live server over a fresh SQLite file holding a monev cycle part-way (three libraries: one
reported, one visit held by petugas2 and overdue, one visit waiting). Screenshots, desktop and a
390 px phone, go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine.config import PROJECT_DIR, Settings
from tests.web.browser import fits, live_app, log_in, need_chromium, new_page, serve, snap, staff_database
from tests.web.cycle_data import monev_cycle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server thread over a database with people and one cycle part-way."""
    need_chromium()
    folder = tmp_path_factory.mktemp("live-dashboard")
    url, engine, factory = staff_database(folder)
    instance_id, library_ids = monev_cycle(factory)
    settings = Settings(database_url=url, secret_key="browser-test", processes_dir=PROJECT_DIR / "processes",
                        instance_dir=folder)
    with serve(live_app(settings, factory)) as base:
        yield {"base": base, "instance_id": instance_id, "libraries": library_ids}
    engine.dispose()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_kabid_sees_the_numbers_of_the_office_on_the_dashboard(live: dict[str, Any], browser: Any,
                                                               phone: bool) -> None:
    base, (one, two, three) = live["base"], live["libraries"]
    page, problems = new_page(browser, phone=phone)
    log_in(page, base, "kabid")
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
    assert fits(page)
    snap(page, f"20-dashboard-{'phone' if phone else 'desktop'}.png")
    csv = page.request.get(f"{base}/dashboard.csv")
    assert csv.ok and "Tugas,,,terlambat,1" in csv.text()
    assert not problems, problems  # no script errors, no Content-Security-Policy violations


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_kabid_reads_the_cycle_page_library_by_library(live: dict[str, Any], browser: Any, phone: bool) -> None:
    base, (one, two, _three) = live["base"], live["libraries"]
    page, problems = new_page(browser, phone=phone)
    log_in(page, base, "kabid")
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
    assert fits(page)
    snap(page, f"21-instance-{'phone' if phone else 'desktop'}.png")
    assert not problems, problems
