"""Exports: a cycle's monev results as CSV and XLSX, the instance list as CSV, for those who may see them."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.web.sop_steps import STEPS, callers, complete


def run_monev(api, instance_id: int, steps=STEPS) -> None:
    for username, name, library, data in steps[:11]:  # up to and including the third monev report
        complete(api, username, instance_id, name, library, data)  # visits and monev are in their lead's inbox


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


def test_the_monev_recap_names_each_visit_team_by_full_name_lead_first(demo_app):
    api = callers(demo_app)
    user, name, library, data = STEPS[0]
    schedule = [{**row, "officer": "subkoor", "members": ["petugas"]} if row["library"] == 1 else row
                for row in data["jadwal"]]
    instance_id = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}}).json["id"]
    run_monev(api, instance_id, [(user, name, library, {**data, "jadwal": schedule}), *STEPS[1:]])
    header, *rows = list(csv.reader(io.StringIO(
        api("kabid").get(f"/instances/{instance_id}/monev.csv").data.decode("utf-8-sig"))))
    team = header.index("Tim petugas")
    assert [(row[1], row[team]) for row in rows] == [
        ("Perpustakaan SD Negeri Contoh 1 Baki", "Bambang Sutrisno, S.IP. (demo); Dwi Handayani, A.Md. (demo)"),
        (rows[1][1], "Dwi Handayani, A.Md. (demo)"), (rows[2][1], "Dwi Handayani, A.Md. (demo)")]
    sheet = load_workbook(io.BytesIO(api("kabid").get(f"/instances/{instance_id}/monev.xlsx").data)).active
    assert sheet is not None
    assert sheet.cell(row=2, column=team + 1).value == "Bambang Sutrisno, S.IP. (demo); Dwi Handayani, A.Md. (demo)"
