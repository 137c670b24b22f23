"""The fields of a library profile: their vocabularies, and the checks that normalize them.

Creating, updating and the CSV import all go through `clean`, so a value is accepted, warned
about or refused the same way whichever way it comes in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from engine.errors import ValidationFailed, field_error

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


def checked(fields: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], list[str]]:
    """Fields cleaned for create/update: any error raises ValidationFailed, warnings come back as messages."""
    values, warnings, errors = clean(fields, creating=creating)
    if errors:
        raise ValidationFailed("library_invalid",
                               details=[field_error(f, "library_field", detail=m) for f, m in errors])
    return values, [message for _, message in warnings]


def clean(fields: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], list[tuple[str, str]],
                                                                  list[tuple[str, str]]]:
    """Normalize profile fields; return (values, warnings, errors), the latter two as (field, message)."""
    values: dict[str, Any] = {}
    warnings: list[tuple[str, str]] = []
    errors: list[tuple[str, str]] = []
    for name in sorted(set(fields) - set(FIELDS)):
        errors.append((name, f"isian tidak dikenal: {name}"))
    for name in REQUIRED:
        if (creating or name in fields) and not as_text(fields.get(name)):
            errors.append((name, f"{LABELS[name]} wajib diisi"))
    for name, limit in TEXT_FIELDS.items():
        if name in fields:
            values[name] = " ".join(as_text(fields[name]).split())
            if len(values[name]) > limit:
                errors.append((name, f"{LABELS.get(name, name)} maksimal {limit} karakter"))
    if values.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        warnings.append(("email", f"email '{values['email']}' tampaknya tidak valid"))
    if "npp" in fields:
        values["npp"] = re.sub(r"\s+", "", as_text(fields["npp"])).upper() or None
        if (warning := check_npp(values["npp"])) is not None:
            warnings.append(("npp", warning))
    if "npsn" in fields:
        values["npsn"] = re.sub(r"\s+", "", as_text(fields["npsn"])) or None
        if values["npsn"] and not re.fullmatch(r"[0-9A-Z]{8}", values["npsn"]):
            warnings.append(("npsn", f"NPSN '{values['npsn']}' biasanya 8 karakter"))
    if as_text(fields.get("kecamatan")):
        values["kecamatan"] = canonical_kecamatan(as_text(fields["kecamatan"]))
        if values["kecamatan"] is None:
            errors.append(("kecamatan", f"kecamatan '{as_text(fields['kecamatan'])}' tidak dikenal; pilih salah "
                                        f"satu dari 12 kecamatan Kabupaten Sukoharjo: {', '.join(KECAMATAN)}"))
    if as_text(fields.get("library_type")):
        values["library_type"] = canonical_library_type(as_text(fields["library_type"]))
        if values["library_type"] is None:
            errors.append(("library_type", f"jenis perpustakaan '{as_text(fields['library_type'])}' tidak dikenal; "
                                           f"pilihan: {', '.join(LIBRARY_TYPES)}"))
    if "subtype" in fields:
        given = as_text(fields["subtype"])
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
        values["head_nip"] = re.sub(r"\s+", "", as_text(fields["head_nip"]))
        if values["head_nip"] and not re.fullmatch(r"[0-9]{18}", values["head_nip"]):
            warnings.append(("head_nip", "NIP kepala biasanya 18 angka"))
    if "accreditation_grade" in fields:
        grade = as_text(fields["accreditation_grade"])
        values["accreditation_grade"] = grade.upper() if len(grade) == 1 else grade
    _number(fields, values, errors, "accreditation_score", float, 0, 100)
    _number(fields, values, errors, "accreditation_year", int, 1900, 2100)
    if "accreditation_valid_until" in fields:
        values["accreditation_valid_until"] = as_date(fields["accreditation_valid_until"])
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
    given = as_text(fields[name])
    values[name] = given.lower()
    if given and given.lower() not in options:
        problems.append((name, f"{LABELS.get(name, name)} '{given}' tidak dikenal ({', '.join(options)})"))
        values[name] = ""


def _number(fields: Mapping[str, Any], values: dict[str, Any], errors: list[tuple[str, str]], name: str,
            kind: type[int] | type[float], low: float, high: float) -> None:
    if name not in fields:
        return
    raw = fields[name]
    if raw is None or as_text(raw) == "":
        values[name] = None
        return
    try:
        number = kind(as_text(raw).replace(",", ".")) if not isinstance(raw, int | float) else kind(raw)
    except ValueError:
        number = None
    if number is None or isinstance(raw, bool) or not low <= number <= high:
        errors.append((name, f"{LABELS[name]} harus angka antara {low:g} dan {high:g}"))
    values[name] = number


def canonical_kecamatan(value: str) -> str | None:
    """The kecamatan a user's text names (any case, "Kec." or "Kecamatan" before it allowed); None if none."""
    key = re.sub(r"^(kec\.?|kecamatan)\s+", "", value.strip().lower())
    return next((k for k in KECAMATAN if k.lower() == key), None)


def canonical_library_type(value: str) -> str | None:
    """The LIBRARY_TYPES key a user's text names (key, label or spaced key, any case; madrasah: sekolah); or None."""
    key = value.strip().lower()
    if key in ("madrasah", "sekolah/madrasah"):
        return "sekolah"
    return next((k for k, label in LIBRARY_TYPES.items() if key in (k, label.lower(), k.replace("_", " "))), None)


def as_text(value: Any) -> str:
    """A cell or form value as stripped text, None as empty."""
    return "" if value is None else str(value).strip()


def as_date(value: Any) -> date | None | bool:
    """A date from ISO or Indonesian day-first text; None for empty, False for unreadable."""
    if isinstance(value, date):
        return value
    text = as_text(value)
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
    text = as_text(value).lower()
    return {"ya": True, "y": True, "1": True, "true": True, "aktif": True,
            "tidak": False, "t": False, "0": False, "false": False, "nonaktif": False}.get(text)
