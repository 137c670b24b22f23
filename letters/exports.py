"""Spreadsheet exports: a cycle's monev results (CSV and XLSX) and the instance list (CSV).

Pure functions from rows to file bytes; the web layer chooses the rows and sends the file. CSV is
UTF-8 with a byte-order mark so spreadsheet programs read the Indonesian text correctly. Text
that a spreadsheet would take for a formula (=, +, -, @ at the start) is prefixed with an
apostrophe, so a library name typed into a form can never run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from engine.instances import STATUS_WORDS
from letters.formatting import WIB

CSV_ENCODING = "utf-8-sig"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEV_COLUMNS = ("No.", "Perpustakaan", "NPP", "Jenis", "Desa/Kelurahan", "Kecamatan", "Tanggal monev",
                 "Tim petugas")
MONEV_TAIL = ("Nilai total", "Predikat", "Siap dibina")
INSTANCE_COLUMNS = (("id", "ID"), ("definition_key", "Proses"), ("title", "Judul"), ("status", "Status"),
                    ("started_by", "Dimulai oleh"), ("started_at", "Dimulai"), ("updated_at", "Diperbarui"),
                    ("ended_at", "Selesai"), ("open_tasks", "Tugas terbuka"))


def safe_text(value: Any) -> Any:
    """A cell value with formula-looking text neutralized; numbers, dates and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def monev_table(results: Iterable[Mapping[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a cycle's monev results, one column per instrument component.

    Each result is a mapping like `engine.documents.cycle_results` rows: library facts
    (`library_name`, `npp`, `library_type`, `desa`, `kecamatan`), `date`, `officer`, `total`,
    `grade`, `ready` and `components` (`{"key", "title", "score"}` each); the team column lists
    `team` (the visit team's names, lead first) when given, else the lead `officer` and `members`.
    """
    items = [dict(r) for r in results]
    titles: dict[str, str] = {}
    for item in items:
        for component in item.get("components") or []:
            titles.setdefault(str(component.get("key") or component.get("title")),
                              str(component.get("title") or component.get("key")))
    header = [*MONEV_COLUMNS, *titles.values(), *MONEV_TAIL]
    rows = []
    for number, item in enumerate(items, start=1):
        scores = {str(c.get("key") or c.get("title")): c.get("score") for c in item.get("components") or []}
        ready = item.get("ready")
        rows.append([number, item.get("library_name") or item.get("name") or item.get("library"), item.get("npp"),
                     item.get("library_type"), item.get("desa"), item.get("kecamatan"), _date(item.get("date")),
                     _team(item), *(scores.get(key) for key in titles), item.get("total"),
                     item.get("grade"), None if ready is None else ("ya" if ready else "tidak")])
    return header, rows


def _team(item: Mapping[str, Any]) -> str | None:
    """The visit team of a result as one cell: names (or usernames) separated by `; `, the lead first."""
    team = item.get("team")
    if not isinstance(team, list):
        members = item.get("members")
        team = [item.get("officer"), *(members if isinstance(members, list) else [])]
    names = [str(name).strip() for name in team if isinstance(name, str) and name.strip()]
    return "; ".join(dict.fromkeys(names)) or None


def monev_results_csv(results: Iterable[Mapping[str, Any]]) -> bytes:
    """A cycle's monev results as CSV."""
    header, rows = monev_table(results)
    return _csv(header, rows)


def monev_results_xlsx(results: Iterable[Mapping[str, Any]], title: str = "Hasil monev") -> bytes:
    """A cycle's monev results as an Excel workbook: bold frozen header, scores as numbers."""
    header, rows = monev_table(results)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_title(title)
    sheet.append(header)
    for row in rows:
        sheet.append([safe_text(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    first_score = len(MONEV_COLUMNS) + 1
    for column in sheet.iter_cols(min_row=2, min_col=first_score, max_col=len(header) - 2):
        for cell in column:
            cell.number_format = "0.00"
    for index, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[index - 1] or "")) for r in rows])
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(max(width + 2, 6), 45)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def instances_csv(instances: Iterable[Any]) -> bytes:
    """The instance list as CSV; each item an Instance row or a mapping with the same names."""
    rows = []
    for instance in instances:
        values = [_field(instance, name) for name, _ in INSTANCE_COLUMNS]
        values[3] = STATUS_WORDS.get(values[3], values[3])
        rows.append([_datetime(v) for v in values])
    return _csv([label for _, label in INSTANCE_COLUMNS], rows)


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_text(v) for v in row] for row in rows)
    return buffer.getvalue().encode(CSV_ENCODING)


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _date(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _datetime(value: Any) -> Any:
    """Times as `YYYY-MM-DD HH:MM` in the agency's time zone (WIB)."""
    if isinstance(value, datetime):
        return (value.astimezone(WIB) if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    return value


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\").strip()
    return (cleaned or "Hasil monev")[:31]


DASHBOARD_HEADER = ["Bagian", "Nama", "Keterangan", "Ukuran", "Nilai"]
STAGE_WORDS = {"monev": "monev", "selection": "pemilihan", "coaching": "pembinaan", "accreditation": "akreditasi"}
CELL_WORDS = {"": "", "open": "berjalan", "overdue": "terlambat", "done": "selesai", "skipped": "tidak dipilih",
              "withdrawn": "ditarik"}


def dashboard_csv(found: Mapping[str, Any]) -> bytes:
    """The supervisors' overview (the API's JSON shape) as one long table: section, who, what, measure, value."""
    tasks, sla = found["tasks"], found["sla"]
    rows: list[list[Any]] = [
        ["Tugas", "", "", "terbuka", tasks["open"]], ["Tugas", "", "", "terlambat", tasks["overdue"]],
        ["Tugas", "", "", "jatuh tempo hari ini", tasks["due_today"]],
        ["Tugas", "", "", "belum diambil", tasks["unclaimed"]],
        ["Ketepatan waktu", "", f"{sla['period_days']} hari", "selesai", sla["completed"]],
        ["Ketepatan waktu", "", f"{sla['period_days']} hari", "tepat waktu", sla["within"]],
        ["Ketepatan waktu", "", f"{sla['period_days']} hari", "rasio", "" if sla["rate"] is None else sla["rate"]],
    ]
    for person in found["workload"]:
        for measure, key in (("terbuka", "open"), ("terlambat", "overdue"), ("selesai 30 hari", "completed_30d")):
            rows.append(["Beban kerja", person["name"], person["username"], measure, person[key]])
    for cycle in found["cycles"]:
        for library in cycle["libraries"]:
            where = f"{library['name']} ({library['kecamatan']})" if library["kecamatan"] else library["name"]
            for stage, state in library["stages"].items():
                rows.append([cycle["title"], where, library["library_id"], STAGE_WORDS.get(stage, stage),
                             CELL_WORDS.get(state, state)])
    return _csv(DASHBOARD_HEADER, rows)
