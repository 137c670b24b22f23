"""The library registry: profiles, CSV import, form references, and monev/accreditation results per cycle.

A library is identified by its NPP when it has one, else by its name within its kecamatan. Identity
and search fields are columns; the rest of the profile (collection, users, staff, facilities,
budget…) is a JSON `profile`. Results of monev and accreditation are kept per library across
cycles, recorded when a BPMN step carrying the `libraryResult` property completes.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ForeignKey, Index, String, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import audit, settings
from engine.db import Base, intpk, utcnow
from engine.errors import BadRequest, Conflict, NotFound, ValidationFailed
from engine.execution import WIB, StepDone
from engine.models import Instance
from engine.paging import Page, clamp, like_pattern, paginate
from engine.users import Actor

KECAMATAN: tuple[str, ...] = ("Baki", "Bendosari", "Bulu", "Gatak", "Grogol", "Kartasura", "Mojolaban",
                              "Nguter", "Polokarto", "Sukoharjo", "Tawangsari", "Weru")
LIBRARY_TYPES: dict[str, str] = {
    "sekolah": "Perpustakaan Sekolah/Madrasah",
    "desa": "Perpustakaan Desa",
    "kelurahan": "Perpustakaan Kelurahan",
    "kecamatan": "Perpustakaan Kecamatan",
    "khusus": "Perpustakaan Khusus",
    "tbm": "Taman Bacaan Masyarakat",
    "umum": "Perpustakaan Umum",
    "perguruan_tinggi": "Perpustakaan Perguruan Tinggi",
}
SCHOOL_LEVELS: tuple[str, ...] = ("SD", "MI", "SMP", "MTs", "SMA", "SMK", "MA", "SLB")
MADRASAH_LEVELS = frozenset({"MI", "MTs", "MA"})
# Instansi penaung: who receives the SOP's notification letters (the letter forms' `penerima` keys).
SUPERVISORS: dict[str, str] = {
    "dindikbud": "Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo",
    "kemenag": "Kantor Kementerian Agama Kabupaten Sukoharjo",
    "lainnya": "Instansi lain",
}
# Lembaga induk used when none is given, per type ("{desa}"/"{kecamatan}" filled from the profile).
DEFAULT_INSTITUTIONS: dict[str, str] = {
    "desa": "Pemerintah Desa {desa}", "kelurahan": "Pemerintah Kelurahan {desa}",
    "kecamatan": "Kecamatan {kecamatan}", "tbm": "Masyarakat", "umum": "Pemerintah Kabupaten Sukoharjo",
}
STATUSES = ("negeri", "swasta")
AUTOMATION: dict[str, str] = {"none": "Belum ada", "slims": "SLiMS", "inlislite": "INLISLite", "lainnya": "Lainnya"}
ACCREDITATION_STATUSES: dict[str, str] = {"belum": "Belum diakreditasi", "terakreditasi": "Terakreditasi",
                                          "tidak_terakreditasi": "Tidak terakreditasi"}
RESULT_KINDS = ("monev", "accreditation")
SOURCE_KEYWORD = "x-senapas-source"
DEFAULT_RESULT_VARIABLE: dict[str, str | None] = {"monev": "hasil", "accreditation": None}
MAX_IMPORT_ROWS = 20_000
NPP_FORMAT = re.compile(r"[0-9]{7}[A-Z][0-9]{7}")

TEXT_FIELDS: dict[str, int] = {"name": 200, "institution": 200, "address": 300, "desa": 100, "phone": 64,
                               "email": 200, "head_name": 200, "accreditation_certificate": 100}
FIELDS = (*TEXT_FIELDS, "npp", "npsn", "library_type", "subtype", "supervisor", "status", "kecamatan",
          "head_nip", "automation", "accreditation_status", "accreditation_grade", "accreditation_score",
          "accreditation_year", "accreditation_valid_until", "active", "profile")
REQUIRED = ("name", "kecamatan", "library_type")
LABELS: dict[str, str] = {"name": "nama", "npp": "NPP", "npsn": "NPSN", "library_type": "jenis perpustakaan",
                          "subtype": "jenjang/sub-jenis", "kecamatan": "kecamatan", "status": "status",
                          "supervisor": "instansi penaung", "accreditation_score": "nilai akreditasi",
                          "accreditation_year": "tahun akreditasi", "accreditation_grade": "predikat akreditasi",
                          "accreditation_valid_until": "berlaku sampai", "active": "aktif", "email": "email",
                          "head_nip": "NIP kepala", "automation": "otomasi"}
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


class Library(Base):
    """One library in the registry."""

    __tablename__ = "libraries"
    __table_args__ = (Index("ix_libraries_kecamatan_name", "kecamatan", "name"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200))
    npp: Mapped[str | None] = mapped_column(String(32), unique=True)
    npsn: Mapped[str | None] = mapped_column(String(16), index=True)
    library_type: Mapped[str] = mapped_column(String(32), index=True)
    subtype: Mapped[str] = mapped_column(String(32), default="")
    institution: Mapped[str] = mapped_column(String(200), default="")
    supervisor: Mapped[str] = mapped_column(String(32), default="lainnya")
    status: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    desa: Mapped[str] = mapped_column(String(100), default="")
    kecamatan: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    head_name: Mapped[str] = mapped_column(String(200), default="")
    head_nip: Mapped[str] = mapped_column(String(32), default="")
    automation: Mapped[str] = mapped_column(String(32), default="")
    accreditation_status: Mapped[str] = mapped_column(String(32), default="belum")
    accreditation_grade: Mapped[str] = mapped_column(String(40), default="")
    accreditation_score: Mapped[float | None]
    accreditation_year: Mapped[int | None]
    accreditation_certificate: Mapped[str] = mapped_column(String(100), default="")
    accreditation_valid_until: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LibraryResult(Base):
    """One monev or accreditation result of a library in one cycle (the instance, titled by its period)."""

    __tablename__ = "library_results"
    __table_args__ = (Index("ix_library_results_history", "library_id", "recorded_at"),)

    id: Mapped[intpk]
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="SET NULL"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    task_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(300), default="")
    score: Mapped[float]
    grade: Mapped[str] = mapped_column(String(40), default="")
    components: Mapped[list[Any]] = mapped_column(default=list)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(64))


@dataclass
class ImportReport:
    """What a CSV import did, or why it refused the file (then nothing was written)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


# ---- profiles ---------------------------------------------------------------------------------


def check_npp(npp: str | None) -> str | None:
    """A warning when a non-empty NPP does not look like 7 digits, a letter, 7 digits; None if fine."""
    value = re.sub(r"\s+", "", npp or "").upper()
    if not value or NPP_FORMAT.fullmatch(value):
        return None
    return (f"NPP '{(npp or '').strip()}' tidak sesuai format 15 karakter (7 angka, 1 huruf, 7 angka, "
            f"mis. 6372052C0000001); tetap disimpan")


def default_institution(library_type: str, subtype: str = "", desa: str = "", kecamatan: str = "") -> str:
    """The lembaga induk of a library whose profile names none (schools: their education authority)."""
    if library_type == "sekolah":
        return SUPERVISORS["kemenag" if subtype in MADRASAH_LEVELS else "dindikbud"] if subtype else ""
    template = DEFAULT_INSTITUTIONS.get(library_type, "")
    return " ".join(template.format(desa=desa, kecamatan=kecamatan).split())


def default_supervisor(library_type: str, subtype: str = "") -> str:
    """The instansi penaung that receives the notification letters for a library of this kind."""
    if library_type != "sekolah":
        return "lainnya"
    return "kemenag" if subtype in MADRASAH_LEVELS else "dindikbud"


def summary(library: Library) -> dict[str, Any]:
    """The registry facts copied into task data wherever a form references a library."""
    return {"library": library.id, "library_name": library.name, "npp": library.npp or "",
            "library_type": library.library_type, "subtype": library.subtype, "institution": library.institution,
            "supervisor": library.supervisor, "address": library.address, "desa": library.desa,
            "kecamatan": library.kecamatan}


def get(session: Session, library_id: Any) -> Library:
    """A library by id."""
    try:
        key = int(library_id)
    except (TypeError, ValueError):
        key = 0
    library = session.get(Library, key) if key > 0 else None
    if library is None:
        raise NotFound("perpustakaan tidak ditemukan")
    return library


def create_library(session: Session, *, actor: Actor | None = None, **fields: Any) -> tuple[Library, list[str]]:
    """Add a library; invalid fields raise ValidationFailed, doubtful ones (e.g. the NPP) come back as warnings."""
    values, warnings = _checked(fields, creating=True)
    _check_npp_free(session, values.get("npp"), None)
    library = Library(**_with_defaults(values, None))
    session.add(library)
    session.flush()
    if actor is not None:
        audit.record(session, actor.username, "library_create", data={"library": library.id, "name": library.name})
    return library, warnings


def update_library(session: Session, library_id: int, *, actor: Actor | None = None,
                   **fields: Any) -> tuple[Library, list[str]]:
    """Change the given fields of a library (an empty text clears it); `profile` keys are merged."""
    library = get(session, library_id)
    values, warnings = _checked(fields, creating=False)
    _check_npp_free(session, values.get("npp"), library.id)
    changed = _apply(library, _with_defaults(values, library))
    if changed and actor is not None:
        audit.record(session, actor.username, "library_update", data={"library": library.id, "fields": changed})
    return library, warnings


def list_libraries(session: Session, q: str | None = None, kecamatan: str | None = None,
                   library_type: str | None = None, page: Any = 1, per_page: Any = 50, *,
                   active: bool | None = None) -> Page[Library]:
    """Libraries by kecamatan and name, searched on name, NPP, NPSN, desa and kecamatan."""
    page_n, per_page_n = clamp(page, per_page)
    query = select(Library).order_by(Library.kecamatan, Library.name, Library.id)
    if kecamatan:
        found = _kecamatan(kecamatan)
        if found is None:
            raise BadRequest(f"kecamatan tidak dikenal: {kecamatan}")
        query = query.where(Library.kecamatan == found)
    if library_type:
        kind = _library_type(library_type)
        if kind is None:
            raise BadRequest(f"jenis perpustakaan tidak dikenal: {library_type}")
        query = query.where(Library.library_type == kind)
    if active is not None:
        query = query.where(Library.active.is_(active))
    like = like_pattern(q)
    if like:
        query = query.where(or_(*(column.ilike(like, escape="\\") for column in (
            Library.name, Library.npp, Library.npsn, Library.desa, Library.kecamatan))))
    return paginate(session, query, page_n, per_page_n)


# ---- field checks -----------------------------------------------------------------------------


def _checked(fields: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], list[str]]:
    values, warnings, errors = _clean(fields, creating=creating)
    if errors:
        raise ValidationFailed("data perpustakaan tidak valid", [{"path": f, "message": m} for f, m in errors])
    return values, [message for _, message in warnings]


def _clean(fields: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], list[tuple[str, str]],
                                                                   list[tuple[str, str]]]:
    """Normalize profile fields; return (values, warnings, errors), the latter two as (field, message)."""
    values: dict[str, Any] = {}
    warnings: list[tuple[str, str]] = []
    errors: list[tuple[str, str]] = []
    for name in sorted(set(fields) - set(FIELDS)):
        errors.append((name, f"isian tidak dikenal: {name}"))
    for name in REQUIRED:
        if (creating or name in fields) and not _text(fields.get(name)):
            errors.append((name, f"{LABELS[name]} wajib diisi"))
    for name, limit in TEXT_FIELDS.items():
        if name in fields:
            values[name] = " ".join(_text(fields[name]).split())
            if len(values[name]) > limit:
                errors.append((name, f"{LABELS.get(name, name)} maksimal {limit} karakter"))
    if values.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        warnings.append(("email", f"email '{values['email']}' tampaknya tidak valid"))
    if "npp" in fields:
        values["npp"] = re.sub(r"\s+", "", _text(fields["npp"])).upper() or None
        if (warning := check_npp(values["npp"])) is not None:
            warnings.append(("npp", warning))
    if "npsn" in fields:
        values["npsn"] = re.sub(r"\s+", "", _text(fields["npsn"])) or None
        if values["npsn"] and not re.fullmatch(r"[0-9A-Z]{8}", values["npsn"]):
            warnings.append(("npsn", f"NPSN '{values['npsn']}' biasanya 8 karakter"))
    if _text(fields.get("kecamatan")):
        values["kecamatan"] = _kecamatan(_text(fields["kecamatan"]))
        if values["kecamatan"] is None:
            errors.append(("kecamatan", f"kecamatan '{_text(fields['kecamatan'])}' tidak dikenal; pilih salah "
                                        f"satu dari 12 kecamatan Kabupaten Sukoharjo: {', '.join(KECAMATAN)}"))
    if _text(fields.get("library_type")):
        values["library_type"] = _library_type(_text(fields["library_type"]))
        if values["library_type"] is None:
            errors.append(("library_type", f"jenis perpustakaan '{_text(fields['library_type'])}' tidak dikenal; "
                                           f"pilihan: {', '.join(LIBRARY_TYPES)}"))
    if "subtype" in fields:
        given = _text(fields["subtype"])
        values["subtype"] = next((level for level in SCHOOL_LEVELS if level.lower() == given.lower()), given)
        if values.get("library_type") == "sekolah" and values["subtype"] not in SCHOOL_LEVELS:
            warnings.append(("subtype", f"jenjang sekolah '{given}' tidak dikenal ({', '.join(SCHOOL_LEVELS)})"))
    _choice(fields, values, errors, "supervisor", SUPERVISORS)
    _choice(fields, values, warnings, "status", dict.fromkeys(STATUSES))
    _choice(fields, values, warnings, "automation", {**AUTOMATION, "tidak": 1, "belum": 1, "tidak ada": 1,
                                                      "inlis lite": 1, "inlis": 1})
    if values.get("automation") in ("tidak", "belum", "tidak ada"):
        values["automation"] = "none"
    elif values.get("automation") in ("inlis lite", "inlis"):
        values["automation"] = "inlislite"
    _choice(fields, values, errors, "accreditation_status", ACCREDITATION_STATUSES)
    if "head_nip" in fields:
        values["head_nip"] = re.sub(r"\s+", "", _text(fields["head_nip"]))
        if values["head_nip"] and not re.fullmatch(r"[0-9]{18}", values["head_nip"]):
            warnings.append(("head_nip", "NIP kepala biasanya 18 angka"))
    if "accreditation_grade" in fields:
        grade = _text(fields["accreditation_grade"])
        values["accreditation_grade"] = grade.upper() if len(grade) == 1 else grade
    _number(fields, values, errors, "accreditation_score", float, 0, 100)
    _number(fields, values, errors, "accreditation_year", int, 1900, 2100)
    if "accreditation_valid_until" in fields:
        values["accreditation_valid_until"] = _date(fields["accreditation_valid_until"])
        if values["accreditation_valid_until"] is False:
            errors.append(("accreditation_valid_until", "berlaku sampai harus tanggal YYYY-MM-DD atau DD-MM-YYYY"))
    if "active" in fields:
        active = _boolean(fields["active"])
        if active is None:
            errors.append(("active", "aktif harus ya atau tidak"))
        values["active"] = active
    if "profile" in fields:
        if not isinstance(fields["profile"], dict):
            errors.append(("profile", "profil harus berupa objek"))
        values["profile"] = fields["profile"]
    return values, warnings, errors


def _choice(fields: Mapping[str, Any], values: dict[str, Any], problems: list[tuple[str, str]], name: str,
            options: Mapping[str, Any]) -> None:
    if name not in fields:
        return
    given = _text(fields[name])
    values[name] = given.lower()
    if given and given.lower() not in options:
        problems.append((name, f"{LABELS.get(name, name)} '{given}' tidak dikenal ({', '.join(options)})"))
        values[name] = ""


def _number(fields: Mapping[str, Any], values: dict[str, Any], errors: list[tuple[str, str]], name: str,
            kind: type[int] | type[float], low: float, high: float) -> None:
    if name not in fields:
        return
    raw = fields[name]
    if raw is None or _text(raw) == "":
        values[name] = None
        return
    try:
        number = kind(_text(raw).replace(",", ".")) if not isinstance(raw, int | float) else kind(raw)
    except ValueError:
        number = None
    if number is None or isinstance(raw, bool) or not low <= number <= high:
        errors.append((name, f"{LABELS[name]} harus angka antara {low:g} dan {high:g}"))
    values[name] = number


def _with_defaults(values: dict[str, Any], library: Library | None) -> dict[str, Any]:
    """Fill the derived fields (instansi penaung, lembaga induk, accreditation status) from the others."""
    current = {name: getattr(library, name) for name in ("library_type", "subtype", "desa", "kecamatan",
                                                         "institution")} if library else {}
    merged = {**current, **values}
    kind, subtype = merged.get("library_type") or "", merged.get("subtype") or ""
    # A supervisor set by hand survives re-imports; it is derived again only when the kind changes.
    kind_changed = library is None or (kind, subtype) != (library.library_type, library.subtype)
    if not values.get("supervisor") and kind_changed:
        values["supervisor"] = default_supervisor(kind, subtype)
    if not merged.get("institution"):
        values["institution"] = default_institution(kind, subtype, merged.get("desa") or "",
                                                    merged.get("kecamatan") or "")
    if values.get("accreditation_grade") and not values.get("accreditation_status"):
        accredited = values["accreditation_grade"] in {"A", "B", "C"}
        values["accreditation_status"] = "terakreditasi" if accredited else "tidak_terakreditasi"
    return values


def _apply(library: Library, values: dict[str, Any]) -> list[str]:
    """Set the values that differ on the library; return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if name == "profile":
            value = _merge(library.profile or {}, value)
        if getattr(library, name) != value:
            setattr(library, name, value)
            changed.append(name)
    if changed:
        library.updated_at = utcnow()
    return changed


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of `base` with `changes` merged in, nested objects key by key."""
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _check_npp_free(session: Session, npp: str | None, library_id: int | None) -> None:
    if not npp:
        return
    other = session.scalar(select(Library).where(Library.npp == npp, Library.id != (library_id or 0)))
    if other is not None:
        raise Conflict(f"NPP {npp} sudah dipakai oleh {other.name} ({other.kecamatan})")


def _kecamatan(value: str) -> str | None:
    key = re.sub(r"^(kec\.?|kecamatan)\s+", "", value.strip().lower())
    return next((k for k in KECAMATAN if k.lower() == key), None)


def _library_type(value: str) -> str | None:
    key = value.strip().lower()
    if key in ("madrasah", "sekolah/madrasah"):
        return "sekolah"
    return next((k for k, label in LIBRARY_TYPES.items() if key in (k, label.lower(), k.replace("_", " "))), None)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> date | None | bool:
    """A date from ISO or Indonesian day-first text; None for empty, False for unreadable."""
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return False


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    return {"ya": True, "y": True, "1": True, "true": True, "aktif": True,
            "tidak": False, "t": False, "0": False, "false": False, "nonaktif": False}.get(text)


# ---- CSV import -------------------------------------------------------------------------------


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
        values, warnings, errors = _clean(raw, creating=True)
        report.warnings.extend((line, message) for _, message in warnings)
        report.errors.extend((line, message) for _, message in errors)
        if errors:
            continue
        npp = values.get("npp")
        key = npp or "\0".join(_name_key(values["name"], values["kecamatan"]))
        if key in seen:
            report.errors.append((line, f"perpustakaan yang sama sudah ada di baris {seen[key]}"
                                        f" ({'NPP ' + npp if npp else 'nama dan kecamatan sama'})"))
            continue
        seen[key] = line
        target = by_npp.get(npp) if npp else None
        if target is None:
            # A row with an NPP may complete a stored library that has none; one without may match either.
            same = by_name.get(_name_key(values["name"], values["kecamatan"]), [])
            candidates = [lib for lib in same if not lib.npp] or ([] if npp else same)
            if len(candidates) > 1:
                report.errors.append((line, f"ada {len(candidates)} perpustakaan bernama {values['name']} di "
                                            f"kecamatan {values['kecamatan']}; isi NPP untuk membedakan"))
                continue
            target = candidates[0] if candidates else None
        if target is not None and target.id in claimed:
            report.errors.append((line, f"baris ini dan baris {claimed[target.id]} sama-sama cocok dengan "
                                        f"{target.name} ({target.kecamatan})"))
            continue
        if target is not None:
            claimed[target.id] = line
        plans.append((target, values))
    if report.errors:
        return report
    for target, values in plans:
        if target is None:
            session.add(Library(**_with_defaults(values, None)))
            report.created += 1
        elif _apply(target, _with_defaults(values, target)):
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
        report.errors.append((1, "berkas harus berkode UTF-8 (simpan sebagai \"CSV UTF-8\" dari spreadsheet)"))
        return
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        report.errors.append((1, "berkas kosong: baris pertama harus berisi nama kolom"))
        return
    columns = [_column(cell) for cell in header]
    missing = [LABELS[name] for name in REQUIRED if name not in columns]
    if missing:
        report.errors.append((1, f"kolom wajib tidak ada: {', '.join(missing)}"))
        return
    previous = reader.line_num
    count = 0
    for cells in reader:
        line, previous = previous + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_IMPORT_ROWS:
            report.errors.append((line, f"berkas melebihi {MAX_IMPORT_ROWS} baris"))
            return
        if len(cells) > len(columns):
            report.errors.append((line, f"ada {len(cells)} sel, padahal kepala tabel hanya {len(columns)} kolom "
                                        f"(periksa tanda kutip dan pemisah)"))
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


# ---- forms referencing the registry -----------------------------------------------------------


def resolve_sources(session: Session, schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """Check library references in submitted data and copy the registry's facts beside them.

    A property whose schema has `"x-senapas-source": "library"` holds a library id; the object
    holding it gains the keys of `summary` (the registry is the source of truth, so they
    overwrite what was sent). An array whose `items` carry the marker keeps its ids and gains a
    sibling `<name>_profiles` list. Unknown ids raise ValidationFailed with each id's path.
    """
    if not schema or not _has_marker(schema):
        return data
    result = copy.deepcopy(data)
    refs: list[tuple[dict[str, Any], str, str, bool]] = []
    _collect(schema, result, "", refs)
    ids = {value for container, name, _, _ in refs for value in _ids(container[name])}
    found = {lib.id: lib for lib in session.scalars(select(Library).where(Library.id.in_(ids)))} if ids else {}
    details = []
    for container, name, path, many in refs:
        values = container[name] if many else [container[name]]
        for index, value in enumerate(values):
            if not (isinstance(value, int) and not isinstance(value, bool) and value in found):
                details.append({"path": f"{path}.{index}" if many else path, "message": "perpustakaan tidak dikenal"})
    if details:
        raise ValidationFailed("data formulir tidak valid", details)
    for container, name, _, many in refs:
        if many:
            container[f"{name}_profiles"] = [summary(found[value]) for value in container[name]]
        else:
            container.update({k: v for k, v in summary(found[container[name]]).items() if k != "library"})
    return result


def _has_marker(node: Any) -> bool:
    if isinstance(node, dict):
        return node.get(SOURCE_KEYWORD) == "library" or any(_has_marker(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_marker(v) for v in node)
    return False


def _collect(schema: Any, data: Any, path: str, refs: list[tuple[dict[str, Any], str, str, bool]]) -> None:
    """Walk schema and data together (object properties, array items), noting each marked property."""
    if not isinstance(schema, dict):
        return
    if isinstance(data, dict) and isinstance(schema.get("properties"), dict):
        for name, sub in schema["properties"].items():
            if name not in data or data[name] is None or not isinstance(sub, dict):
                continue
            where = f"{path}.{name}" if path else name
            items = sub.get("items")
            if sub.get(SOURCE_KEYWORD) == "library":
                refs.append((data, name, where, False))
            elif isinstance(items, dict) and items.get(SOURCE_KEYWORD) == "library" and isinstance(data[name], list):
                refs.append((data, name, where, True))
            else:
                _collect(sub, data[name], where, refs)
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(data):
            _collect(schema["items"], item, f"{path}.{index}", refs)


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


# ---- results ----------------------------------------------------------------------------------


def grade_for(session: Session, score: float) -> str:
    """The grade of a score under the `grade_bands` setting (below every band: not accredited)."""
    for name, minimum in sorted(settings.get(session, "grade_bands"), key=lambda band: -float(band[1])):
        if score >= float(minimum):
            return str(name)
    return str(settings.get(session, "not_accredited_label"))


def record_result(session: Session, library_id: int, kind: str, score: float, recorded_by: str, *,
                  grade: str | None = None, period: str = "", components: list[Any] | None = None,
                  details: dict[str, Any] | None = None, instance_id: int | None = None,
                  task_id: str | None = None, task_name: str | None = None) -> LibraryResult:
    """Add a monev or accreditation result to a library's history; accreditation updates its profile."""
    library = get(session, library_id)
    if kind not in RESULT_KINDS:
        raise BadRequest(f"jenis hasil tidak dikenal: {kind} (pilihan: {', '.join(RESULT_KINDS)})")
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
        raise BadRequest(f"nilai hasil {kind} harus angka 0–100, bukan {score!r}")
    details = dict(details or {})
    result = LibraryResult(library_id=library.id, instance_id=instance_id, task_id=task_id, task_name=task_name,
                           kind=kind, period=period[:300], score=float(score),
                           grade=grade or grade_for(session, float(score)), components=list(components or []),
                           details=details, recorded_by=recorded_by)
    session.add(result)
    if kind == "accreditation":
        accredited = result.grade != settings.get(session, "not_accredited_label")
        when = _date(details.get("date"))
        _apply(library, {
            "accreditation_status": "terakreditasi" if accredited else "tidak_terakreditasi",
            "accreditation_grade": result.grade, "accreditation_score": result.score,
            "accreditation_year": when.year if isinstance(when, date) else utcnow().astimezone(WIB).year,
            "accreditation_certificate": _text(details.get("certificate_number"))[:100],
            "accreditation_valid_until": _date(details.get("valid_until")) or None})
    session.flush()
    return result


def history(session: Session, library_id: int) -> list[LibraryResult]:
    """A library's monev and accreditation results, oldest first."""
    get(session, library_id)
    return list(session.scalars(select(LibraryResult).where(LibraryResult.library_id == library_id)
                                .order_by(LibraryResult.recorded_at, LibraryResult.id)))


def results_of_instance(session: Session, instance_id: int, kind: str | None = None) -> list[LibraryResult]:
    """The results recorded in one cycle (e.g. the monev scores the coaching choice is made from)."""
    query = select(LibraryResult).where(LibraryResult.instance_id == instance_id)
    if kind:
        query = query.where(LibraryResult.kind == kind)
    return list(session.scalars(query.order_by(LibraryResult.recorded_at, LibraryResult.id)))


def on_step_done(session: Session, instance: Instance, step: StepDone, actor: Actor) -> None:
    """Record the result of a step whose `libraryResult` property is "monev" or "accreditation".

    The library is the step's multi-instance item (or `libraryVariable`, or a `library` value in
    the step's data); the result is the dict named by `resultVariable` (monev default `hasil`, the
    output of `monev_score`; accreditation default: the step's own data). A misconfigured step is
    refused with a message naming it, so a result is never silently lost.
    """
    if step.opened:
        return
    kind = step.properties.get("libraryResult", "").strip()
    if not kind:
        return
    where = f"langkah {step.title or step.name}"
    if kind not in RESULT_KINDS:
        raise BadRequest(f"{where}: libraryResult '{kind}' tidak dikenal (pilihan: {', '.join(RESULT_KINDS)})")
    if session.scalar(select(LibraryResult.id).where(LibraryResult.task_id == step.task_id)) is not None:
        return
    library_id = _step_library(step)
    if library_id is None:
        raise BadRequest(f"{where}: perpustakaan untuk hasil {kind} tidak diketahui")
    if session.get(Library, library_id) is None:
        raise BadRequest(f"{where}: perpustakaan {library_id} tidak ada di registri")
    variable = step.properties.get("resultVariable", "").strip() or DEFAULT_RESULT_VARIABLE[kind]
    found = _lookup(step.data, variable) if variable else step.data
    if not isinstance(found, dict):
        raise BadRequest(f"{where}: variabel hasil '{variable}' tidak ada di data langkah")
    score = _first(found, "total", "score", "nilai")
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise BadRequest(f"{where}: hasil {kind} di '{variable or 'data langkah'}' tidak berisi nilai")
    common: dict[str, Any] = {"period": instance.title, "instance_id": instance.id, "task_id": step.task_id,
              "task_name": step.name, "grade": _text(_first(found, "grade", "predikat")) or None}
    if kind == "monev":
        threshold = float(settings.get(session, "coaching_threshold"))
        ready = score >= threshold
        details = {"instrument": found.get("instrument"), "version": found.get("version"),
                   "coaching_threshold": threshold, "ready_for_coaching": ready}
        record_result(session, library_id, kind, score, actor.username, components=found.get("components"),
                      details=details, **common)
    else:
        details = {"certificate_number": _first(found, "certificate_number", "nomor_sertifikat"),
                   "valid_until": _first(found, "valid_until", "berlaku_sampai"),
                   "date": _first(found, "date", "tanggal"), "notes": _first(found, "notes", "catatan")}
        record_result(session, library_id, kind, score, actor.username,
                      details={k: v for k, v in details.items() if v not in (None, "")}, **common)


def _step_library(step: StepDone) -> int | None:
    variable = step.properties.get("libraryVariable", "").strip()
    value: Any = _lookup(step.data, variable) if variable else step.item_key
    if value is None:
        value = step.data.get("library")
    if isinstance(value, dict):
        value = value.get("library")
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _lookup(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _first(data: Mapping[str, Any], *keys: str) -> Any:
    return next((data[key] for key in keys if data.get(key) not in (None, "")), None)
