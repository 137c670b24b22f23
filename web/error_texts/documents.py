"""Documents and letters: kinds, letter numbers and dates, and the letter texts an administrator edits."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {
    "unknown_document_kind": _l("jenis dokumen tidak dikenal: %(kind)s"),
    "document_not_found": _l("dokumen tidak ditemukan"),
}
# Per-field codes in ValidationFailed details.
FIELDS: dict[str, Any] = {
    "number_pattern_invalid": _l("pola hanya boleh memakai {code}, {seq}, {unit}, {year}, {month} dan wajib "
                                 "memuat {code}, {seq} dan {year}"),
    "numbering_in_use": _l("nomor surat tahun %(year)s sudah diberikan; cara penomoran dapat diubah mulai "
                           "tahun berikutnya"),
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
