"""Tasks and instances: claiming, completing, reassigning, starting and changing the status of a process."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Cases engine and web raise (SenapasError.case).
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
    "reason_required": _l("alasan wajib diisi"),
    "visit_not_open": _l("perpustakaan %(library)s tidak punya kunjungan terbuka di siklus ini"),
    "unknown_visit_change": _l("perubahan kunjungan tidak dikenal (pilihan: %(choices)s)"),
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
    "process_required": _l("pilih proses yang akan dimulai"),
    "title_required": _l("beri judul proses yang akan dimulai"),
    "invalid_title": _l("judul paling panjang %(limit)s karakter, tanpa karakter kendali"),
}
