"""Exports of a cycle's monev results and of the instance list."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from types import SimpleNamespace

from openpyxl import load_workbook

from letters import exports
from tests.letters.samples import RESULTS


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheet programs read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_monev_results_csv_has_one_row_per_library_and_a_column_per_component() -> None:
    header, *rows = read_csv(exports.monev_results_csv(RESULTS))
    assert header[:8] == list(exports.MONEV_COLUMNS)
    assert header[8:14] == ["Koleksi", "Sarana dan Prasarana", "Pelayanan", "Tenaga Perpustakaan",
                            "Penyelenggaraan dan Pengelolaan", "Komponen Penguat"]
    assert header[-3:] == ["Nilai total", "Predikat", "Siap dibina"]
    assert rows[0][:8] == ["1", "Perpustakaan SD Negeri 1 Contoh", "3311052C0000007", "sekolah", "Desa Contoh",
                           "Bendosari", "2027-03-15", "budi"]
    assert rows[0][8] == "16.0" and rows[0][-3:] == ["79.5", "B", "ya"]
    assert rows[1][1] == "Perpustakaan Desa Contoh Makmur"
    assert rows[1][8:14] == ["9.71", "", "", "", "", ""]
    assert rows[1][-3:] == ["48.4", "Tidak Terakreditasi", "tidak"]


def test_monev_results_xlsx_holds_the_same_rows_with_numbers() -> None:
    book = load_workbook(io.BytesIO(exports.monev_results_xlsx(RESULTS, title="Monev 2027: Tahap I")))
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "Monev 2027 Tahap I"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:2] == ["No.", "Perpustakaan"]
    assert values[1][1] == "Perpustakaan SD Negeri 1 Contoh"
    assert values[1][6] == datetime(2027, 3, 15)
    assert values[1][-3:] == [79.5, "B", "ya"]
    assert values[2][-3:] == [48.4, "Tidak Terakreditasi", "tidak"]
    assert sheet.freeze_panes == "C2"


def test_text_that_looks_like_a_formula_is_neutralized() -> None:
    row = {**RESULTS[0], "library_name": "=HYPERLINK(\"http://x\")", "officer": "@budi"}
    _, first = read_csv(exports.monev_results_csv([row]))
    assert first[1] == "'=HYPERLINK(\"http://x\")" and first[7] == "'@budi"
    sheet = load_workbook(io.BytesIO(exports.monev_results_xlsx([row]))).active
    assert sheet is not None
    assert sheet["B2"].value == "'=HYPERLINK(\"http://x\")"
    assert sheet["B2"].data_type == "s"


def test_instances_csv_from_rows_and_mappings() -> None:
    started = datetime(2027, 3, 1, 2, 30, tzinfo=UTC)
    row = SimpleNamespace(id=3, definition_key="kitapun_senapas", title="Monev 2027 Tahap I", status="running",
                          started_by="kabid", started_at=started, updated_at=started, ended_at=None, open_tasks=4)
    mapping = {"id": 4, "definition_key": "pengaduan", "title": "ADU-1", "status": "completed",
               "started_by": "publik", "started_at": started, "updated_at": started, "ended_at": started,
               "open_tasks": 0}
    header, first, second = read_csv(exports.instances_csv([row, mapping]))
    assert header == ["ID", "Proses", "Judul", "Status", "Dimulai oleh", "Dimulai", "Diperbarui", "Selesai",
                      "Tugas terbuka"]
    assert first == ["3", "kitapun_senapas", "Monev 2027 Tahap I", "berjalan", "kabid", "2027-03-01 09:30",
                     "2027-03-01 09:30", "", "4"]
    assert second[3] == "selesai" and second[7] == "2027-03-01 09:30"


def test_empty_exports_have_a_header_only() -> None:
    assert read_csv(exports.monev_results_csv([])) == [list(exports.MONEV_COLUMNS) + list(exports.MONEV_TAIL)]
    assert len(read_csv(exports.instances_csv([]))) == 1


def test_the_team_column_lists_the_names_given_else_the_lead_and_members() -> None:
    named = {**RESULTS[0], "officer": "budi", "members": ["sari"], "team": ["Budi Santoso", "Sari Dewi"]}
    plain = {**RESULTS[0], "officer": "budi", "members": ["sari", "budi"]}
    _, first, second = read_csv(exports.monev_results_csv([named, plain]))
    assert (first[7], second[7]) == ("Budi Santoso; Sari Dewi", "budi; sari")
