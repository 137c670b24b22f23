"""Exports: a cycle's monev results as CSV and XLSX, the instance list as CSV, for those who may see them."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.web.sop_steps import STEPS, callers


def run_monev(api, instance_id: int) -> None:
    for username, name, library, data in STEPS[:11]:  # up to and including the third monev report
        queue = [t for scope in ("inbox", "queue")  # visits and monev are in their lead's inbox
                 for t in api(username).get(f"/tasks?scope={scope}&per_page=200").json["items"]]
        [task] = [t for t in queue if t["name"] == name and (library is None or t["item_key"] == str(library))]
        assert api(username).post(f"/tasks/{task['id']}/complete", json={"data": data}).status_code == 200


def test_monev_results_and_instance_list_exports(demo_app):
    api = callers(demo_app)
    instance_id = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    run_monev(api, instance_id)
    csv_file = api("kabid").get(f"/instances/{instance_id}/monev.csv")
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    assert "attachment" in csv_file.headers["Content-Disposition"]
    text = csv_file.data.decode("utf-8-sig")
    assert "Perpustakaan SD Negeri Contoh 1 Baki" in text and "100" in text and len(text.strip().splitlines()) == 4
    book = load_workbook(io.BytesIO(api("kabid").get(f"/instances/{instance_id}/monev.xlsx").data))
    sheet = book.active
    assert sheet is not None and sheet.max_row == 4
    listing = api("kabid").get("/instances.csv?definition=kitapun_senapas").data.decode("utf-8-sig")
    assert "Monev Perpustakaan 2027 Tahap I" in listing
    assert api("pustakawan").get(f"/instances/{instance_id}/monev.csv").status_code == 404
    assert "Monev Perpustakaan 2027 Tahap I" not in api("pustakawan").get("/instances.csv").data.decode("utf-8-sig")
