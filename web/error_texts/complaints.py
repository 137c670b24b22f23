"""Public complaints: sending one and looking up its status."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {
    "too_many_complaints": _l("terlalu banyak pengaduan dari alamat ini; coba lagi nanti"),
    "too_many_lookups": _l("terlalu banyak pencarian pengaduan yang gagal; coba lagi dalam %(seconds)s detik"),
    "complaint_not_found": _l("tidak ada pengaduan dengan nomor referensi dan kontak itu"),
}
