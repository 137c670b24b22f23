"""A living office for the demo: cycles and complaints at different stages, made by driving the real engine.

Every step is a real start or completion through `engine.instances` and `engine.tasks` (forms
validated, documents numbered, results recorded, audited), done as the demo person whose role works
it. Earlier cycles are recorded as of an earlier day (`tasks.complete(today=...)`), so their dates
are in the past like a real office's; visits whose day has passed escalate to kabid on their own.

After seeding: an earlier cycle is finished (two libraries coached: one dropped out, the other
submitted to Perpusnas, accompanied and accredited); the current cycle has visits done (one by a
team of two), one overdue visit escalated to kabid, visits still to come in their lead's inbox (one
rescheduled by kabid, with a new surat tugas) and one library withdrawn from the cycle; a newer
cycle waits for the mitra's confirmation; one complaint waits for triage and one is being handled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import complaints, instances, tasks, visits
from engine.config import Context
from engine.db import run_in_transaction
from engine.libraries import instruments
from engine.libraries.registry import Library
from engine.models import Definition, Instance, Task, TaskStatus
from engine.people.users import Actor
from engine.workflow import timers
from engine.workflow.runtime import WIB

PROCESS = "kitapun_senapas"
INSTRUMENT = "akreditasi-sekolah-2018"
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def _actor(username: str) -> Actor:
    # Each demo person holds the one role named like them (web.demo.DEMO_USERS).
    return Actor(username, frozenset({username}))


@dataclass
class Office:
    """Drives the engine as the demo people, one transaction per action."""

    context: Context
    today: date
    folder: Any

    def run(self, work: Callable[[Session], Any]) -> Any:
        """One unit of work on the demo database."""
        return run_in_transaction(self.context.factory, work)

    def start(self, username: str) -> int:
        """Start a monev cycle as `username`."""
        return int(self.run(lambda s: instances.start(s, PROCESS, _actor(username), limits=self.context.limits).id))

    def do(self, instance_id: int, name: str, username: str, data: dict[str, Any], *, library: int | None = None,
           on: date | None = None) -> None:
        """Complete the open task `name` (of one library's track) as `username`, as of the day `on`."""
        def work(session: Session) -> None:
            task = self._open(session, instance_id, name, library)
            tasks.complete(session, task.id, _actor(username), data, limits=self.context.limits, today=on)
        self.run(work)

    def change_visit(self, instance_id: int, library: int, username: str, what: str, data: dict[str, Any]) -> None:
        """A supervisor withdraws a library from the cycle or reschedules its visit."""
        self.run(lambda s: visits.change(s, instance_id, library, _actor(username), what, data,
                                         limits=self.context.limits))

    def claim(self, instance_id: int, name: str, username: str, *, library: int | None = None) -> None:
        """Take an open task into `username`'s inbox."""
        self.run(lambda s: tasks.claim(s, self._open(s, instance_id, name, library).id, _actor(username)))

    def _open(self, session: Session, instance_id: int, name: str, library: int | None) -> Task:
        found = [t for t in tasks.of_instance(session, instance_id, status=TaskStatus.OPEN)
                 if t.name == name and (library is None or t.item_key == str(library))]
        if not found:
            raise LookupError(f"no open task {name} (library {library}) in instance {instance_id}")
        return found[0]

    def answers(self, default: str, changes: dict[str, str] | None = None,
                library: int | None = None) -> dict[str, dict[str, str]]:
        """Answers to the instrument of the library's type: every indicator `default` (a–e), some changed."""
        folder = Path(self.folder) / PROCESS
        instrument = instruments.load(INSTRUMENT, folder)
        if library is not None:
            kind = self.run(lambda s: s.execute(select(Library.library_type, Library.subtype)
                                                .where(Library.id == library)).one())
            instrument = instruments.choose(instruments.typed(folder), kind[0] or "", kind[1] or "")
        return {c.key: {i.id: (changes or {}).get(i.id, default) for i in c.indicators} for c in instrument.components}


def _iso(day: date) -> str:
    return day.isoformat()


def _letter(subject: str) -> dict[str, Any]:
    return {"penerima": ["dindikbud", "kemenag"], "perihal": subject, "sifat": "biasa"}


def _period(day: date, stage: str) -> str:
    return f"Monev Perpustakaan {MONTHS[day.month - 1]} {day.year}{stage}"


def _open_cycle(office: Office, libraries: dict[int, date], period: str, on: date,
                teams: dict[int, tuple[str, list[str]]] | None = None) -> int:
    """Steps 1–3: coordination (petugas visits alone unless `teams` names a lead and members), the
    notification letter and the mitra's confirmation."""
    cycle = office.start("subkoor")

    def row(lid: int, visit: date) -> dict[str, Any]:
        lead, members = (teams or {}).get(lid, ("petugas", []))
        return {"library": lid, "visit_date": _iso(visit), "officer": lead, **({"members": members} if members else {})}

    office.do(cycle, "Koordinasi_Monev", "subkoor", {
        "periode": period,
        "jadwal": [row(lid, visit) for lid, visit in libraries.items()],
        "notulen": "Rapat koordinasi menetapkan sasaran, jadwal dan petugas monev."}, on=on)
    office.do(cycle, "Surat_Pemberitahuan_Monev", "petugas", {
        "surat_monev": _letter("Pemberitahuan Jadwal Monitoring dan Evaluasi Perpustakaan")}, on=on)
    return cycle


def _confirm(office: Office, cycle: int, on: date) -> None:
    office.do(cycle, "Konfirmasi_Penyebarluasan", "mitra", {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": _iso(on)}}, on=on)


def _visit(office: Office, cycle: int, library: int, day: date, given: str, changes: dict[str, str] | None = None,
           ) -> None:
    """Steps 4–5 for one library, as of its visit day (petugas leads or is on every demo team)."""
    office.do(cycle, "Kunjungan_Monev", "petugas", {"kunjungan_monev": {
        "tanggal": _iso(day), "narasumber": "Kepala perpustakaan"}}, library=library, on=day)
    office.do(cycle, "Monev", "petugas", {"answers": office.answers(given, changes, library), "laporan_monev": {
        "tanggal": _iso(day), "temuan": "Koleksi referensi dan pencatatan pengunjung belum memadai.",
        "rekomendasi": "Tambah koleksi referensi; catat kunjungan harian."}}, library=library, on=day)


def _watch(office: Office, cycle: int, library: int, on: date) -> None:
    """Kabid answers an escalated visit by keeping an eye on it."""
    office.do(cycle, "Eskalasi_Kunjungan", "kabid", {"eskalasi_kunjungan": {
        "tindak_lanjut": "pantau", "catatan": "Petugas diminta segera melaporkan hasil kunjungan."}},
        library=library, on=on)


def _earlier_cycle(office: Office, libs: list[int]) -> None:
    """A finished cycle, about five months ago: three libraries visited, two coached (one drops out, one accredited)."""
    start = office.today - timedelta(days=150)
    visits = {libs[0]: start + timedelta(days=10), libs[1]: start + timedelta(days=11),
              libs[2]: start + timedelta(days=12)}
    cycle = _open_cycle(office, visits, _period(start, ""), start)
    _confirm(office, cycle, start + timedelta(days=2))  # the visit days are past now: each escalates
    for (lid, day), (given, changes) in zip(visits.items(), (("c", {}), ("a", {"kol_01": "b"}), ("d", {})),
                                            strict=True):
        _watch(office, cycle, lid, day)  # kabid keeps an eye on it; the visit is recorded that day
        _visit(office, cycle, lid, day, given, changes)
    chosen = start + timedelta(days=20)
    office.do(cycle, "Pemilihan_Pembinaan", "kabid", {"pembinaan": [libs[1], libs[0]],
                                                      "catatan_pemilihan": "Dua skor tertinggi; dibina."}, on=chosen)
    coaching = start + timedelta(days=40)
    office.do(cycle, "Surat_Pemberitahuan_Pembinaan", "petugas", {
        "surat_pembinaan": _letter("Pemberitahuan Jadwal Pembinaan Perpustakaan Menuju Akreditasi"),
        "jadwal_pembinaan": [{"library": lid, "visit_date": _iso(coaching), "officer": "petugas"}
                             for lid in (libs[1], libs[0])]}, on=chosen)
    office.do(cycle, "Kunjungan_Pembinaan", "petugas", {"kunjungan_pembinaan": {
        "tanggal": _iso(coaching), "topik": ["administrasi"], "catatan": "Kepala sekolah menyatakan mundur.",
        "mundur": True, "alasan_mundur": "Ruang perpustakaan dipakai untuk kelas selama renovasi gedung sekolah."}},
        library=libs[0], on=coaching)
    office.do(cycle, "Kunjungan_Pembinaan", "petugas", {"kunjungan_pembinaan": {
        "tanggal": _iso(coaching), "topik": ["administrasi", "otomasi"], "catatan": "Dokumen akreditasi lengkap.",
        "siap_akreditasi": True}}, library=libs[1], on=coaching)
    submitted, visited = start + timedelta(days=45), start + timedelta(days=70)
    office.do(cycle, "Pengajuan_Akreditasi", "petugas", {"pengajuan_akreditasi": {
        "tanggal_pengajuan": _iso(submitted), "nomor_sipapi": f"SIPAPI-{submitted.year}-0001",
        "jadwal_visitasi": _iso(visited), "officer": "subkoor", "members": ["petugas"]}}, library=libs[1], on=submitted)
    office.do(cycle, "Pendampingan_Akreditasi", "subkoor", {"pendampingan_akreditasi": {
        "tanggal": _iso(visited), "petugas": ["petugas"],
        "catatan": "Visitasi berjalan lancar; penilai meminta bukti kegiatan literasi."}}, library=libs[1], on=visited)
    accredited = start + timedelta(days=100)
    office.do(cycle, "Hasil_Akreditasi", "petugas", {"akreditasi": {
        "status": "terakreditasi", "tanggal": _iso(accredited), "nilai": 91.17,
        "nomor_sertifikat": f"AKR/0001/{accredited.year}"}}, library=libs[1], on=accredited)


def _current_cycle(office: Office, libs: list[int]) -> None:
    """Part-way: two visits done (one by a team), one overdue (escalated to kabid), two to come in their
    lead's inbox (one rescheduled by kabid, led by subkoor with petugas), one library withdrawn."""
    start = office.today - timedelta(days=12)
    visits = {libs[0]: start + timedelta(days=3), libs[1]: start + timedelta(days=4),
              libs[2]: office.today - timedelta(days=1), libs[3]: office.today + timedelta(days=3),
              libs[4]: office.today + timedelta(days=5), libs[5]: office.today + timedelta(days=6)}
    teams = {libs[1]: ("petugas", ["subkoor"]), libs[4]: ("subkoor", ["petugas"])}
    cycle = _open_cycle(office, visits, _period(start, " Tahap II"), start, teams)
    _confirm(office, cycle, start + timedelta(days=1))
    _watch(office, cycle, libs[0], visits[libs[0]])
    _visit(office, cycle, libs[0], visits[libs[0]], "b")
    _watch(office, cycle, libs[1], visits[libs[1]])
    _visit(office, cycle, libs[1], visits[libs[1]], "c", {"kol_01": "a"})
    office.change_visit(cycle, libs[4], "kabid", "reschedule", {
        "reason": "Sekolah menjalankan ujian akhir pada tanggal semula.",
        "visit_date": _iso(office.today + timedelta(days=9))})
    office.change_visit(cycle, libs[5], "kabid", "withdraw", {
        "reason": "Perpustakaan tutup selama renovasi gedung sampai akhir tahun."})


def _new_cycle(office: Office, libs: list[int]) -> None:
    """Just planned: the notification letter waits for the mitra's confirmation."""
    visits = {libs[0]: office.today + timedelta(days=14), libs[1]: office.today + timedelta(days=15)}
    _open_cycle(office, visits, _period(office.today, " Tahap III"), office.today)


def _complaints(office: Office) -> None:
    """One complaint waiting for triage, one triaged and being handled by petugas."""
    office.run(lambda s: complaints.submit(s, {
        "name": "Sri Wahyuni", "contact": "0812-0000-1111", "channel": "web",
        "message": "Jam buka perpustakaan keliling di Kecamatan Weru tidak sesuai jadwal yang diumumkan."},
        limits=office.context.limits))
    office.run(lambda s: complaints.submit(s, {
        "name": "Budi Hartono", "contact": "budi.hartono@example.org", "channel": "email",
        "message": "Buku yang saya cari tidak tersedia di katalog daring, padahal tercatat di rak."},
        limits=office.context.limits))
    complaint = office.run(lambda s: s.scalar(select(Instance.id).where(Instance.definition_key == "pengaduan")
                                              .order_by(Instance.id.desc()).limit(1)))
    office.do(int(complaint), "Telaah_Pengaduan", "subkoor", {"telaah": {
        "kategori": "koleksi", "prioritas": "sedang", "cara_penanganan": "internal",
        "catatan": "Periksa data katalog dan koleksi di rak."}})


def seed(context: Context, folder: Any, say: Callable[[str], None], today: date | None = None) -> bool:
    """Fill an empty demo office (no cycle yet); returns False when there was one already."""
    office = Office(context, today or datetime.now(WIB).date(), folder)
    if office.run(lambda s: s.scalar(select(Instance.id).where(Instance.definition_key == PROCESS).limit(1))):
        return False
    if office.run(lambda s: s.scalar(select(Definition.id).where(Definition.key == PROCESS).limit(1))) is None:
        say(f"peringatan: proses {PROCESS} belum dipasang; kantor demo tidak diisi")
        return False
    libs = office.run(lambda s: list(s.scalars(select(Library.id).where(Library.active.is_(True))
                                               .order_by(Library.id).limit(11))))
    if len(libs) < 11:
        say("peringatan: kurang dari 11 perpustakaan di registri; kantor demo tidak diisi")
        return False
    # SpiffWorkflow logs every task state change at INFO: hundreds of lines that say nothing to a newcomer.
    spiff_log = logging.getLogger("spiff")
    level = spiff_log.level
    spiff_log.setLevel(logging.WARNING)
    try:
        _earlier_cycle(office, libs[:3])
        _current_cycle(office, libs[3:9])
        _new_cycle(office, libs[9:11])
        _complaints(office)
        timers.run_due(context)  # the overdue visit escalates now, not at the worker's first round
    finally:
        spiff_log.setLevel(level)
    return True
