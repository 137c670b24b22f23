"""Agency settings an administrator edits: grade bands, office hours, days off and the emblem."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {
    "unknown_setting": _l("pengaturan tidak dikenal: %(key)s"),
    "setting_type": _l("pengaturan %(key)s harus bertipe %(type)s"),
    "grade_bands_shape": _l("'grade_bands' harus daftar pasangan [predikat, nilai terendah]"),
    "working_days_shape": _l("'working_days' harus daftar angka hari 1–7 (1 = Senin)"),
    "days_off_shape": _l("'days_off' harus daftar objek {\"date\": \"YYYY-MM-DD\", \"note\"}"),
}
# Per-field codes in ValidationFailed details.
FIELDS: dict[str, Any] = {
    "band_grade": _l("setiap baris diawali nama predikat (maks. 40 karakter)"),
    "band_score": _l("nilai terendah predikat %(grade)s harus angka 0–100"),
    "band_duplicate": _l("nama predikat tidak boleh dipakai dua kali"),
    "band_order": _l("predikat harus urut dari nilai tertinggi ke terendah"),
    "time_format": _l("jam harus berformat JJ:MM, mis. 07:30"),
    "end_before_start": _l("jam selesai harus sesudah jam mulai (%(start)s)"),
    "day_off_format": _l("'%(value)s' bukan tanggal YYYY-MM-DD"),
    "emblem_too_large": _l("gambar melebihi %(limit_kb)s KB"),
    "emblem_too_many_pixels": _l("gambar terlalu besar (%(width)s × %(height)s piksel)"),
    "emblem_not_image": _l("berkas bukan gambar PNG atau JPEG yang utuh"),
}
