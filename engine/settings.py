"""Agency settings kept in the database, each with a documented default."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, cast

from sqlalchemy import String, Table, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import audit
from engine.db import Base, execute, utcnow
from engine.errors import BadRequest

# Every setting with its default; values marked "unverified" in the domain notes live here so
# an administrator can change them without a code change.
DEFAULTS: dict[str, Any] = {
    # Accreditation grade bands: (grade, lowest total score); below the last band: not accredited.
    "grade_bands": [["A", 91.0], ["B", 76.0], ["C", 60.0]],
    "not_accredited_label": "Tidak Terakreditasi",
    # Monev total score from which the DMN suggests a library is ready for coaching.
    "coaching_threshold": 60.0,
    # Bounds on what a process definition may make the engine create (see processes/README.md):
    # instances of one multi-instance activity (e.g. libraries in one monev schedule), and for a
    # timer cycle ("R3/P1D") the most repetitions and the shortest interval in minutes. A static
    # value beyond them is refused at deploy; a computed one stops the instance with an incident.
    "multi_instance_max": 200,
    "timer_cycle_max_repetitions": 100,
    "timer_cycle_min_minutes": 60,
    # Letterhead (kop surat) and the agency's contact lines printed on every document.
    "agency_government": "PEMERINTAH KABUPATEN SUKOHARJO",
    "agency_name": "DINAS PERPUSTAKAAN DAN KEARSIPAN",
    "agency_address": "Jl. Contoh Alamat No. 1 (alamat contoh, ganti di pengaturan), Sukoharjo 57512",
    "agency_phone": "(0271) 593068",
    "agency_fax": "(0271) 5991146",
    "agency_email": "perpussukoharjo@gmail.com",
    "agency_website": "dispusip.sukoharjokab.go.id",
    # Where letters are signed ("Sukoharjo, 12 Maret 2027") and the unit part of letter numbers.
    "agency_place": "Sukoharjo",
    "letter_unit": "Dispusip",
    # Placeholders {code} {seq} {unit} {year} {month} (Roman); code, seq and year are required.
    "letter_number_pattern": "{code}/{seq}/{unit}/{year}",
    # Archive classification code per document kind (Permendagri 83/2022); "" = no number.
    "letter_codes": {
        "monev_notification": "000.4",
        "surat_tugas": "800.1.11.1",
        "monev_report": "000.4",
        "monev_summary": "000.4",
        "coaching_notification": "000.4",
        "accreditation_summary": "000.4",
        "complaint_reply": "000.4",
    },
    # Signatories; the demo values are fictional and must be replaced by the agency's officials.
    "letter_signatories": {
        "kepala_dinas": {
            "position": "Kepala Dinas Perpustakaan dan Kearsipan Kabupaten Sukoharjo",
            "name": "Drs. Contoh Nama, M.Si. (fiktif)",
            "rank": "Pembina Utama Muda (IV/c)",
            "nip": "197001011990031001",
        },
        "kabid": {
            "position": "Kepala Bidang Perpustakaan",
            "name": "Contoh Kabid, S.Sos. (fiktif)",
            "rank": "Pembina (IV/a)",
            "nip": "198002022005012002",
        },
    },
    # Which signatory (a key of letter_signatories) signs each document kind.
    "letter_signers": {
        "monev_notification": "kepala_dinas",
        "surat_tugas": "kepala_dinas",
        "monev_report": "kabid",
        "monev_summary": "kabid",
        "coaching_notification": "kepala_dinas",
        "accreditation_summary": "kabid",
        "complaint_reply": "kepala_dinas",
    },
    # Legal bases (Dasar) of a surat tugas, in order.
    "letter_legal_bases": [
        "Undang-Undang Nomor 43 Tahun 2007 tentang Perpustakaan;",
        "Peraturan Pemerintah Nomor 24 Tahun 2014 tentang Pelaksanaan Undang-Undang Nomor 43 Tahun 2007 "
        "tentang Perpustakaan;",
        "Keputusan Kepala Dinas Perpustakaan dan Kearsipan Kabupaten Sukoharjo Nomor 041/155/2023 tentang "
        "Standar Operasional Prosedur KITAPUN SENAPAS.",
    ],
    # The budget basis printed as the last Dasar of a surat tugas; {year} is the letter's year.
    "letter_budget_basis": "Dokumen Pelaksanaan Anggaran (DPA) Dinas Perpustakaan dan Kearsipan Kabupaten "
                           "Sukoharjo Tahun Anggaran {year}.",
    # The diktum of a surat tugas (MEMERINTAHKAN belongs to a surat perintah).
    "letter_order_word": "MENUGASKAN",
    # Printed in every surat tugas: officers take nothing from those they visit.
    "letter_no_gratuity": "Dalam melaksanakan tugas ini, petugas tidak menerima imbalan, uang, barang, atau "
                          "hadiah dalam bentuk apa pun dari pihak yang dikunjungi.",
    # The SOP's statement in the notification letters.
    "letter_free_of_charge": "Kegiatan ini tidak dipungut biaya.",
    # The contact person named in notification letters (fictional demo values).
    "letter_contact": {"name": "Contoh Narahubung (fiktif)", "phone": "0812-0000-0000"},
    # The visit time printed in a schedule row that gives none.
    "letter_visit_time": "08.00 WIB s.d. selesai",
    # Who supervises a library, by "type" or "type:subtype" (the more precise key wins): the addressee of
    # the notification letters about it. {desa}, {kecamatan}, {institution} and {name} come from the
    # library. The Cabang Dinas wilayah number is unverified.
    "letter_supervisors": {
        "sekolah": "Kepala Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo",
        "sekolah:SMA": "Kepala Cabang Dinas Pendidikan Wilayah VII Provinsi Jawa Tengah",
        "sekolah:SMK": "Kepala Cabang Dinas Pendidikan Wilayah VII Provinsi Jawa Tengah",
        "sekolah:SLB": "Kepala Cabang Dinas Pendidikan Wilayah VII Provinsi Jawa Tengah",
        "sekolah:MI": "Kepala Kantor Kementerian Agama Kabupaten Sukoharjo",
        "sekolah:MTs": "Kepala Kantor Kementerian Agama Kabupaten Sukoharjo",
        "sekolah:MA": "Kepala Kantor Kementerian Agama Kabupaten Sukoharjo",
        "desa": "Kepala Desa {desa}",
        "kelurahan": "Lurah {desa}",
        "kecamatan": "Camat {kecamatan}",
        "khusus": "Pimpinan {institution}",
        "perguruan_tinggi": "Pimpinan {institution}",
        "umum": "Kepala {institution}",
        "tbm": "Pengelola {name}",
    },
    # When a letter gets its number: at once when it is made ("on_create"), or when an authorised user
    # issues it ("on_issue"), so the letter date can be set first or a number from the agency's external
    # register entered.
    "letter_number_timing": "on_create",
    # Addressees of notification letters, by the recipient keys of the letter forms.
    "letter_recipients": {
        "dindikbud": "Kepala Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo",
        "kemenag": "Kepala Kantor Kementerian Agama Kabupaten Sukoharjo",
    },
    # The regency emblem printed left of the letterhead: a PNG data URI made from an uploaded image ("" = none).
    "agency_emblem": "",
    # Letter numbers run per classification code and year ("per_code"), or once per year for the whole
    # agency, like an outgoing-letter register ("per_year").
    "letter_numbering": "per_code",
    # Institutions a mitra (liaison) belongs to, by the keys the letter forms use.
    "institutions": {
        "dindikbud": "Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo",
        "kemenag": "Kantor Kementerian Agama Kabupaten Sukoharjo",
    },
    # The office calendar (WIB): working hours, working days (ISO weekday numbers, 1 = Monday) and the
    # agency's own days off beside the national public holidays, as {"date": "YYYY-MM-DD", "note"}.
    "office_hours": {"start": "07:30", "end": "16:00"},
    "working_days": [1, 2, 3, 4, 5],
    "days_off": [],
    # Copies (Tembusan) per document kind.
    "letter_copies": {
        "monev_notification": ["Kepala Bidang Perpustakaan", "Arsip"],
        "surat_tugas": ["Arsip"],
        "coaching_notification": ["Kepala Bidang Perpustakaan", "Arsip"],
        "complaint_reply": ["Kepala Bidang Perpustakaan", "Arsip"],
    },
}


_CACHE = "senapas.settings"


class Setting(Base):
    """One overridden setting."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))


_SETTINGS = cast(Table, Setting.__table__)
_STORED = select(_SETTINGS.c.key, _SETTINGS.c.value)


def stored(session: Session) -> dict[str, Any]:
    """The stored (non-default) values, read once per transaction: completions read settings often."""
    cached = session.info.get(_CACHE)
    if cached is not None and cached[0] is session.get_transaction():
        found: dict[str, Any] = cached[1]
        return found
    values = {key: value["value"] for key, value in execute(session, _STORED)}
    session.info[_CACHE] = (session.get_transaction(), values)
    return values


def get(session: Session, key: str) -> Any:
    """A setting's stored value, or its default."""
    if key not in DEFAULTS:
        raise KeyError(key)
    values = stored(session)
    return copy.deepcopy(values[key] if key in values else DEFAULTS[key])


def all_settings(session: Session) -> dict[str, Any]:
    """Every setting with its current value."""
    return {key: get(session, key) for key in DEFAULTS}


def put(session: Session, key: str, value: Any, actor: str, *, shown: Any = None) -> None:
    """Store a setting (same JSON type as its default), audited with the value (or `shown`, for a large one)."""
    if key not in DEFAULTS:
        raise BadRequest("unknown_setting", key=key)
    if type(value) is not type(DEFAULTS[key]):
        raise BadRequest("setting_type", key=key, type=type(DEFAULTS[key]).__name__)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value={"value": value}, updated_by=actor))
    else:
        row.value, row.updated_at, row.updated_by = {"value": value}, utcnow(), actor
    # A new mapping, not an update in place: readers that derived values from the old one see it changed.
    session.info[_CACHE] = (session.get_transaction(), {**stored(session), key: copy.deepcopy(value)})
    audit.record(session, actor, "setting", reason=key, data={"value": value if shown is None else shown})
