"""Sample document contexts shaped like the ones engine.documents.documents stores, with fictional data."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from engine.db import run_in_transaction
from engine.models import Definition, Instance
from engine.settings import DEFAULTS

OFFICERS = {
    "budi": {"name": "Budi Santoso, S.IP. (fiktif)", "nip": "198505052010011005", "rank": "Penata (III/c)",
             "position": "Pustakawan Ahli Muda"},
    "sari": {"name": "Sari Lestari, A.Md. (fiktif)", "nip": "199003032015032002",
             "rank": "Pengatur Tingkat I (II/d)", "position": "Pustakawan Terampil"},
}
LIBRARIES = [
    {"library": 7, "library_name": "Perpustakaan SD Negeri 1 Contoh", "address": "Jl. Melati No. 3",
     "desa": "Desa Contoh", "kecamatan": "Bendosari", "visit_date": "2027-03-15", "officer": "budi"},
    {"library": 9, "library_name": "Perpustakaan MTs Negeri Contoh", "address": "Jl. Kenanga No. 10",
     "kecamatan": "Kartasura", "visit_date": "2027-03-16", "officer": "sari"},
    {"library": 12, "library_name": "Perpustakaan Desa Contoh Makmur", "address": "Balai Desa Contoh Makmur",
     "kecamatan": "Polokarto", "visit_date": "2027-03-17", "officer": "budi"},
    {"library": 15, "library_name": "TBM Pelangi (contoh)", "address": "Dukuh Contoh RT 02/RW 05",
     "kecamatan": "Weru", "visit_date": "2027-03-18", "officer": "sari"},
]
SCORE = {
    "instrument": "akreditasi-sekolah-2018", "version": "2018",
    "components": [
        {"key": "koleksi", "title": "Koleksi", "weight": 20.0, "points": 56, "max_points": 70, "score": 16.0},
        {"key": "sarana", "title": "Sarana dan Prasarana", "weight": 15.0, "points": 80, "max_points": 100,
         "score": 12.0},
        {"key": "pelayanan", "title": "Pelayanan", "weight": 25.0, "points": 50, "max_points": 60,
         "score": 20.83},
        {"key": "tenaga", "title": "Tenaga Perpustakaan", "weight": 20.0, "points": 20, "max_points": 30,
         "score": 13.33},
        {"key": "pengelolaan", "title": "Penyelenggaraan dan Pengelolaan", "weight": 15.0, "points": 40,
         "max_points": 45, "score": 13.33},
        {"key": "penguat", "title": "Komponen Penguat", "weight": 5.0, "points": 20, "max_points": 25,
         "score": 4.0},
    ],
    "total": 79.5, "grade": "B",
}
DATA: dict[str, Any] = {
    "periode": "Monev Perpustakaan 2027 Tahap I",
    "jadwal": LIBRARIES,
    "notulen": "Rapat menetapkan empat perpustakaan sasaran.",
    "surat_monev": {"penerima": ["dindikbud", "kemenag"], "perihal": "Pemberitahuan Jadwal Monitoring dan "
                    "Evaluasi Perpustakaan", "sifat": "segera",
                    "catatan": "Mohon kepala sekolah/madrasah menyiapkan data koleksi dan anggaran perpustakaan."},
    "kunjungan": dict(LIBRARIES[0]),
    "kunjungan_monev": {"tanggal": "2027-03-15", "narasumber": "Ibu Kepala Perpustakaan",
                        "catatan": "Kunjungan lancar."},
    "skor_monev": SCORE,
    "laporan_monev": {"tanggal": "2027-03-15",
                      "temuan": "Koleksi nonfiksi masih kurang dari 65%.\nJam layanan baru 5 jam per hari.",
                      "rekomendasi": "Tambah koleksi nonfiksi.\nPerpanjang jam layanan menjadi 7 jam."},
    "kesiapan": {"siap_dibina": True, "saran": "Siap dibina menuju akreditasi"},
    "hasil_monev": [
        {**LIBRARIES[0], "skor_monev": {"total": 79.5, "grade": "B"},
         "kesiapan": {"saran": "Siap dibina menuju akreditasi"}},
        {**LIBRARIES[1], "skor_monev": {"total": 92.02, "grade": "A"},
         "kesiapan": {"saran": "Siap dibina menuju akreditasi"}},
        {**LIBRARIES[2], "skor_monev": {"total": 48.4, "grade": "Tidak Terakreditasi"},
         "kesiapan": {"saran": "Belum siap: benahi standar dasar lebih dahulu"}},
        {**LIBRARIES[3], "skor_monev": {"total": 61.0, "grade": "C"},
         "kesiapan": {"saran": "Siap dibina menuju akreditasi"}},
    ],
    "pembinaan": [7, 15],
    "catatan_pemilihan": "Dua perpustakaan dipilih sesuai kesiapan dan komitmen lembaga induk.",
    "surat_pembinaan": {"penerima": ["dindikbud", "lainnya"], "penerima_lain": "Kepala Desa Contoh Makmur",
                        "perihal": "Pemberitahuan Jadwal Pembinaan Perpustakaan Menuju Akreditasi",
                        "sifat": "biasa"},
    "jadwal_pembinaan": [
        {"library": 7, "library_name": "Perpustakaan SD Negeri 1 Contoh", "kecamatan": "Bendosari",
         "address": "Jl. Melati No. 3, Desa Contoh", "visit_date": "2027-05-03", "officer": "budi"},
        {"library": 15, "library_name": "TBM Pelangi (contoh)", "kecamatan": "Weru",
         "address": "Dukuh Contoh RT 02/RW 05", "visit_date": "2027-05-05", "officer": "sari"},
    ],
    "akreditasi": {"tanggal": "2027-09-20", "nilai": 91.17, "predikat": "A",
                   "nomor_sertifikat": "CONTOH-123/AKRED/2027", "berlaku_sampai": "2032-09-20",
                   "catatan": "Perpustakaan didampingi selama visitasi daring dan luring."},
    "name": "Rina <b>Warga</b> & Rekan",
    "contact": "rina@example.org",
    "channel": "email",
    "message": "Jam buka perpustakaan desa tidak sesuai papan informasi.",
    "reference": "ADU-2027-0001",
    "balasan": {"isi": "Terima kasih atas laporan Saudara.\nJam layanan <b>sudah</b> disesuaikan & diumumkan.",
                "media": "surat", "tanggal": "2027-04-02"},
}
NUMBERS = {"surat_tugas": "800.1.11.1/3/Dispusip/2027"}


# Rows as engine.documents.cycle_results gives them (the registry's recorded monev results).
RESULTS = [
    {"library": 7, "library_name": "Perpustakaan SD Negeri 1 Contoh", "npp": "3311052C0000007",
     "library_type": "sekolah", "subtype": "sd", "institution": "SD Negeri 1 Contoh", "supervisor": "dindikbud",
     "address": "Jl. Melati No. 3", "desa": "Desa Contoh", "kecamatan": "Bendosari", "total": 79.5, "grade": "B",
     "components": SCORE["components"], "officer": "budi", "date": "2027-03-15", "ready": True,
     "instrument": "akreditasi-sekolah-2018"},
    {"library": 12, "library_name": "Perpustakaan Desa Contoh Makmur", "npp": "", "library_type": "desa",
     "subtype": "", "institution": "Pemerintah Desa Contoh Makmur", "supervisor": "lainnya",
     "address": "Balai Desa", "desa": "Contoh Makmur", "kecamatan": "Polokarto", "total": 48.4,
     "grade": "Tidak Terakreditasi", "components": [{"key": "koleksi", "title": "Koleksi", "score": 9.71}],
     "officer": "sari", "date": "2027-03-17", "ready": False, "instrument": "akreditasi-sekolah-2018"},
]


def context(kind: str, **changes: Any) -> dict[str, Any]:
    """A full document context of `kind` for library 7, as engine.documents.create would store it."""
    base = {
        "kind": kind,
        "number": NUMBERS.get(kind, "000.4/12/Dispusip/2027"),
        "date": "2027-03-12",
        "place": DEFAULTS["agency_place"],
        "agency": {key[len("agency_"):]: value for key, value in DEFAULTS.items() if key.startswith("agency_")},
        "signatory": dict(DEFAULTS["letter_signatories"][DEFAULTS["letter_signers"][kind]]),
        "copies": list(DEFAULTS["letter_copies"].get(kind, [])),
        "recipients": dict(DEFAULTS["letter_recipients"]),
        "legal_bases": list(DEFAULTS["letter_legal_bases"]) if kind == "surat_tugas" else [],
        "budget_basis": DEFAULTS["letter_budget_basis"] if kind == "surat_tugas" else "",
        "texts": {key[len("letter_"):]: DEFAULTS[key] for key in ("letter_order_word", "letter_no_gratuity",
                                                                  "letter_free_of_charge", "letter_visit_time")},
        "contact": dict(DEFAULTS["letter_contact"]),
        "supervisors": dict(DEFAULTS["letter_supervisors"]),
        "number_pending": False,
        "officers": copy.deepcopy(OFFICERS),
        "actor": "budi",
        "item": {"key": "7", "label": "Perpustakaan SD Negeri 1 Contoh"},
        "library": None,
        "results": [],
        "step": "kunjungan_monev",
        "instance": {"id": 1, "title": "Monev Perpustakaan 2027 Tahap I"},
        "data": copy.deepcopy(DATA),
    }
    base.update(changes)
    return base


def instance_row(factory: sessionmaker[Session]) -> int:
    """A bare instance (and definition) row for documents to belong to."""
    def work(s: Session) -> int:
        definition = Definition(key="monev", name="Monev", version=1, hash="y" * 64, filename="monev.bpmn",
                                bpmn=b"<x/>", files={}, forms={}, spec="{}", start_roles=[], deployed_by="admin")
        s.add(definition)
        s.flush()
        instance = Instance(definition_id=definition.id, definition_key="monev", started_by="admin")
        s.add(instance)
        s.flush()
        return instance.id
    return run_in_transaction(factory, work)
