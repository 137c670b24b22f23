"""Display labels for role keys, statuses and audit actions, translated through the catalog."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from engine.libraries.fields import subtype_words

# Keys of the cycle's data that only the process writes (no form names them).
PROCESS_FIELDS: dict[str, Any] = {
    "oleh": _l("Oleh"), "visit_date_lama": _l("Tanggal kunjungan semula"), "perubahan": _l("Perubahan kunjungan"),
    "perubahan_kunjungan": _l("Perubahan kunjungan terakhir"),
}
ROLE_LABELS: dict[str, Any] = {
    "kabid": _l("Kepala Bidang Perpustakaan"),
    "subkoor": _l("Sub Koordinator"),
    "petugas": _l("Petugas (Pustakawan Pembina)"),
    "mitra": _l("Instansi Penaung (Mitra)"),
    "pustakawan": _l("Pustakawan Perpustakaan"),
    "admin": _l("Administrator Proses"),
    "koordinasi": _l("Koordinasi Bidang Perpustakaan"),
    "publik": _l("Publik"),
}
INSTANCE_STATUS: dict[str, Any] = {
    "running": _l("berjalan"), "suspended": _l("ditangguhkan"), "completed": _l("selesai"),
    "cancelled": _l("dibatalkan"), "error": _l("insiden"),
}
TASK_STATUS: dict[str, Any] = {"open": _l("terbuka"), "completed": _l("selesai"), "cancelled": _l("dibatalkan")}
ACTIONS: dict[str, Any] = {
    "start": _l("memulai"), "claim": _l("mengambil tugas"), "unclaim": _l("melepas tugas"),
    "complete": _l("menyelesaikan"), "assign": _l("menugaskan ulang"), "suspend": _l("menangguhkan"),
    "resume": _l("melanjutkan"), "cancel": _l("membatalkan"), "retry": _l("mencoba ulang"),
    "incident": _l("insiden"), "comment": _l("berkomentar"), "timer": _l("timer berjalan"),
    "timer_fired": _l("timer jatuh tempo"),
    "deploy": _l("memasang definisi"), "migrate": _l("memindahkan versi"),
    "user_create": _l("menambah pengguna"), "user_update": _l("mengubah pengguna"),
    "user_deactivate": _l("menonaktifkan pengguna"), "user_activate": _l("mengaktifkan pengguna"),
    "password_reset": _l("mengatur ulang kata sandi"), "setting": _l("mengubah pengaturan"),
    "visit_withdraw": _l("menarik perpustakaan dari siklus"), "visit_reschedule": _l("menjadwalkan ulang kunjungan"),
}
PROFILE_LABELS: dict[str, Any] = {
    "collection_titles": _l("Koleksi (judul)"), "collection_copies": _l("Koleksi (eksemplar)"),
    "staff_count": _l("Jumlah tenaga perpustakaan"), "year_founded": _l("Tahun berdiri"),
    "staff_trained": _l("Tenaga terlatih"), "budget": _l("Anggaran per tahun (rupiah)"),
    "opening_hours": _l("Hari dan jam buka"), "npp_status": _l("Status NPP"),
}
# Keys of the library facts the engine copies into task data (engine.libraries.summary).
REGISTRY_FIELDS: dict[str, Any] = {
    "library": _l("Perpustakaan"), "library_name": _l("Nama perpustakaan"), "npp": "NPP",
    "library_type": _l("Jenis"), "subtype": _l("Jenjang"), "institution": _l("Lembaga induk"),
    "supervisor": _l("Instansi penaung"), "address": _l("Alamat"), "desa": _l("Desa/kelurahan"),
    "kecamatan": _l("Kecamatan"),
}


def role_label(key: str | None) -> str:
    """The label of a role or lane key (the key itself when unknown; supervisors for no lane)."""
    if key is None:
        return str(_l("Supervisor"))
    return str(ROLE_LABELS.get(key, key))


def status_label(value: str) -> str:
    """The label of an instance status."""
    return str(INSTANCE_STATUS.get(value, value))


def task_status_label(value: str) -> str:
    """The label of a task status."""
    return str(TASK_STATUS.get(value, value))


def action_label(value: str) -> str:
    """The label of an audit action."""
    return str(ACTIONS.get(value, value))


def profile_label(key: str) -> str:
    """The label of a library profile key (the key, made readable, when unknown)."""
    return str(PROFILE_LABELS.get(key, key.replace("_", " ").capitalize()))


FILTERS = {"profile_label": profile_label, "role_label": role_label, "status_label": status_label,
           "task_status_label": task_status_label, "action_label": action_label, "subtype_words": subtype_words}
