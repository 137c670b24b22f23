"""The library registry: profiles, the CSV import report and results recorded for a library."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {
    "library_invalid": _l("data perpustakaan tidak valid"),
    "library_not_found": _l("perpustakaan tidak ditemukan"),
    "unknown_result_kind": _l("jenis hasil tidak dikenal: %(kind)s (pilihan: %(choices)s)"),
    "result_score_range": _l("nilai hasil %(kind)s harus angka 0–100, bukan %(score)s"),
    "step_result_kind_unknown": _l("%(where)s: libraryResult '%(kind)s' tidak dikenal (pilihan: %(choices)s)"),
    "step_result_library_unknown": _l("%(where)s: perpustakaan untuk hasil %(kind)s tidak diketahui"),
    "step_result_library_missing": _l("%(where)s: perpustakaan %(library_id)s tidak ada di registri"),
    "step_result_variable_missing": _l("%(where)s: variabel hasil '%(variable)s' tidak ada di data langkah"),
    "step_result_without_score": _l("%(where)s: hasil %(kind)s di '%(variable)s' tidak berisi nilai"),
    "unknown_kecamatan": _l("kecamatan tidak dikenal: %(value)s"),
    "unknown_library_type": _l("jenis perpustakaan tidak dikenal: %(value)s"),
    "npp_taken": _l("NPP %(npp)s sudah dipakai oleh %(library)s (%(kecamatan)s)"),
}
# Per-field codes in ValidationFailed details.
FIELDS: dict[str, Any] = {
    # Library profile checks (create, update and the CSV import report).
    "library_unknown_field": _l("isian tidak dikenal: %(field)s"),
    "library_required": _l("%(label)s wajib diisi"),
    "library_too_long": _l("%(label)s maksimal %(limit)s karakter"),
    "email_doubtful": _l("email '%(value)s' tampaknya tidak valid"),
    "npp_format": _l("NPP '%(value)s' tidak sesuai format 15 karakter (7 angka, 1 huruf, 7 angka, "
                     "mis. 6372052C0000001); tetap disimpan"),
    "npsn_format": _l("NPSN '%(value)s' biasanya 8 karakter"),
    "kecamatan_unknown": _l("kecamatan '%(value)s' tidak dikenal; pilih salah satu dari 12 kecamatan "
                            "Kabupaten Sukoharjo: %(choices)s"),
    "library_type_unknown": _l("jenis perpustakaan '%(value)s' tidak dikenal; pilihan: %(choices)s"),
    "school_level_unknown": _l("jenjang sekolah '%(value)s' tidak dikenal (%(choices)s)"),
    "library_choice_unknown": _l("%(label)s '%(value)s' tidak dikenal (%(choices)s)"),
    "head_nip_format": _l("NIP kepala biasanya 18 angka"),
    "library_number_range": _l("%(label)s harus angka antara %(low)s dan %(high)s"),
    "library_date_invalid": _l("%(label)s harus tanggal YYYY-MM-DD atau DD-MM-YYYY"),
    "library_yes_no": _l("%(label)s harus ya atau tidak"),
    "library_profile_not_object": _l("profil harus berupa objek"),
    "import_same_npp": _l("perpustakaan yang sama sudah ada di baris %(line)s (NPP %(npp)s)"),
    "import_same_name": _l("perpustakaan yang sama sudah ada di baris %(line)s (nama dan kecamatan sama)"),
    "import_ambiguous_name": _l("ada %(count)s perpustakaan bernama %(name)s di kecamatan %(kecamatan)s; "
                                "isi NPP untuk membedakan"),
    "import_rows_match_one": _l("baris ini dan baris %(line)s sama-sama cocok dengan %(library)s (%(kecamatan)s)"),
    "import_not_utf8": _l("berkas harus berkode UTF-8 (simpan sebagai \"CSV UTF-8\" dari spreadsheet)"),
    "import_empty": _l("berkas kosong: baris pertama harus berisi nama kolom"),
    "import_columns_missing": _l("kolom wajib tidak ada: %(columns)s"),
    "import_too_many_rows": _l("berkas melebihi %(limit)s baris"),
    "import_too_many_cells": _l("ada %(cells)s sel, padahal kepala tabel hanya %(columns)s kolom "
                                "(periksa tanda kutip dan pemisah)"),
}
