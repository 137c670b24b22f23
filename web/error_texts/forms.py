"""Form data: the per-field codes of a submitted form and the checks x-senapas rules add to JSON Schema."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {
    "form_not_object": _l("data formulir harus berupa objek JSON"),
    "form_too_deep": _l("data formulir bersarang lebih dari %(limit)s tingkat"),
    "form_too_large": _l("data formulir melebihi %(limit_kb)s KB"),
    "form_invalid": _l("data formulir tidak valid"),
}
# Per-field codes in ValidationFailed details.
FIELDS: dict[str, Any] = {
    "required": _l("wajib diisi"),
    "reserved_name": _l("nama isian ini dipakai oleh sistem"),
    "undeclared_field": _l("isian tidak dikenal pada formulir ini"),
    "read_only_field": _l("isian hanya-baca: nilainya berasal dari alur"),
    "wrong_type": _l("harus berupa %(types)s"),
    "not_a_choice": _l("nilai tidak termasuk pilihan yang tersedia"),
    "invalid_date": _l("harus tanggal dengan format YYYY-MM-DD"),
    "invalid_email": _l("alamat email tidak valid"),
    "invalid_date_time": _l("harus tanggal dan waktu ISO 8601"),
    "invalid_format": _l("format %(format)s tidak valid"),
    "minimum": _l("minimal %(limit)s"),
    "maximum": _l("maksimal %(limit)s"),
    "exclusive_minimum": _l("harus lebih dari %(limit)s"),
    "exclusive_maximum": _l("harus kurang dari %(limit)s"),
    "min_length": _l("minimal %(limit)s karakter"),
    "max_length": _l("maksimal %(limit)s karakter"),
    "min_items": _l("pilih minimal %(limit)s"),
    "max_items": _l("maksimal %(limit)s butir"),
    "multiple_of": _l("harus kelipatan %(limit)s"),
    "duplicate_items": _l("tidak boleh ada butir ganda"),
    "pattern_mismatch": _l("format tidak sesuai"),
    "unknown_fields": _l("berisi isian yang tidak dikenal"),
    "nul_character": _l("tidak boleh memuat karakter NUL"),
    "schema_rule": _l("tidak valid (%(rule)s)"),
    "unknown_library": _l("perpustakaan tidak dikenal"),
    "inactive_library": _l("perpustakaan ini tidak aktif di registri"),
    "unknown_officer": _l("petugas %(username)s bukan pengguna aktif"),
    "not_an_officer": _l("%(username)s tidak memegang peran yang boleh berkunjung (petugas, sub koordinator, "
                         "kepala bidang)"),
    "member_is_lead": _l("%(username)s sudah menjadi ketua tim; anggota tim tidak memuat ketua tim"),
    "duplicate_value": _l("%(value)s sudah ada di baris lain daftar ini"),
    "date_in_past": _l("tanggal tidak boleh sebelum hari ini (%(today)s)"),
    "date_not_after": _l("tanggal harus sesudah %(field)s (%(date)s)"),
    "not_selected": _l("%(value)s tidak termasuk yang dipilih sebelumnya di alur ini"),
    "selected_missing": _l("%(value)s dipilih sebelumnya tetapi tidak ada di daftar ini"),
    "grade_mismatch": _l("predikat untuk nilai %(score)s adalah %(expected)s"),
    "status_mismatch": _l("status tidak sesuai nilai %(score)s (predikat %(grade)s)"),
}
# JSON Schema type names as a `wrong_type` sentence shows them.
TYPE_NAMES: dict[str, Any] = {
    "string": _l("teks"), "integer": _l("bilangan bulat"), "number": _l("angka"), "boolean": _l("ya/tidak"),
    "array": _l("daftar"), "object": _l("objek"), "null": _l("kosong"),
}
