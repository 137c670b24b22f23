"""The demo: one process with a fresh database, the SOP deployed, demo people and libraries, the
web server and the timer worker together."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import config
from engine.config import Context, Settings
from engine.db import run_in_transaction
from engine.definitions import versions
from engine.errors import NotFound, SenapasError
from engine.libraries import importer
from engine.libraries.registry import Library
from engine.migrate import upgrade
from engine.notify.rounds import NoticeWorker
from engine.people import accounts, users
from engine.workflow import timers
from web import demo_office, error_texts, notice_texts

log = logging.getLogger(__name__)
ADMIN = users.Actor("admin", frozenset({"admin"}))
# The documented password of every demo login; like any password it passes the policy.
DEMO_PASSWORD = "senapas-demo"


@dataclass(frozen=True)
class DemoUser:
    """One demo login."""

    username: str
    role: str
    name: str
    nip: str = ""
    rank: str = ""
    position: str = ""


# Fictional people; the NIPs follow the 18-digit pattern but belong to no one.
DEMO_USERS = (
    DemoUser("admin", "admin", "Admin Proses (demo)"),
    DemoUser("kabid", "kabid", "Sri Lestari, S.Sos. (demo)", "197805122005012003", "Pembina (IV/a)",
             "Kepala Bidang Perpustakaan"),
    DemoUser("subkoor", "subkoor", "Bambang Sutrisno, S.IP. (demo)", "198203152008011004", "Penata Tk. I (III/d)",
             "Sub Koordinator Pembinaan Perpustakaan"),
    DemoUser("petugas", "petugas", "Dwi Handayani, A.Md. (demo)", "199001202015032001", "Penata Muda (III/a)",
             "Pustakawan Pembina"),
    DemoUser("mitra", "mitra", "Agus Prasetyo (demo)", position="Dinas Pendidikan dan Kebudayaan"),
    DemoUser("pustakawan", "pustakawan", "Rina Wulandari (demo)", position="Pustakawan SD Negeri Contoh 1 Baki"),
)
# What the demo mitra and pustakawan belong to (`/api/v1/me`): an institution key and a library's name.
DEMO_INSTITUTION = "dindikbud"
DEMO_LIBRARY = "Perpustakaan SD Negeri Contoh 1 Baki"


def link_people(factory: sessionmaker[Session]) -> None:
    """Give the demo people an email, the pustakawan its library and the mitra its institution (once, audited)."""
    def work(session: Session) -> None:
        library_id = session.scalar(select(Library.id).where(Library.name == DEMO_LIBRARY))
        for person in DEMO_USERS:
            user = accounts.get(session, ADMIN, person.username)
            if user.email:
                continue
            accounts.update(session, ADMIN, user.username, accounts.Profile(
                name=user.name, roles=tuple(user.roles), email=f"{user.username}@demo.senapas.example",
                nip=user.nip, rank=user.rank, position=user.position,
                library_id=library_id if person.role == "pustakawan" else None,
                institution=DEMO_INSTITUTION if person.role == "mitra" else ""))
    run_in_transaction(factory, work)


def seed_users(factory: sessionmaker[Session], password: str) -> list[str]:
    """Create the demo users that do not exist yet; return the usernames created."""
    def work(session: Session) -> list[str]:
        created = []
        for person in DEMO_USERS:
            try:
                users.get_user(session, person.username)
            except NotFound:
                users.create_user(session, person.username, password, [person.role], name=person.name,
                                  nip=person.nip, rank=person.rank, position=person.position)
                created.append(person.username)
        return created
    return run_in_transaction(factory, work)


def deploy_processes(factory: sessionmaker[Session], folder: Path, say: Callable[[str], None]) -> None:
    """Deploy every bundle folder of the processes folder; a missing or broken folder only warns."""
    if not folder.is_dir() or not any(folder.glob("*.bpmn")) and not any(folder.glob("*/*.bpmn")):
        say(f"peringatan: belum ada berkas .bpmn di {folder}; tidak ada proses yang dipasang")
        return
    try:
        results = run_in_transaction(factory, lambda s: versions.deploy_folder(s, folder, ADMIN))
    except SenapasError as exc:
        say(f"peringatan: proses tidak dipasang: {error_texts.describe(exc)}")
        return
    for result in results:
        d = result.definition
        say(f"  {d.key} versi {d.version} {'baru' if result.created else 'sudah ada'}")


def import_libraries(factory: sessionmaker[Session], csv_path: Path, say: Callable[[str], None]) -> None:
    """Import the demo library registry (idempotent: the importer matches existing rows)."""
    if not csv_path.is_file():
        say(f"peringatan: {csv_path} tidak ada; registri perpustakaan kosong")
        return
    report = run_in_transaction(factory, lambda s: importer.import_csv(s, csv_path, ADMIN))
    if report.errors:
        line, entry = report.errors[0]
        say(f"peringatan: impor perpustakaan ditolak: {error_texts.text(entry['code'], entry['params'])} "
            f"(baris {line})")
        return
    say(f"  perpustakaan: {report.created} baru, {report.updated} diperbarui, {report.unchanged} tetap")


def prepare(settings: Settings, factory: sessionmaker[Session], password: str,
            say: Callable[[str], None] = print, *, empty: bool = False) -> None:
    """Upgrade the database, deploy the processes, seed people and libraries, and (unless `empty`) the office."""
    upgrade(factory.kw["bind"])
    say("basis data mutakhir")
    deploy_processes(factory, settings.processes_dir, say)
    created = seed_users(factory, password)
    say(f"  pengguna demo: {', '.join(created) if created else 'sudah ada'}")
    import_libraries(factory, settings.processes_dir / "demo" / "libraries.csv", say)
    link_people(factory)
    if empty:
        return
    began = time.perf_counter()
    if demo_office.seed(config.context(settings, factory), settings.processes_dir, say):
        say(f"  kantor demo: 3 siklus monev dan 2 pengaduan dibuat ({time.perf_counter() - began:.1f} detik)")
    else:
        say("  kantor demo: sudah berisi")


def start_timer_thread(context: Context, interval: float = 5.0, *,
                       settings: Settings | None = None) -> threading.Event:
    """Fire due timers, tell about deadlines and send queued emails every few seconds in a daemon thread;
    set the returned event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        notices = NoticeWorker(context, settings.smtp_url if settings else None,
                               notice_texts.composer(settings) if settings else None)
        while not stop.wait(interval):
            try:
                timers.run_due(context)
                notices.run()
            except Exception:  # keep the demo's worker alive; the failure is logged with its traceback
                log.exception("timer worker round failed")

    threading.Thread(target=loop, name="senapas-timers", daemon=True).start()
    return stop
