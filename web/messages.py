"""English versions of the engine's Indonesian messages, for API callers and pages in English.

The engine speaks Indonesian. Rather than threading a locale through every engine function, the
web edge recognises the messages it knows (a small table of patterns) and falls back to one
generic English sentence per error code for anything else.
"""

from __future__ import annotations

import re
from typing import Any

STATUS_EN = {"berjalan": "running", "ditangguhkan": "suspended", "selesai": "completed",
             "dibatalkan": "cancelled", "insiden": "in error"}
TYPE_EN = {"teks": "text", "bilangan bulat": "an integer", "angka": "a number", "ya/tidak": "yes/no",
           "daftar": "a list", "objek": "an object", "kosong": "empty"}

GENERIC_EN = {
    "not_found": "Not found.",
    "forbidden": "Your roles do not allow this.",
    "conflict": "The action does not fit the current state; reload and try again.",
    "invalid_data": "The submitted data is invalid.",
    "bad_request": "The request is malformed.",
    "invalid_definition": "The process definition is invalid.",
    "not_authenticated": "Log in or send a valid bearer token.",
    "rate_limited": "Too many requests; try again later.",
    "payload_too_large": "The request body is over the size limit.",
    "method_not_allowed": "This method is not allowed here.",
    "csrf_failed": "The form has expired or lacks its security token; reload the page and try again.",
    "service_unavailable": "The database is not reachable right now; try again in a moment.",
    "internal_error": "Something went wrong on the server.",
}


def _status(word: str) -> str:
    return STATUS_EN.get(word, word)


_MESSAGES: list[tuple[re.Pattern[str], Any]] = [(re.compile(p + r"$"), t) for p, t in [
    (r"tugas tidak ditemukan", "task not found"),
    (r"tugas ini bukan untuk peran Anda", "this task is not for your role"),
    (r"tugas sudah diselesaikan", "the task is already completed"),
    (r"tugas sudah dibatalkan", "the task was cancelled"),
    (r"tugas sedang dikerjakan oleh (.+)", "the task is being worked on by {0}"),
    (r"tugas tidak lagi siap dikerjakan", "the task is no longer ready"),
    (r"tugas baru saja diambil orang lain", "the task was just taken by someone else"),
    (r"tugas sudah tidak terbuka", "the task is no longer open"),
    (r"hanya pemegang tugas atau supervisor yang boleh melepasnya",
     "only the holder of the task or a supervisor may release it"),
    (r"hanya supervisor yang boleh .*", "only supervisors may do this"),
    (r"hanya admin yang boleh .*", "only administrators may do this"),
    (r"alasan wajib diisi", "a reason is required"),
    (r"pengguna (\S+) tidak ditemukan", "user {0} not found"),
    (r"peran (\S+) tidak sesuai dengan lajur tugas ini", "the roles of {0} do not fit this task's lane"),
    (r"komentar wajib diisi.*", "a comment is required (at most 5000 characters)"),
    (r"instance (\S+) tidak ditemukan", "instance {0} not found"),
    (r"instance berstatus (\w+); tidak dapat menjadi (\w+)",
     lambda m: f"the instance is {_status(m[1])}; it cannot become {_status(m[2])}"),
    (r"instance berstatus (\w+)", lambda m: f"the instance is {_status(m[1])}"),
    (r"hanya instance berstatus insiden yang dapat dicoba ulang", "only instances in error can be retried"),
    (r"proses (\S+) tidak dapat dimulai tanpa login", "process {0} cannot be started without logging in"),
    (r"peran Anda tidak boleh memulai proses (\S+)", "your roles may not start process {0}"),
    (r"definisi (\S+) versi (\d+) tidak ditemukan", "definition {0} version {1} not found"),
    (r"definisi (\S+) tidak ditemukan", "definition {0} not found"),
    (r"definisi tidak ditemukan", "definition not found"),
    (r"dokumen tidak ditemukan", "document not found"),
    (r"data formulir tidak valid", "the form data is invalid"),
    (r"data formulir harus berupa objek JSON", "form data must be a JSON object"),
    (r"data formulir bersarang lebih dari (\d+) tingkat", "form data nests deeper than {0} levels"),
    (r"data formulir melebihi (\d+) KB", "form data is over {0} KB"),
    (r"parameter page dan per_page harus bilangan bulat", "page and per_page must be integers"),
    (r"page harus antara 1 dan (\d+)", "page must be between 1 and {0}"),
    (r"per_page harus antara 1 dan (\d+)", "per_page must be between 1 and {0}"),
    (r"status tidak dikenal: (.+)", "unknown status: {0}"),
    (r"teks pencarian maksimal (\d+) karakter", "the search text may have at most {0} characters"),
    (r"kata sandi minimal (\d+) karakter", "the password needs at least {0} characters"),
    (r"kata sandi tidak boleh sama dengan nama pengguna", "the password must not be the username"),
    (r"kata sandi terlalu umum; pilih yang lebih sulit ditebak",
     "the password is too common; choose one that is harder to guess"),
    # The web layer's own messages.
    (r"nama pengguna atau kata sandi salah", "wrong username or password"),
    (r"kata sandi sekarang salah", "the current password is wrong"),
    (r"token tidak dikenal, kedaluwarsa, atau sudah dicabut", "unknown, expired or revoked token"),
    (r"masuk terlebih dahulu atau kirim token Bearer", "log in or send a bearer token"),
    (r"header Authorization harus berbentuk 'Bearer <token>'", "the Authorization header must be 'Bearer <token>'"),
    (r"kirim token yang akan dicabut di header Authorization", "send the token to revoke in the Authorization header"),
    (r"terlalu banyak percobaan masuk yang gagal; coba lagi dalam (\d+) detik",
     "too many failed login attempts; try again in {0} seconds"),
    (r"terlalu banyak pengaduan dari alamat ini; coba lagi nanti", "too many complaints from this address; try later"),
    (r"isi permintaan harus objek JSON", "the request body must be a JSON object"),
    (r"isi permintaan bukan objek JSON yang sah", "the request body is not a valid JSON object"),
    (r"isi permintaan bersarang terlalu dalam", "the request body nests too deeply"),
    (r"Content-Type harus application/json", "Content-Type must be application/json"),
    (r"'(\w+)' wajib diisi sebagai teks", "'{0}' is required as text"),
    (r"'(\w+)' harus objek JSON", "'{0}' must be a JSON object"),
    (r"scope harus salah satu dari: (.+)", "scope must be one of: {0}"),
    (r"parameter permintaan tidak boleh memuat karakter NUL", "request parameters must not contain NUL characters"),
    (r"pilih satu berkas \.bpmn untuk diunggah \(isian 'file'\)", "choose one .bpmn file to upload (field 'file')"),
    (r"hanya berkas \.bpmn yang dapat dipasang", "only .bpmn files can be deployed"),
    (r"pilih proses yang akan dimulai", "choose the process to start"),
    (r"data bentrok dengan perubahan lain; muat ulang lalu coba lagi",
     "the data clashed with another change; reload and try again"),
    (r"wajib diisi", "required"),
    (r"harus berupa (.+)", lambda m: "must be " + " or ".join(TYPE_EN.get(t, t) for t in m[1].split(" atau "))),
    (r"nilai tidak termasuk pilihan yang tersedia", "not one of the available choices"),
    (r"harus tanggal dengan format YYYY-MM-DD", "must be a date formatted YYYY-MM-DD"),
    (r"harus tanggal dan waktu ISO 8601", "must be an ISO 8601 date and time"),
    (r"alamat email tidak valid", "not a valid email address"),
    (r"minimal (\S+) karakter", "at least {0} characters"),
    (r"maksimal (\S+) karakter", "at most {0} characters"),
    (r"pilih minimal (\S+)", "choose at least {0}"),
    (r"maksimal (\S+) butir", "at most {0} items"),
    (r"minimal (\S+)", "at least {0}"),
    (r"maksimal (\S+)", "at most {0}"),
    (r"harus lebih dari (\S+)", "must be greater than {0}"),
    (r"harus kurang dari (\S+)", "must be less than {0}"),
    (r"harus kelipatan (\S+)", "must be a multiple of {0}"),
    (r"tidak boleh ada butir ganda", "items must not repeat"),
    (r"format tidak sesuai", "does not match the expected format"),
    (r"berisi isian yang tidak dikenal", "contains unknown fields"),
]]


def english(message: str, code: str = "") -> str:
    """The English text of a known engine message, else the generic sentence for its code."""
    text = (message or "").strip()
    for pattern, template in _MESSAGES:
        match = pattern.match(text)
        if match:
            return template(match) if callable(template) else template.format(*match.groups())
    return GENERIC_EN.get(code, text)


def localize(message: str, code: str, locale: str) -> str:
    """The message in the request's language."""
    return english(message, code) if locale == "en" else message


def localize_details(details: list[dict[str, Any]], locale: str) -> list[dict[str, Any]]:
    """Error details with their messages in the request's language (engine problem texts stay)."""
    if locale != "en":
        return details
    return [{**d, "message": english(str(d.get("message", "")), "")} if "line" not in d else d
            for d in details]
