"""People and access: accounts, passwords, logins, tokens, roles and notifications."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {
    "supervisors_only": _l("hanya supervisor yang boleh melakukan tindakan ini"),
    "admins_only": _l("hanya admin yang boleh melakukan tindakan ini"),
    "unknown_user": _l("pengguna %(username)s tidak ditemukan"),
    "username_required": _l("nama pengguna wajib diisi (maks. %(limit)s karakter)"),
    "unknown_roles": _l("peran tidak dikenal: %(roles)s"),
    "password_too_short": _l("kata sandi minimal %(minimum)s karakter"),
    "password_is_username": _l("kata sandi tidak boleh sama dengan nama pengguna"),
    "password_too_common": _l("kata sandi terlalu umum; pilih yang lebih sulit ditebak"),
    "current_password_wrong": _l("kata sandi sekarang salah"),
    "user_exists": _l("pengguna %(username)s sudah ada"),
    "user_not_found": _l("pengguna %(username)s tidak ditemukan"),
    "wrong_credentials": _l("nama pengguna atau kata sandi salah"),
    "token_invalid": _l("token tidak dikenal, kedaluwarsa, atau sudah dicabut"),
    "login_required": _l("masuk terlebih dahulu atau kirim token Bearer"),
    "bearer_header_malformed": _l("header Authorization harus berbentuk 'Bearer <token>'"),
    "token_to_revoke_missing": _l("kirim token yang akan dicabut di header Authorization"),
    "too_many_logins": _l("terlalu banyak percobaan masuk yang gagal; coba lagi dalam %(seconds)s detik"),
    "notification_not_found": _l("notifikasi tidak ditemukan"),
    "roles_list": _l("'roles' harus daftar teks"),
    "library_id_integer": _l("'library_id' harus bilangan bulat atau null"),
}
# Per-field codes in ValidationFailed details.
FIELDS: dict[str, Any] = {
    # Accounts as an administrator edits them.
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
    "reset_own_password": _l("kata sandi Anda sendiri diubah lewat halaman Kata sandi, bukan diatur ulang"),
    "user_inactive": _l("akun ini nonaktif; aktifkan kembali sebelum mengatur ulang kata sandi"),
}
