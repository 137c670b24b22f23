"""The supervisors' overview over HTTP: the API's contract shape, the page with its SVG charts, the CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from engine import oversight
from engine.models import TaskStatus
from tests.engine.task_rows import seed_tasks
from tests.web.helpers import Api, Web

HOUR = timedelta(hours=1)


def _office(factory: sessionmaker[Session]) -> int:
    """A cycle with two libraries (one visit overdue and held by petugas) and a week of finished work."""
    now = datetime.now(UTC)
    open_, done = TaskStatus.OPEN, TaskStatus.COMPLETED
    return seed_tasks(factory, [
        {"name": "Kunjungan_Monev", "item_key": "1", "item_label": "Perpustakaan SD Negeri 1 Baki",
         "status": open_, "assignee": "petugas", "due_at": now - 3 * HOUR},
        {"name": "Kunjungan_Monev", "item_key": "2", "item_label": "TBM Cahaya", "status": done,
         "completed_by": "petugas2", "completed_at": now - 30 * HOUR, "due_at": now - 20 * HOUR},
        {"name": "Monev", "item_key": "2", "item_label": "TBM Cahaya", "status": open_, "due_at": now + 400 * HOUR},
        {"name": "Konfirmasi_Penyebarluasan", "lane": "mitra", "status": done, "completed_by": "mitra",
         "completed_at": now - 50 * HOUR, "due_at": now - 60 * HOUR},
    ], key=oversight.CYCLE_KEY, title="Monev Perpustakaan 2027 Tahap I")


def test_api_answers_the_contract_shape_with_the_numbers_of_the_data(
        factory: sessionmaker[Session], api: Callable[[str], Api]) -> None:
    iid = _office(factory)
    body = api("kabid").get("/dashboard").json
    assert (body["tasks"]["open"], body["tasks"]["overdue"]) == (2, 1)
    assert isinstance(body["tasks"]["due_today"], int)  # which of them fall today depends on the hour (engine tests)
    assert body["sla"] == {"period_days": 30, "completed": 2, "within": 1, "rate": 0.5}
    workload = {w["username"]: w for w in body["workload"]}
    assert {k: workload["petugas"][k] for k in ("name", "open", "overdue", "completed_30d")} == {
        "name": "Petugas Demo", "open": 1, "overdue": 1, "completed_30d": 0}
    assert workload["petugas2"]["completed_30d"] == 1 and workload["mitra"]["completed_30d"] == 1
    [cycle] = body["cycles"]
    assert (cycle["instance_id"], cycle["title"]) == (iid, "Monev Perpustakaan 2027 Tahap I")
    assert [{k: lib[k] for k in ("library_id", "name", "stage", "overdue")} for lib in cycle["libraries"]] == [
        {"library_id": 1, "name": "Perpustakaan SD Negeri 1 Baki", "stage": "monev", "overdue": True},
        {"library_id": 2, "name": "TBM Cahaya", "stage": "monev", "overdue": False}]


def test_only_supervisors_get_the_overview(api: Callable[[str], Api], web: Callable[[str], Web]) -> None:
    assert api("petugas").get("/dashboard").status_code == 403
    assert api("mitra").get("/dashboard.csv").status_code == 403
    assert web("petugas").get("/dashboard").status_code == 403
    assert api("subkoor").get("/dashboard").status_code == 200


def test_page_shows_the_numbers_and_draws_its_charts_as_svg(factory: sessionmaker[Session],
                                                            web: Callable[[str], Web]) -> None:
    _office(factory)
    page = web("kabid").get("/dashboard")
    assert page.status_code == 200
    html = page.text
    assert '<dd id="n-open">2</dd>' in html and '<dd id="n-overdue">1</dd>' in html
    assert "1 dari 2 tugas bertenggat selesai tepat waktu (50.0%)" in html
    assert html.count('<svg class="chart') == 2 + html.count("<tr data-username=")  # two shares, a bar per person
    assert "<script" not in html.split("<main", 1)[1]
    assert 'data-library-id="1" class="is-overdue"' in html
    assert 'href="/dashboard"' in web("kabid").get("/tasks").text  # the header offers it to supervisors
    assert 'href="/dashboard"' not in web("petugas").get("/tasks").text


def test_csv_holds_the_same_numbers(factory: sessionmaker[Session], api: Callable[[str], Api]) -> None:
    _office(factory)
    response = api("kabid").get("/dashboard.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Bagian", "Nama", "Keterangan", "Ukuran", "Nilai"]
    assert ["Tugas", "", "", "terlambat", "1"] in rows
    assert ["Ketepatan waktu", "", "30 hari", "rasio", "0.5"] in rows
    assert ["Beban kerja", "Petugas Demo", "petugas", "terbuka", "1"] in rows
    assert ["Monev Perpustakaan 2027 Tahap I", "Perpustakaan SD Negeri 1 Baki", "1", "monev", "terlambat"] in rows


def test_csv_never_hands_a_spreadsheet_a_formula(factory: sessionmaker[Session], api: Callable[[str], Api]) -> None:
    seed_tasks(factory, [{"name": "Monev", "item_key": "9", "item_label": "=HYPERLINK(\"http://x\")",
                          "status": TaskStatus.OPEN}], key=oversight.CYCLE_KEY, title="+Siklus")
    rows = list(csv.reader(io.StringIO(api("kabid").get("/dashboard.csv").data.decode("utf-8-sig"))))
    mine = [row for row in rows if row[2] == "9"]
    assert mine and all(row[0] == "'+Siklus" and row[1] == "'=HYPERLINK(\"http://x\")" for row in mine)
