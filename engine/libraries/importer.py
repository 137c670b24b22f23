"""Create or update libraries from a CSV file, every row or none."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import field_error
from engine.libraries.fields import FIELDS, LABELS, REQUIRED, clean
from engine.libraries.registry import Library, apply_values, with_defaults
from engine.people.users import Actor

MAX_IMPORT_ROWS = 20_000
# CSV headers in Indonesian (or with spaces) mapped to field names; other columns go into `profile`.
ALIASES: dict[str, str] = {
    "nama": "name", "nama_perpustakaan": "name", "jenis": "library_type", "jenis_perpustakaan": "library_type",
    "tipe": "library_type", "type": "library_type", "jenjang": "subtype", "sub_jenis": "subtype",
    "subjenis": "subtype", "lembaga_induk": "institution", "instansi_induk": "institution",
    "instansi_penaung": "supervisor", "penaung": "supervisor", "status_lembaga": "status",
    "status_negeri_swasta": "status", "alamat": "address", "desa_kelurahan": "desa", "kelurahan": "desa",
    "telepon": "phone", "telp": "phone", "whatsapp": "phone", "surel": "email", "kepala": "head_name",
    "kepala_perpustakaan": "head_name", "nama_kepala": "head_name", "nip_kepala": "head_nip",
    "otomasi": "automation", "status_akreditasi": "accreditation_status", "predikat": "accreditation_grade",
    "predikat_akreditasi": "accreditation_grade", "nilai_akreditasi": "accreditation_score",
    "tahun_akreditasi": "accreditation_year", "nomor_sertifikat": "accreditation_certificate",
    "sertifikat": "accreditation_certificate", "berlaku_sampai": "accreditation_valid_until",
    "aktif": "active",
}
IGNORED_COLUMNS = frozenset({"id", "no", "nomor", "created_at", "updated_at"})


@dataclass
class ImportReport:
    """What a CSV import did, or why it refused the file (then nothing was written).

    Warnings and errors are (line, entry) with `field_error` entries; the edge puts them in words.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def import_csv(session: Session, text_or_path: str | bytes | Path, actor: Actor) -> ImportReport:
    """Create or update libraries from a CSV file; refuse the whole file if any row is invalid.

    The header names fields (English names or Indonesian aliases, see ALIASES); other columns go
    into `profile` (a dotted name such as `koleksi.judul` nests). Blank cells leave stored values
    unchanged. A row matches a stored library on its NPP, else on name + kecamatan, so importing
    the same file again updates instead of duplicating. A `str` naming a .csv file is read as a
    path, any other `str` as CSV text, `bytes` as the file's content.
    """
    if isinstance(text_or_path, str) and "\n" not in text_or_path and text_or_path.lower().endswith(".csv"):
        text_or_path = Path(text_or_path)
    report = ImportReport()
    rows = list(_read_rows(text_or_path, report))
    if report.errors:
        return report
    known = list(session.scalars(select(Library)))
    by_npp = {lib.npp: lib for lib in known if lib.npp}
    by_name: dict[tuple[str, str], list[Library]] = {}
    for lib in known:
        by_name.setdefault(_name_key(lib.name, lib.kecamatan), []).append(lib)
    plans: list[tuple[Library | None, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    claimed: dict[int, int] = {}
    for line, raw in rows:
        values, warnings, errors = clean(raw, creating=True)
        report.warnings.extend((line, entry) for entry in warnings)
        report.errors.extend((line, entry) for entry in errors)
        if errors:
            continue
        npp = values.get("npp")
        key = npp or "\0".join(_name_key(values["name"], values["kecamatan"]))
        if key in seen:
            report.errors.append((line, field_error("npp", "import_same_npp", line=seen[key], npp=npp) if npp else
                                  field_error("name", "import_same_name", line=seen[key])))
            continue
        seen[key] = line
        target = by_npp.get(npp) if npp else None
        if target is None:
            # A row with an NPP may complete a stored library that has none; one without may match either.
            same = by_name.get(_name_key(values["name"], values["kecamatan"]), [])
            candidates = [lib for lib in same if not lib.npp] or ([] if npp else same)
            if len(candidates) > 1:
                report.errors.append((line, field_error("name", "import_ambiguous_name", count=len(candidates),
                                                        name=values["name"], kecamatan=values["kecamatan"])))
                continue
            target = candidates[0] if candidates else None
        if target is not None and target.id in claimed:
            report.errors.append((line, field_error("", "import_rows_match_one", line=claimed[target.id],
                                                    library=target.name, kecamatan=target.kecamatan)))
            continue
        if target is not None:
            claimed[target.id] = line
        plans.append((target, values))
    if report.errors:
        return report
    for target, values in plans:
        if target is None:
            session.add(Library(**with_defaults(values, None)))
            report.created += 1
        elif apply_values(target, with_defaults(values, target)):
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    audit.record(session, actor.username, "library_import", data={
        "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
        "warnings": len(report.warnings), "source": text_or_path.name if isinstance(text_or_path, Path) else ""})
    return report


def _read_rows(text_or_path: str | bytes | Path, report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (first line number, {field: value}) per non-blank row; file problems go to report.errors."""
    raw = text_or_path.read_bytes() if isinstance(text_or_path, Path) else text_or_path
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    except UnicodeDecodeError:
        report.errors.append((1, field_error("", "import_not_utf8")))
        return
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        report.errors.append((1, field_error("", "import_empty")))
        return
    columns = [_column(cell) for cell in header]
    missing = [LABELS[name] for name in REQUIRED if name not in columns]
    if missing:
        report.errors.append((1, field_error("", "import_columns_missing", columns=missing)))
        return
    previous = reader.line_num
    count = 0
    for cells in reader:
        line, previous = previous + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_IMPORT_ROWS:
            report.errors.append((line, field_error("", "import_too_many_rows", limit=MAX_IMPORT_ROWS)))
            return
        if len(cells) > len(columns):
            report.errors.append((line, field_error("", "import_too_many_cells", cells=len(cells),
                                                    columns=len(columns))))
            continue
        row: dict[str, Any] = {}
        profile: dict[str, Any] = {}
        for column, cell in zip(columns, cells, strict=False):
            value = cell.strip()
            if not value or column in IGNORED_COLUMNS:
                continue
            if column in FIELDS and column != "profile":
                row[column] = value
            else:
                _nest(profile, column.removeprefix("profile."), _scalar(value))
        if profile:
            row["profile"] = profile
        yield line, row


def _column(header: str) -> str:
    name = re.sub(r"[\s\-/]+", "_", header.strip().lower())
    return ALIASES.get(name, name)


def _nest(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        child = target.get(part)
        target = target.setdefault(part, {}) if isinstance(child, dict) or child is None else {}
    target[leaf] = value


def _scalar(value: str) -> Any:
    if re.fullmatch(r"-?[0-9]{1,15}", value):
        return int(value)
    if re.fullmatch(r"-?[0-9]{1,15}\.[0-9]+", value):
        return float(value)
    return value


def _name_key(name: str, kecamatan: str) -> tuple[str, str]:
    return " ".join(name.lower().split()), kecamatan.lower()
