"""The words of every error: one Indonesian sentence per error case, field code and problem code.

The engine names what went wrong (`case`/`code` and `params`); this table chooses the words, in
Indonesian with `%(name)s` placeholders, and the catalog gives their English versions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from engine.errors import SenapasError
from web.labels import INSTANCE_STATUS

log = logging.getLogger(__name__)

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
# The cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {
    "task_not_found": _l("tugas tidak ditemukan"),
    "not_your_lane": _l("tugas ini bukan untuk peran Anda"),
    "task_completed": _l("tugas sudah diselesaikan"),
    "task_cancelled": _l("tugas sudah dibatalkan"),
    "task_claimed": _l("tugas sedang dikerjakan oleh %(holder)s"),
    "task_taken": _l("tugas baru saja diambil orang lain"),
    "task_not_ready": _l("tugas tidak lagi siap dikerjakan"),
    "task_not_open": _l("tugas sudah tidak terbuka"),
    "instance_not_running": _l("instance berstatus %(status)s"),
    "holder_only": _l("hanya pemegang tugas atau supervisor yang boleh melepasnya"),
    "supervisors_only": _l("hanya supervisor yang boleh melakukan tindakan ini"),
    "admins_only": _l("hanya admin yang boleh melakukan tindakan ini"),
    "reason_required": _l("alasan wajib diisi"),
    "unknown_user": _l("pengguna %(username)s tidak ditemukan"),
    "user_not_in_lane": _l("peran %(username)s tidak sesuai dengan lajur tugas ini"),
    "comment_required": _l("komentar wajib diisi (maks. %(limit)s karakter)"),
    "invalid_transition": _l("instance berstatus %(status)s; tidak dapat menjadi %(target)s"),
    "start_needs_login": _l("proses %(process)s tidak dapat dimulai tanpa login"),
    "start_not_allowed": _l("peran Anda tidak boleh memulai proses %(process)s"),
    "instance_not_found": _l("instance %(id)s tidak ditemukan"),
    "unknown_status": _l("status tidak dikenal: %(value)s"),
    "unknown_action": _l("tindakan tidak dikenal: %(action)s"),
    "retry_needs_incident": _l("hanya instance berstatus insiden yang dapat dicoba ulang"),
    "failed_task_gone": _l("tugas yang gagal tidak lagi ada pada instance ini"),
    "definition_not_found": _l("definisi %(key)s tidak ditemukan"),
    "definition_version_not_found": _l("definisi %(key)s versi %(version)s tidak ditemukan"),
    "form_not_object": _l("data formulir harus berupa objek JSON"),
    "form_too_deep": _l("data formulir bersarang lebih dari %(limit)s tingkat"),
    "form_too_large": _l("data formulir melebihi %(limit_kb)s KB"),
    "form_invalid": _l("data formulir tidak valid"),
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
    "unknown_setting": _l("pengaturan tidak dikenal: %(key)s"),
    "setting_type": _l("pengaturan %(key)s harus bertipe %(type)s"),
    "paging_not_integer": _l("parameter page dan per_page harus bilangan bulat"),
    "page_out_of_range": _l("page harus antara 1 dan %(limit)s"),
    "per_page_out_of_range": _l("per_page harus antara 1 dan %(limit)s"),
    "search_too_long": _l("teks pencarian maksimal %(limit)s karakter"),
    "search_control_characters": _l("teks pencarian berisi karakter kendali yang tidak diizinkan"),
    "unknown_document_kind": _l("jenis dokumen tidak dikenal: %(kind)s"),
    "document_not_found": _l("dokumen tidak ditemukan"),
    "username_required": _l("nama pengguna wajib diisi (maks. %(limit)s karakter)"),
    "unknown_roles": _l("peran tidak dikenal: %(roles)s"),
    "password_too_short": _l("kata sandi minimal %(minimum)s karakter"),
    "password_is_username": _l("kata sandi tidak boleh sama dengan nama pengguna"),
    "password_too_common": _l("kata sandi terlalu umum; pilih yang lebih sulit ditebak"),
    "current_password_wrong": _l("kata sandi sekarang salah"),
    "user_exists": _l("pengguna %(username)s sudah ada"),
    "user_not_found": _l("pengguna %(username)s tidak ditemukan"),
    "data_clash": _l("data bentrok dengan perubahan lain; muat ulang lalu coba lagi"),
    "wrong_credentials": _l("nama pengguna atau kata sandi salah"),
    "token_invalid": _l("token tidak dikenal, kedaluwarsa, atau sudah dicabut"),
    "login_required": _l("masuk terlebih dahulu atau kirim token Bearer"),
    "bearer_header_malformed": _l("header Authorization harus berbentuk 'Bearer <token>'"),
    "token_to_revoke_missing": _l("kirim token yang akan dicabut di header Authorization"),
    "too_many_logins": _l("terlalu banyak percobaan masuk yang gagal; coba lagi dalam %(seconds)s detik"),
    "too_many_complaints": _l("terlalu banyak pengaduan dari alamat ini; coba lagi nanti"),
    "too_many_lookups": _l("terlalu banyak pencarian pengaduan yang gagal; coba lagi dalam %(seconds)s detik"),
    "complaint_not_found": _l("tidak ada pengaduan dengan nomor referensi dan kontak itu"),
    "notification_not_found": _l("notifikasi tidak ditemukan"),
    "body_not_object": _l("isi permintaan harus objek JSON"),
    "body_not_json_object": _l("isi permintaan bukan objek JSON yang sah"),
    "body_too_deep": _l("isi permintaan bersarang terlalu dalam"),
    "content_type_json": _l("Content-Type harus application/json"),
    "text_required": _l("'%(field)s' wajib diisi sebagai teks"),
    "request_shape": _l("permintaan tidak sesuai dengan bentuk yang dinyatakan dokumen OpenAPI"),
    "object_required": _l("'%(field)s' harus objek JSON"),
    "unknown_scope": _l("scope harus salah satu dari: %(choices)s"),
    "nul_in_parameters": _l("parameter permintaan tidak boleh memuat karakter NUL"),
    "bpmn_file_required": _l("pilih satu berkas .bpmn untuk diunggah (isian 'file')"),
    "bpmn_files_only": _l("hanya berkas .bpmn yang dapat dipasang"),
    "process_required": _l("pilih proses yang akan dimulai"),
    "title_required": _l("beri judul proses yang akan dimulai"),
    "invalid_title": _l("judul paling panjang %(limit)s karakter, tanpa karakter kendali"),
    "unknown_sort": _l("sort harus salah satu dari: %(choices)s"),
    "unknown_due_filter": _l("due harus salah satu dari: %(choices)s"),
    "filter_not_integer": _l("'%(field)s' harus bilangan bulat positif"),
    "filter_not_boolean": _l("'%(field)s' harus true atau false"),
    # Bundles (engine.definitions.bundles) and the life of versions (engine.definitions.lifecycle).
    "bundle_path_invalid": _l("nama berkas di bundel tidak sah: %(name)s"),
    "bundle_nested_zip": _l("bundel tidak boleh memuat zip lain: %(name)s"),
    "bundle_file_unexpected": _l("%(name)s tidak termasuk bundel: hanya .bpmn dan .dmn di akar, serta forms/*.json, "
                                 "instruments/*.json dan tests/*.json"),
    "bundle_file_twice": _l("%(name)s ada dua kali di unggahan"),
    "bundle_not_zip": _l("berkas bukan zip yang sah"),
    "bundle_empty": _l("zip tidak memuat berkas"),
    "bundle_too_many_files": _l("bundel memuat lebih dari %(limit)s berkas"),
    "bundle_too_large": _l("isi bundel melebihi %(limit_mb)s MB setelah diekstrak"),
    "bundle_file_too_large": _l("%(name)s melebihi batas %(limit_mb)s MB"),
    "note_too_long": _l("catatan perubahan paling banyak %(limit)s karakter"),
    "draft_not_boolean": _l("'draft' harus true atau false"),
    "editor_version_invalid": _l("versi yang disunting harus berupa bilangan"),
    "form_preview_invalid": _l("%(field)s bukan JSON Schema yang dapat ditampilkan: %(problem)s"),
    "definition_retired": _l("%(key)s versi %(version)s sudah dipensiunkan dan tidak dapat diaktifkan"),
    "migration_blocked": _l("instance %(id)s tidak dipindahkan: perubahan menyentuh langkah yang sudah berjalan "
                            "atau selesai (lihat rinciannya)"),
    "migration_same_version": _l("instance sudah berada pada versi %(version)s"),
    "version_required": _l("'%(field)s' harus nomor versi (bilangan bulat positif)"),
    "dry_run_not_boolean": _l("'dry_run' harus true atau false"),
    "diff_versions_required": _l("sebutkan versi yang dibandingkan: ?from=N&to=M"),
    "definition_current_retire": _l("%(key)s versi %(version)s adalah versi aktif; aktifkan versi lain dahulu"),
    "roles_list": _l("'roles' harus daftar teks"),
    "library_id_integer": _l("'library_id' harus bilangan bulat atau null"),
    "grade_bands_shape": _l("'grade_bands' harus daftar pasangan [predikat, nilai terendah]"),
    "working_days_shape": _l("'working_days' harus daftar angka hari 1–7 (1 = Senin)"),
    "days_off_shape": _l("'days_off' harus daftar objek {\"date\": \"YYYY-MM-DD\", \"note\"}"),
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
    "inactive_library": _l("perpustakaan ini tidak aktif di registri"),
    "unknown_officer": _l("petugas %(username)s bukan pengguna aktif"),
    "not_an_officer": _l("%(username)s tidak memegang peran petugas kunjungan"),
    "duplicate_value": _l("%(value)s sudah ada di baris lain daftar ini"),
    "date_in_past": _l("tanggal tidak boleh sebelum hari ini (%(today)s)"),
    "date_not_after": _l("tanggal harus sesudah %(field)s (%(date)s)"),
    "not_selected": _l("%(value)s tidak termasuk yang dipilih sebelumnya di alur ini"),
    "selected_missing": _l("%(value)s dipilih sebelumnya tetapi tidak ada di daftar ini"),
    "grade_mismatch": _l("predikat untuk nilai %(score)s adalah %(expected)s"),
    # People and agency settings edited by an administrator.
    "username_format": _l("hanya huruf kecil, angka, titik, garis bawah atau tanda hubung; 2–64 karakter, "
                          "diawali huruf atau angka"),
    "username_taken": _l("nama pengguna %(username)s sudah dipakai"),
    "unknown_roles_field": _l("peran tidak dikenal: %(roles)s"),
    "nip_format": _l("NIP harus 18 angka"),
    "library_needs_pustakawan": _l("perpustakaan hanya untuk pengguna berperan pustakawan"),
    "institution_needs_mitra": _l("instansi hanya untuk pengguna berperan mitra"),
    "unknown_institution": _l("instansi tidak dikenal (pilihan: %(choices)s)"),
    "own_admin_role": _l("Anda tidak dapat mencabut peran admin dari akun Anda sendiri"),
    "deactivate_self": _l("Anda tidak dapat menonaktifkan akun Anda sendiri"),
    "user_inactive": _l("akun ini nonaktif; aktifkan kembali sebelum mengatur ulang kata sandi"),
    "number_pattern_invalid": _l("pola hanya boleh memakai {code}, {seq}, {unit}, {year}, {month} dan wajib "
                                 "memuat {code}, {seq} dan {year}"),
    "numbering_in_use": _l("nomor surat tahun %(year)s sudah diberikan; cara penomoran dapat diubah mulai "
                           "tahun berikutnya"),
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
    # Issuing the number of a letter made unnumbered.
    "document_number_forbidden": _l("hanya kepala bidang, sub koordinator, atau admin yang dapat memberi nomor "
                                    "dan tanggal surat"),
    "document_already_numbered": _l("surat ini sudah bernomor (%(number)s)"),
    "document_kind_unnumbered": _l("jenis dokumen ini tidak diberi nomor surat"),
    "letter_number_taken": _l("nomor %(number)s sudah dipakai surat lain"),
    "letter_number_invalid": _l("nomor surat berisi huruf, angka, titik, garis miring, tanda hubung atau spasi; "
                                "maksimal %(limit)s karakter"),
    "letter_date_out_of_range": _l("tanggal surat paling jauh %(days)s hari dari hari ini"),
    "letter_number_like_register": _l("nomor berbentuk nomor register Senapas sendiri; kosongkan agar register "
                                      "memberi nomor berikutnya"),
    "text_list_required": _l("'%(field)s' harus daftar teks"),
    "too_many_lines": _l("paling banyak %(limit)s baris"),
    "supervisor_key_unknown": _l("'%(key)s' bukan jenis perpustakaan (pilihan: %(types)s), boleh diikuti "
                                 "':' dan jenjang sekolah"),
}
# Findings about a BPMN upload (Problem.code); `detail` is the parser's or library's own text.
PROBLEMS: dict[str, Any] = {
    "file_too_large": _l("berkas melebihi batas %(limit_mb)s MB"),
    "doctype_entities": _l("DOCTYPE dan deklarasi entitas tidak diizinkan"),
    "doctype": _l("DOCTYPE tidak diizinkan"),
    "xml_invalid": _l("XML tidak sah: %(detail)s"),
    "spec_invalid": "%(detail)s",
    "executable_process_count": _l("berkas harus memuat tepat satu proses utama yang executable "
                                   "(ditemukan %(found)s)"),
    "called_element_missing": _l("'%(target)s' yang dipanggil tidak ditemukan"),
    "bundle_without_main": _l("bundel tidak memuat proses yang dapat dimulai (berkas: %(files)s)"),
    "bundle_several_main": _l("bundel memuat lebih dari satu proses yang dapat dimulai: %(files)s; "
                              "satu bundel untuk tiap proses"),
    "process_called_only": _l("proses %(process)s dipanggil oleh %(caller)s dan tidak dapat dimulai sendiri; "
                              "unggah bersama bundel %(caller)s"),
    "file_not_utf8": _l("berkas harus berupa teks UTF-8"),
    # Why a running instance cannot move to another version (engine.workflow.migration).
    "task_removed_reached": _l("langkah %(process)s yang sudah dicapai (%(state)s) tidak ada di versi tujuan"),
    "task_changed_reached": _l("langkah %(process)s yang sudah berjalan atau selesai (%(state)s) diubah: %(fields)s"),
    "called_process_removed": _l("proses panggilan yang sedang berjalan tidak ada di versi tujuan"),
    "untyped_task": _l("tugas tanpa jenis (bpmn:task) tidak diizinkan: pakai userTask, scriptTask, dst."),
    "gateway_without_default": _l("gateway eksklusif dengan beberapa alur keluar wajib punya alur default"),
    "unknown_lane": _l("lane '%(lane)s' bukan peran yang dikenal (%(known)s)"),
    "unknown_document_kinds": _l("jenis dokumen tidak dikenal di %(property)s: %(kinds)s (yang dikenal: %(known)s)"),
    "script_syntax": _l("skrip bukan Python yang sah (baris %(line)s): %(detail)s"),
    "condition_syntax": _l("kondisi bukan Python yang sah (baris %(line)s): %(detail)s"),
    "dmn_syntax": _l("ekspresi DMN bukan Python yang sah (baris %(line)s): %(detail)s"),
    "cardinality_syntax": _l("kardinalitas bukan Python yang sah (baris %(line)s): %(detail)s"),
    "cardinality_not_integer": _l("kardinalitas harus bilangan bulat"),
    "form_unknown_rules": _l("formulir %(filename)s memakai aturan x-senapas yang tidak dikenal atau "
                             "dengan nilai yang tidak dapat dipakai: %(names)s"),
    "form_reserved_names": _l("formulir %(filename)s memakai nama yang dipakai sistem atau skrip: %(names)s"),
    "form_field_shadows_item": _l("isian formulir %(fields)s bernama seperti item yang diberikan proses "
                                  "(item multi-instance, data input): tandai readOnly atau ganti namanya"),
    "script_refused": _l("kode melanggar aturan skrip (baris %(line)s): %(detail)s"),
    "beyond_bounds": "%(detail)s",
    "due_date_syntax": _l("dueDate bukan Python yang sah (baris %(line)s): %(detail)s"),
    "timer_syntax": _l("ekspresi timer bukan Python yang sah (baris %(line)s): %(detail)s"),
    "timer_unquoted": _l("nilai timer %(value)s harus dikutip sebagai teks Python, mis. \"%(value)s\""),
    "timer_evaluation_failed": _l("ekspresi timer gagal dievaluasi: %(detail)s"),
    "timer_not_iso": _l("nilai timer '%(value)s' bukan format ISO 8601 yang sah "
                        "(durasi butuh tanda kutip, mis. \"PT1H\")"),
    "form_schema_invalid": _l("berkas formulir %(filename)s bukan JSON Schema yang sah: %(detail)s"),
    "form_file_name": _l("nama berkas tidak sah: %(filename)s"),
    "form_file_missing": _l("berkas forms/%(filename)s tidak ada di bundel"),
    "form_file_not_json": _l("berkas %(filename)s bukan JSON yang sah: %(detail)s"),
    "form_file_not_object": _l("berkas %(filename)s harus berisi objek JSON"),
    "form_file_invalid": _l("berkas formulir %(filename)s: %(detail)s"),
    # The warning tier of a deploy (engine/definitions/findings.py), and dangling references (errors).
    "unknown_reference": _l("%(attribute)s menunjuk '%(target)s', yang tidak ada di berkas ini"),
    "stale_reference": _l("%(attribute)s menunjuk '%(target)s', yang tidak ada di berkas ini (mesin "
                          "mengabaikannya; modeler BPMN membuangnya)"),
    "collection_not_declared": _l("koleksi multi-instance '%(name)s' tidak dideklarasikan (mis. sebagai "
                                  "bpmn:property proses); modeler BPMN membuangnya saat menyimpan"),
    "unreachable_element": _l("elemen ini tidak dapat dicapai dari peristiwa awal mana pun"),
    "element_not_drawn": _l("%(type)s ini tidak punya bentuk di diagram"),
    "variable_not_set": _l("'%(name)s' dibaca di sini, tetapi tidak ada yang mengisinya di proses %(process)s"),
    "record_key_not_in_form": _l("'%(name)s' tidak punya isian '%(key)s' di formulirnya (yang ada: %(known)s)"),
    "form_field_unread": _l("isian '%(field)s' formulir %(form)s tidak dibaca oleh skrip, kondisi, dokumen, "
                            "atau formulir lain (hanya tersimpan sebagai catatan)"),
    "form_text_missing_english": _l("formulir %(form)s: '%(path)s' belum punya judul bahasa Inggris "
                                    "(x-senapas-i18n.en)"),
    "form_choice_missing_english": _l("formulir %(form)s: pilihan %(values)s di '%(path)s' belum punya teks "
                                      "bahasa Inggris"),
    # Scenario tests of a version (engine/definitions/scenarios.py, engine/workflow/rehearsal.py).
    "scenario_file_invalid": _l("berkas skenario tidak sah: %(detail)s"),
    "scenario_data_refused": _l("data untuk %(task)s ditolak formulirnya: %(problems)s"),
    "scenario_engine_failed": _l("mesin alur kerja gagal di %(task)s: %(detail)s"),
    "scenario_timer_not_waiting": _l("timer %(timer)s tidak menunggu tepat satu kali (ditemukan %(found)s), "
                                     "atau bukan timer tanggal/durasi"),
    "scenario_task_not_ready": _l("%(task)s tidak siap tepat satu kali (ditemukan %(found)s; yang siap: %(ready)s)"),
    "scenario_documents_differ": _l("%(task)s membuat dokumen %(actual)s, yang diharapkan %(expected)s"),
    "scenario_next_differ": _l("sesudah %(task)s yang siap %(actual)s, yang diharapkan %(expected)s"),
    "scenario_status_differs": _l("akhir alur %(actual)s, yang diharapkan %(expected)s (yang siap: %(ready)s)"),
    "scenario_data_differs": _l("data akhir %(path)s bernilai %(actual)s, yang diharapkan %(expected)s"),
    # Accreditation instrument files (a form refers to one) and answers scored against them.
    "instrument_id_invalid": _l("id instrumen tidak sah: %(id)s"),
    "instrument_not_found": _l("instrumen %(id)s tidak ada di bundel (instruments/%(id)s.json)"),
    "instrument_not_json": _l("instrumen %(id)s bukan JSON yang sah: %(detail)s"),
    "instrument_id_mismatch": _l("%(source)s: id di dalam berkas (%(id)s) tidak sama dengan nama berkas"),
    "instrument_not_object": _l("%(source)s: harus berupa objek JSON"),
    "instrument_text_required": _l("%(source)s: '%(field)s' wajib berupa teks"),
    "instrument_components_required": _l("%(source)s: 'components' wajib berupa daftar yang tidak kosong"),
    "instrument_weights": _l("%(source)s: jumlah bobot komponen %(total)s, seharusnya 100"),
    "instrument_component_key": _l("%(source)s: setiap komponen wajib punya 'key' (huruf kecil, angka, garis bawah)"),
    "instrument_component_weight": _l("%(source)s: komponen %(component)s: 'weight' wajib berupa angka positif"),
    "instrument_component_title": _l("%(source)s: komponen %(component)s: 'title' wajib berupa teks"),
    "instrument_indicators_required": _l("%(source)s: komponen %(component)s: 'indicators' wajib berupa daftar "
                                         "yang tidak kosong"),
    "instrument_indicator_id": _l("%(source)s: komponen %(component)s: setiap indikator wajib punya 'id' "
                                  "(huruf kecil, angka, garis bawah)"),
    "instrument_indicator_text": _l("%(source)s: komponen %(component)s: indikator %(indicator)s wajib punya 'text'"),
    "instrument_indicator_options": _l("%(source)s: komponen %(component)s: indikator %(indicator)s wajib punya "
                                       "pilihan tepat a, b, c, d, e"),
    "instrument_option_text": _l("%(source)s: komponen %(component)s: indikator %(indicator)s: teks setiap "
                                 "pilihan wajib diisi"),
    "instrument_bands_list": _l("%(source)s: 'grade_bands' wajib berupa daftar [predikat, nilai terendah]"),
    "instrument_band_shape": _l("%(source)s: setiap 'grade_bands' wajib berupa [predikat, nilai terendah 0–100]"),
    "instrument_duplicate_component": _l("%(source)s: kunci komponen '%(value)s' dipakai lebih dari sekali"),
    "instrument_duplicate_indicator": _l("%(source)s: id indikator '%(value)s' dipakai lebih dari sekali"),
    "answers_not_object": _l("jawaban instrumen harus berupa objek per komponen"),
    "answers_unknown_components": _l("komponen tidak dikenal pada jawaban: %(components)s"),
    "answers_component_missing": _l("jawaban komponen %(component)s belum diisi"),
    "answers_unknown_indicators": _l("indikator tidak dikenal pada komponen %(component)s: %(indicators)s"),
    "answers_indicator_unanswered": _l("indikator %(indicator)s (%(component)s) harus dijawab a–e"),
    "score_out_of_range": _l("nilai harus antara 0 dan 100, bukan %(total)s"),
    # Instruments chosen by library type (engine/libraries/instruments.py).
    "instrument_library_types": _l("%(source)s: 'library_types' wajib berupa daftar jenis perpustakaan "
                                   "(mis. \"desa\" atau \"sekolah/SMA\")"),
    "instrument_for_type_missing": _l("tidak ada instrumen untuk jenis perpustakaan %(library_type)s"),
    "instrument_for_type_ambiguous": _l("dua instrumen sama cocoknya untuk jenis perpustakaan %(library_type)s: "
                                        "%(ids)s"),
    "instrument_item_not_object": _l("pemilihan instrumen memerlukan data perpustakaan (objek)"),
    "instrument_list_invalid": _l("x-senapas-instrument wajib berupa id instrumen atau daftar id yang tidak kosong"),
    "instrument_not_offered": _l("instrumen %(id)s tidak ditawarkan formulir ini (yang ditawarkan: %(ids)s)"),
    "instrument_field_invalid": _l("x-senapas-instrument-field tidak sah: %(field)s"),
}
TYPE_NAMES: dict[str, Any] = {
    "string": _l("teks"), "integer": _l("bilangan bulat"), "number": _l("angka"), "boolean": _l("ya/tidak"),
    "array": _l("daftar"), "object": _l("objek"), "null": _l("kosong"),
}
TEXTS: dict[str, Any] = {**GENERAL, **CASES, **FIELDS, **PROBLEMS}
# Every code an API client can meet in `error.code` (the OpenAPI enum).
CODES: tuple[str, ...] = (
    "not_authenticated", "forbidden", "not_found", "invalid_request", "invalid_data", "invalid_definition",
    "task_completed", "task_cancelled", "task_claimed", "task_not_ready", "task_not_open", "instance_not_running",
    "invalid_transition", "retry_needs_incident", "failed_task_gone", "npp_taken", "stale", "too_large",
    "rate_limited", "method_not_allowed", "csrf_failed", "internal_error", "service_unavailable",
    "definition_retired", "definition_current_retire", "migration_blocked",
    "document_already_numbered", "letter_number_taken", "document_kind_unnumbered",
)


class _Params(dict[str, Any]):
    """Parameters as the sentence shows them; a missing one shows as "?" rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"


def _shown(name: str, value: Any) -> Any:
    if name in ("status", "target"):
        return str(INSTANCE_STATUS.get(str(value), value))
    if name == "types" and isinstance(value, list):
        return gettext(" atau ").join(str(TYPE_NAMES.get(str(v), v)) for v in value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def text(key: str, params: Mapping[str, Any] | None = None, fallback: str = "") -> str:
    """The sentence for an error case or code, in the request's language, with its params filled in."""
    template = TEXTS.get(key)
    if template is None:
        log.warning("no text for error %r", key)
        template = TEXTS.get(fallback, key)
    return str(template) % _Params({k: _shown(k, v) for k, v in (params or {}).items()})


def details(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Error details (field errors, problems) with a `message` in the request's language."""
    return [{**entry, "message": text(str(entry.get("code", "")), entry.get("params"), "invalid_data")}
            for entry in entries]


def message(exc: SenapasError) -> str:
    """The sentence for an engine error, in the request's language."""
    return text(exc.case, exc.params, exc.code)


def describe(exc: SenapasError) -> str:
    """The sentence for an engine error followed by its details, for the command line."""
    parts = [message(exc)]
    for entry in details(exc.details):
        where = entry.get("file") or entry.get("path") or ""
        if entry.get("line"):
            where += f":{entry['line']}"
        parts.append(f"{where}: {entry['message']}" if where else str(entry["message"]))
    return "; ".join(parts)
