"""Data of one real KITAPUN SENAPAS cycle: five demo libraries of the four types, teams, and who does what.

School SD (1) is visited by a team, coached and accredited; the village library (3) is coached and
drops out; the company library (11) is rescheduled to a new date and team; the TBM (12) is visited
as planned; the SMP (4) cannot be visited and is withdrawn from the cycle.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from engine.db import run_in_transaction
from engine.people import users
from tests.web.sop_steps import day, letter, report


def monev(library: int, when: int, profile: dict[str, Any] | None = None) -> dict[str, Any]:
    """The monev of a library with its instrument's answers, reported on the visit day (and its profile)."""
    data = report(GIVEN[library], None, library)
    data["laporan_monev"] = {**data["laporan_monev"], "tanggal": day(when)}
    if profile:
        data.update({"profil": profile, "perbarui_registri": True})
    return data

SD, DESA, KHUSUS, TBM, SMP = 1, 3, 11, 12, 4
# The instrument each library's type gets (processes/kitapun_senapas/instruments/).
INSTRUMENTS = {SD: ("akreditasi-sekolah-2018", "Instrumen Akreditasi Perpustakaan Sekolah 2018 (monev)"),
               DESA: ("umum-desa-2018", "Instrumen Monev Perpustakaan Desa/Kelurahan (umum) 2018"),
               KHUSUS: ("khusus-instansi-2018",
                        "Instrumen Monev Perpustakaan Khusus (instansi pemerintah dan swasta) 2018"),
               TBM: ("tbm-daftar-periksa-2026", "Daftar Periksa Taman Bacaan Masyarakat (TBM) 2026")}
NAMES = {SD: "Perpustakaan SD Negeri Contoh 1 Baki", DESA: "Perpustakaan Desa Contoh Siwal",
         KHUSUS: "Perpustakaan Khusus Contoh PT Tekstil Sejahtera Cemani", TBM: "TBM Contoh Cahaya Langenharjo",
         SMP: "Perpustakaan SMP Negeri Contoh 2 Bendosari"}
# A second officer beside the demo's petugas, with the particulars a surat tugas prints.
SECOND = {"username": "petugas2", "name": "Rudi Hartanto, S.IP.", "nip": "198807142014021002",
          "rank": "Penata Muda Tk. I (III/b)", "position": "Pustakawan Pembina"}
FULL_NAMES = {"petugas": "Dwi Handayani, A.Md. (demo)", "subkoor": "Bambang Sutrisno, S.IP. (demo)",
              "kabid": "Sri Lestari, S.Sos. (demo)", "petugas2": SECOND["name"]}
PERIOD = "Monev Perpustakaan 2027 Tahap Uji"
# Visit day and team per library: the SD by petugas with petugas2, the village library by petugas2 alone.
SCHEDULE: list[dict[str, Any]] = [
    {"library": SD, "visit_date": day(30), "officer": "petugas", "members": ["petugas2"]},
    {"library": DESA, "visit_date": day(31), "officer": "petugas2"},
    {"library": KHUSUS, "visit_date": day(32), "officer": "petugas"},
    {"library": TBM, "visit_date": day(33), "officer": "subkoor", "members": ["petugas"]},
    {"library": SMP, "visit_date": day(34), "officer": "petugas"},
]
RESCHEDULED = {"reason": "Perusahaan sedang audit tahunan pada tanggal semula.", "visit_date": day(45),
               "officer": "petugas2", "members": ["subkoor"]}
WITHDRAWN = "Gedung perpustakaan sedang direnovasi; kunjungan tidak dapat dilakukan."
DROP_OUT = "Desa mengalihkan anggaran perpustakaan tahun ini."
# Answers per library (default letter and the instrument the library gets).
GIVEN = {SD: "a", DESA: "b", KHUSUS: "c", TBM: "b"}
# The SD's profile figures at the visit, offered to the registry.
PROFILE = {"koleksi_judul": 2150, "koleksi_eksemplar": 4875, "tenaga": 2, "tenaga_terlatih": 1,
           "anggaran": 15000000, "jam_buka": "Senin-Jumat 07.00-14.00", "npp": "3311100S0000001"}
COORDINATION = {"periode": PERIOD, "jadwal": SCHEDULE, "notulen": "Rapat koordinasi menetapkan lima sasaran dan tim."}
MONEV_LETTER = {"surat_monev": letter("Jadwal Monev Perpustakaan 2027")}
COACHING_LETTER = {"surat_pembinaan": letter("Jadwal Pembinaan Perpustakaan 2027"),
                   "jadwal_pembinaan": [{"library": SD, "visit_date": day(60), "officer": "petugas",
                                         "members": ["petugas2"]},
                                        {"library": DESA, "visit_date": day(61), "officer": "petugas2"}]}


def add_second_officer(factory: sessionmaker[Session], password: str) -> None:
    """A second petugas with a full name, NIP, rank and position."""
    run_in_transaction(factory, lambda s: users.create_user(
        s, SECOND["username"], password, ["petugas"], name=SECOND["name"], nip=SECOND["nip"], rank=SECOND["rank"],
        position=SECOND["position"]))
