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
# Sub-types kept as keys in the registry, in words (school levels are words already).
SUBTYPES: dict[str, str] = {"instansi_pemerintah": "Instansi Pemerintah", "instansi_swasta": "Instansi Swasta"}


def subtype_words(subtype: object) -> str:
    """A library's sub-type as people read it: `instansi_swasta` → "Instansi Swasta", `SD` → "SD"."""
    key = subtype.strip() if isinstance(subtype, str) else ("" if subtype is None else str(subtype))
    return SUBTYPES.get(key, key.replace("_", " "))
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


def check_npp(npp: str | None) -> dict[str, Any] | None:
    """A warning (a field error entry) when a non-empty NPP is not 7 digits, a letter, 7 digits; None if fine."""
    value = re.sub(r"\s+", "", npp or "").upper()
    if not value or NPP_FORMAT.fullmatch(value):
        return None
    return field_error("npp", "npp_format", value=(npp or "").strip())


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


def checked(fields: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Fields cleaned for create/update: any error raises ValidationFailed, warnings come back as field errors."""
    values, warnings, errors = clean(fields, creating=creating)
    if errors:
        raise ValidationFailed("library_invalid", details=errors)
    return values, warnings


def clean(fields: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], list[dict[str, Any]],
                                                                  list[dict[str, Any]]]:
    """Normalize profile fields; return (values, warnings, errors), the latter two as `field_error` entries."""
    values: dict[str, Any] = {}
    warnings: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for name in sorted(set(fields) - set(FIELDS)):
        errors.append(field_error(name, "library_unknown_field", field=name))
    for name in REQUIRED:
        if (creating or name in fields) and not as_text(fields.get(name)):
            errors.append(field_error(name, "library_required", label=LABELS[name]))
    for name, limit in TEXT_FIELDS.items():
        if name in fields:
            values[name] = " ".join(as_text(fields[name]).split())
            if len(values[name]) > limit:
                errors.append(field_error(name, "library_too_long", label=LABELS.get(name, name), limit=limit))
    if values.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        warnings.append(field_error("email", "email_doubtful", value=values["email"]))
    if "npp" in fields:
        values["npp"] = re.sub(r"\s+", "", as_text(fields["npp"])).upper() or None
        if (warning := check_npp(values["npp"])) is not None:
            warnings.append(warning)
    if "npsn" in fields:
        values["npsn"] = re.sub(r"\s+", "", as_text(fields["npsn"])) or None
        if values["npsn"] and not re.fullmatch(r"[0-9A-Z]{8}", values["npsn"]):
            warnings.append(field_error("npsn", "npsn_format", value=values["npsn"]))
    if as_text(fields.get("kecamatan")):
        values["kecamatan"] = canonical_kecamatan(as_text(fields["kecamatan"]))
        if values["kecamatan"] is None:
            errors.append(field_error("kecamatan", "kecamatan_unknown", value=as_text(fields["kecamatan"]),
                                      choices=list(KECAMATAN)))
    if as_text(fields.get("library_type")):
        values["library_type"] = canonical_library_type(as_text(fields["library_type"]))
        if values["library_type"] is None:
            errors.append(field_error("library_type", "library_type_unknown", value=as_text(fields["library_type"]),
                                      choices=list(LIBRARY_TYPES)))
    if "subtype" in fields:
        given = as_text(fields["subtype"])
        values["subtype"] = next((level for level in SCHOOL_LEVELS if level.lower() == given.lower()), given)
        if values.get("library_type") == "sekolah" and values["subtype"] not in SCHOOL_LEVELS:
            warnings.append(field_error("subtype", "school_level_unknown", value=given, choices=list(SCHOOL_LEVELS)))
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
            warnings.append(field_error("head_nip", "head_nip_format"))
    if "accreditation_grade" in fields:
        grade = as_text(fields["accreditation_grade"])
        values["accreditation_grade"] = grade.upper() if len(grade) == 1 else grade
    _number(fields, values, errors, "accreditation_score", float, 0, 100)
    _number(fields, values, errors, "accreditation_year", int, 1900, 2100)
    if "accreditation_valid_until" in fields:
        values["accreditation_valid_until"] = as_date(fields["accreditation_valid_until"])
        if values["accreditation_valid_until"] is False:
            errors.append(field_error("accreditation_valid_until", "library_date_invalid",
                                      label=LABELS["accreditation_valid_until"]))
    if "active" in fields:
        active = _boolean(fields["active"])
        if active is None:
            errors.append(field_error("active", "library_yes_no", label=LABELS["active"]))
        values["active"] = active
    if "profile" in fields:
        if not isinstance(fields["profile"], dict):
            errors.append(field_error("profile", "library_profile_not_object"))
        values["profile"] = fields["profile"]
    return values, warnings, errors


def _choice(fields: Mapping[str, Any], values: dict[str, Any], problems: list[dict[str, Any]], name: str,
            options: Mapping[str, Any]) -> None:
    if name not in fields:
        return
    given = as_text(fields[name])
    values[name] = given.lower()
    if given and given.lower() not in options:
        problems.append(field_error(name, "library_choice_unknown", label=LABELS.get(name, name), value=given,
                                    choices=list(options)))
        values[name] = ""


def _number(fields: Mapping[str, Any], values: dict[str, Any], errors: list[dict[str, Any]], name: str,
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
        errors.append(field_error(name, "library_number_range", label=LABELS[name], low=f"{low:g}", high=f"{high:g}"))
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
