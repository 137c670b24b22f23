"""Requests themselves: the contract codes and HTTP-level errors, paging, search, filters and JSON bodies."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Contract codes and HTTP-level errors: the text when nothing more specific is known.
GENERAL: dict[str, Any] = {
    "not_authenticated": _l("Silakan masuk terlebih dahulu."),
    "forbidden": _l("Peran Anda tidak mengizinkan tindakan ini."),
    "not_found": _l("Halaman atau data yang dicari tidak ditemukan."),
    "invalid_request": _l("Permintaan tidak dapat diproses."),
    "invalid_data": _l("Data yang dikirim tidak valid."),
    "invalid_definition": _l("Definisi proses tidak valid."),
    "stale": _l("data sedang diubah bersamaan oleh orang lain; coba lagi"),
    "too_large": _l("Isi permintaan melebihi batas ukuran."),
    "rate_limited": _l("Terlalu banyak permintaan; coba lagi nanti."),
    "method_not_allowed": _l("Metode ini tidak diizinkan di sini."),
    "csrf_failed": _l("Formulir kedaluwarsa atau tanpa token keamanan; muat ulang halaman lalu coba lagi."),
    "internal_error": _l("Terjadi kesalahan pada server."),
    "service_unavailable": _l("Basis data sedang tidak dapat dihubungi; coba lagi sebentar lagi."),
    "conflict": _l("Tindakan tidak sesuai dengan keadaan terkini; muat ulang halaman lalu coba lagi."),
}
# Cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {
    "paging_not_integer": _l("parameter page dan per_page harus bilangan bulat"),
    "page_out_of_range": _l("page harus antara 1 dan %(limit)s"),
    "per_page_out_of_range": _l("per_page harus antara 1 dan %(limit)s"),
    "search_too_long": _l("teks pencarian maksimal %(limit)s karakter"),
    "search_control_characters": _l("teks pencarian berisi karakter kendali yang tidak diizinkan"),
    "data_clash": _l("data bentrok dengan perubahan lain; muat ulang lalu coba lagi"),
    "body_not_object": _l("isi permintaan harus objek JSON"),
    "body_not_json_object": _l("isi permintaan bukan objek JSON yang sah"),
    "body_too_deep": _l("isi permintaan bersarang terlalu dalam"),
    "content_type_json": _l("Content-Type harus application/json"),
    "text_required": _l("'%(field)s' wajib diisi sebagai teks"),
    "choice_required": _l("'%(field)s' harus salah satu dari: %(choices)s"),
    "request_shape": _l("permintaan tidak sesuai dengan bentuk yang dinyatakan dokumen OpenAPI"),
    "object_required": _l("'%(field)s' harus objek JSON"),
    "unknown_scope": _l("scope harus salah satu dari: %(choices)s"),
    "nul_in_parameters": _l("parameter permintaan tidak boleh memuat karakter NUL"),
    "unknown_sort": _l("sort harus salah satu dari: %(choices)s"),
    "unknown_due_filter": _l("due harus salah satu dari: %(choices)s"),
    "filter_not_integer": _l("'%(field)s' harus bilangan bulat positif"),
    "filter_not_boolean": _l("'%(field)s' harus true atau false"),
}
