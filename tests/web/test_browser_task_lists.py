"""The task lists and the task page in a real browser (Debian's Chromium through Playwright), on a cycle of
the real SOP prepared as `senapas demo` prepares its database: a filtered queue on a phone, a surat tugas
reached from its visit task, the confirmation before cancelling, and the error summary of the monev form.

Screenshots go to test-artifacts/ (desktop 1280 px, phone 390 px).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import demo_database, fits, live_app, log_in, need_chromium, new_page, serve, snap
from tests.web.sop_steps import DEMO_PASSWORD, callers, day, letter

pytestmark = pytest.mark.browser
TITLE = "Monev Perpustakaan 2027 Tahap I"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server on the demo database with one cycle at its visits (libraries 1, 2 in Baki, 4 in Bendosari)."""
    need_chromium()
    with demo_database(tmp_path_factory.mktemp("live-lists")) as (settings, factory):
        app = live_app(settings, factory)
        api = callers(app)
        cycle = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "title": TITLE}).json["id"]
        for username, name, data in (
                ("subkoor", "Koordinasi_Monev", {"periode": TITLE, "notulen": "Rapat koordinasi.", "jadwal": [
                    {"library": lid, "visit_date": day(30 + lid), "officer": "petugas"} for lid in (1, 2, 4)]}),
                ("petugas", "Surat_Pemberitahuan_Monev", {"surat_monev": letter("Jadwal Monev")}),
                ("mitra", "Konfirmasi_Penyebarluasan", {"konfirmasi": {"status": "sudah_disebarluaskan",
                                                                       "tanggal_penyebaran": day(1)}})):
            task = next(t for t in api(username).get(f"/tasks?scope=queue&instance_id={cycle}").json["items"]
                        if t["name"] == name)
            assert api(username).post(f"/tasks/{task['id']}/complete", json={"data": data}).status_code == 200
        spare = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "title": "Siklus uji batal"})
        with serve(app) as base:
            yield {"base": base, "cycle": cycle, "spare": spare.json["id"], "api": api}


def _page(browser: Any, base: str, username: str, *, phone: bool = False) -> tuple[Any, list[str]]:
    """A page (downloads accepted) logged in as a demo person."""
    page, problems = new_page(browser, phone=phone, downloads=True)
    log_in(page, base, username, DEMO_PASSWORD)
    return page, problems


def test_petugas_filters_the_queue_on_a_phone(live: dict[str, Any], browser: Any) -> None:
    page, problems = _page(browser, live["base"], "petugas", phone=True)
    page.goto(f"{live['base']}/tasks?scope=inbox")  # the visits petugas is scheduled for
    rows = page.locator("li.task-row")
    assert page.locator(f"li.task-row:has(.cycle:text-is('{TITLE}'))").count() == 3 and fits(page)
    assert "kitapun_senapas" not in page.locator("ul.task-list").inner_text()
    snap(page, "20-queue-phone.png")
    page.click("details.filter-more summary")
    page.select_option("#filter-kecamatan", "Bendosari")
    page.select_option("#filter-sort", "-due_at")
    snap(page, "21-queue-filters-phone.png")
    page.click("details.filter-more button[type=submit]")
    page.wait_for_url(re.compile(r".*kecamatan=Bendosari.*"))
    assert rows.count() == 1 and "Contoh 2 Bendosari" in rows.first.locator(".task-title").inner_text()
    assert page.locator(".result-count").inner_text() == "1 tugas cocok" and fits(page)
    snap(page, "22-queue-filtered-phone.png")
    page.fill("#filter-q", "contoh 1 baki")
    page.click(".search-line button")
    page.wait_for_url(re.compile(r".*q=contoh.*"))
    assert page.locator(".empty").is_visible()  # the kecamatan filter still holds: Baki is not in Bendosari
    page.click("text=Hapus saringan")
    page.fill("#filter-q", "contoh 1 baki")
    page.click(".search-line button")
    assert rows.count() == 1 and "Contoh 1 Baki" in rows.first.inner_text()
    assert not problems, problems


def test_the_surat_tugas_is_reached_from_the_visit_task(live: dict[str, Any], browser: Any) -> None:
    page, problems = _page(browser, live["base"], "petugas", phone=True)
    page.goto(f"{live['base']}/tasks?scope=inbox&library_id=2")
    page.click("a.task-title")
    documents = page.locator("section.task-documents a")
    assert documents.count() == 1 and documents.first.inner_text().startswith("Surat Tugas")
    snap(page, "23-visit-documents-phone.png")
    with page.expect_download() as download:
        documents.first.click()
    pdf = download.value
    assert pdf.suggested_filename.startswith("surat-tugas") and pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    assert not problems, problems


def test_cancelling_asks_for_a_confirmation_first(live: dict[str, Any], browser: Any) -> None:
    page, problems = _page(browser, live["base"], "kabid")
    page.goto(f"{live['base']}/instances/{live['spare']}")
    page.fill("#reason", "Siklus dibuat ganda")
    page.click("button.danger:has-text('Batalkan')")
    assert page.locator("h1").inner_text() == "Batalkan proses ini?"
    assert "Siklus dibuat ganda" in page.locator(".confirm-cancel").inner_text()
    snap(page, "24-cancel-confirm.png")
    assert live["api"]("kabid").get(f"/instances/{live['spare']}").json["status"] == "running"
    page.click("text=Tidak, kembali")
    assert live["api"]("kabid").get(f"/instances/{live['spare']}").json["status"] == "running"
    page.fill("#reason", "Siklus dibuat ganda")
    page.click("button.danger:has-text('Batalkan')")
    page.click("button:has-text('Ya, batalkan proses')")
    page.wait_for_url(f"{live['base']}/instances/{live['spare']}")
    assert live["api"]("kabid").get(f"/instances/{live['spare']}").json["status"] == "cancelled"
    assert not problems, problems


def test_the_monev_form_focuses_its_error_summary_on_a_phone(live: dict[str, Any], browser: Any) -> None:
    api = live["api"]
    visit = next(t for t in api("petugas").get(f"/tasks?scope=inbox&instance_id={live['cycle']}&library_id=1")
                 .json["items"])
    api("petugas").post(f"/tasks/{visit['id']}/complete", json={"data": {"kunjungan_monev": {
        "tanggal": day(31), "narasumber": "Kepala perpustakaan"}}})
    page, problems = _page(browser, live["base"], "petugas", phone=True)
    page.goto(f"{live['base']}/tasks?scope=inbox&library_id=1")
    page.click("a.task-title:has-text('Monev dan laporan hasil')")
    page.click("button[value=complete]")
    from playwright.sync_api import expect

    summary = page.locator("#ringkasan-galat")
    expect(summary).to_be_focused()  # waits for the answer page, however slow the machine
    heading = summary.locator("h2").inner_text()
    links = summary.locator("a")
    assert heading == f"{links.count()} isian perlu diperbaiki" and links.count() > 1
    assert -1 <= summary.bounding_box()["y"] < 400  # its start is in view
    snap(page, "25-monev-errors-phone.png", full_page=False)
    target = links.first.get_attribute("href")
    links.first.click()
    assert page.evaluate("location.hash") == target
    snap(page, "26-monev-error-field-phone.png", full_page=False)
    assert [p for p in problems if "status of 422" not in p] == []


def test_desktop_lists_and_task_page(live: dict[str, Any], browser: Any) -> None:
    page, problems = _page(browser, live["base"], "kabid")
    page.goto(f"{live['base']}/tasks?scope=all")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text().startswith("Semua terbuka")
    assert TITLE in page.locator("li.task-row .cycle").all_inner_texts()
    snap(page, "27-all-open-desktop.png")
    page.goto(f"{live['base']}/tasks?scope=all&kecamatan=Baki&sort=due_at")
    snap(page, "28-all-filtered-desktop.png")
    page.click("a.task-title")
    snap(page, "29-task-desktop.png")
    page.goto(f"{live['base']}/instances")
    assert page.locator("#start-title").get_attribute("required") is not None
    snap(page, "30-start-with-title-desktop.png", full_page=False)
    assert not problems, problems
