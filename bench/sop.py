"""The KITAPUN SENAPAS cycle as benchmark work: a prepared database, valid form data, and two drivers.

`prepare` deploys `processes/` and seeds the library registry and the people of each lane.
`EngineCycle` walks one cycle the way people do, one completion per transaction through
`engine.tasks.complete`; `memory_cycle` walks the same cycle on the same parsed spec and script
engine with SpiffWorkflow alone (no database), which is the floor every persisted figure is
compared with. Both take their form data from `form_data`, so they do the same work.
"""

from __future__ import annotations

import copy
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from engine import instances, tasks
from engine.db import execute, run_in_transaction
from engine.definitions import versions as definitions
from engine.libraries import fields as library_fields
from engine.libraries import instruments
from engine.libraries import registry as libraries
from engine.models import Definition, Task, TaskStatus
from engine.people import users
from engine.people.users import Actor
from engine.workflow import runtime as execution
from engine.workflow import spiff

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
KEY = "kitapun_senapas"
INSTRUMENT = "akreditasi-sekolah-2018"
# The engine limits of a default deployment, for the engine cycle and its in-memory floor alike.
LIMITS = execution.Limits()
ADMIN = Actor("admin", frozenset({"admin"}))
# One person per lane of the SOP; the coordination lane is worked by the head of division.
PEOPLE: dict[str, Actor] = {
    "koordinasi": Actor("kabid", frozenset({"kabid"})),
    "kabid": Actor("kabid", frozenset({"kabid"})),
    "petugas": Actor("petugas", frozenset({"petugas"})),
    "mitra": Actor("mitra", frozenset({"mitra"})),
}
_BY_NAME = {actor.username: actor for actor in PEOPLE.values()}
# Far enough ahead that the late-visit timers never fire during a run.
VISIT = date.today() + timedelta(days=365)
KECAMATAN = library_fields.KECAMATAN


def prepare(factory: sessionmaker[Session], library_count: int) -> list[int]:
    """Deploy the SOP, add its people and `library_count` libraries; return the library ids."""
    run_in_transaction(factory, lambda s: definitions.deploy_folder(s, PROCESSES, ADMIN))

    def seed(session: Session) -> list[int]:
        for actor in {a.username: a for a in PEOPLE.values()}.values():
            users.create_user(session, actor.username, "rahasia-bench", sorted(actor.roles), name=actor.username)
        return [libraries.create_library(session, name=f"Perpustakaan Bench {n}", kecamatan=KECAMATAN[n % 12],
                                         library_type="sekolah", subtype="SD")[0].id
                for n in range(1, library_count + 1)]

    return run_in_transaction(factory, seed)


def answers() -> dict[str, dict[str, str]]:
    """Instrument answers that score above the coaching threshold."""
    instrument = instruments.load(INSTRUMENT, PROCESSES / "kitapun_senapas")
    return {c.key: {i.id: "b" for i in c.indicators} for c in instrument.components}


def form_data(name: str, library_ids: list[int], item: int | None) -> dict[str, Any]:
    """Valid form data for one task of the SOP (`item` is the library of a per-library task)."""
    day = VISIT.isoformat()
    letter = {"penerima": ["dindikbud", "kemenag"], "perihal": "Pemberitahuan Jadwal Kegiatan", "sifat": "biasa"}
    schedule = [{"library": i, "visit_date": day, "officer": "petugas"} for i in library_ids]
    by_name: dict[str, Callable[[], dict[str, Any]]] = {
        "Koordinasi_Monev": lambda: {"periode": f"Monev Perpustakaan {VISIT.year} Tahap I", "jadwal": schedule,
                                     "notulen": "Rapat menetapkan sasaran, jadwal, dan petugas monev."},
        "Surat_Pemberitahuan_Monev": lambda: {"surat_monev": letter},
        "Konfirmasi_Penyebarluasan": lambda: {"konfirmasi": {"status": "sudah_disebarluaskan",
                                                             "tanggal_penyebaran": day}},
        "Kunjungan_Monev": lambda: {"kunjungan_monev": {"tanggal": day, "narasumber": f"Kepala {item}"}},
        "Monev": lambda: {"laporan_monev": {"tanggal": day, "temuan": "Koleksi tertata, layanan berjalan.",
                                            "rekomendasi": "Lengkapi dokumen akreditasi."},
                          "answers": answers()},
        "Pemilihan_Pembinaan": lambda: {"pembinaan": list(library_ids), "catatan_pemilihan": "Semua layak."},
        "Surat_Pemberitahuan_Pembinaan": lambda: {"surat_pembinaan": letter, "jadwal_pembinaan": schedule},
        "Kunjungan_Pembinaan": lambda: {"kunjungan_pembinaan": {
            "tanggal": day, "topik": ["administrasi", "otomasi"], "catatan": "Pendampingan SLiMS.",
            "siap_akreditasi": True}},
        "Pengajuan_Akreditasi": lambda: {"pengajuan_akreditasi": {"tanggal_pengajuan": day,
                                                                  "nomor_sipapi": f"SIPAPI-{item}"}},
        "Pendampingan_Akreditasi": lambda: {"pendampingan_akreditasi": {
            "tanggal": day, "petugas": ["petugas"], "catatan": "Visitasi didampingi."}},
        "Hasil_Akreditasi": lambda: {"akreditasi": {"status": "terakreditasi", "tanggal": day, "nilai": 82.5,
                                                    "nomor_sertifikat": f"SERT/{item}/{VISIT.year}"}},
    }
    return by_name[name]()


@dataclass
class CycleStats:
    """What one run of cycles did: completions and the time each one took, in seconds."""

    cycles: int = 0
    completions: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    instance_ids: list[int] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        """Completions per second over the whole run."""
        return self.completions / self.seconds if self.seconds else 0.0


# What a person picks next: the oldest open task of the instance. Built once, and plain columns:
# the harness's own reads are not the engine's work, so they stay as cheap as they can be.
_TASKS = cast(Table, Task.__table__)
_OPEN_TASKS = (select(_TASKS.c.id, _TASKS.c.name, _TASKS.c.lane, _TASKS.c.item_key, _TASKS.c.assignee)
               .where(_TASKS.c.instance_id == bindparam("instance_id"), _TASKS.c.status == TaskStatus.OPEN)
               .order_by(_TASKS.c.created_at, _TASKS.c.id))


@dataclass(frozen=True)
class OpenTask:
    """What the driver needs of an open task: which it is, whose lane, which library, and who holds it."""

    id: str
    name: str
    lane: str | None
    item_key: str | None
    assignee: str | None = None


# The libraries' self-assessment is optional (it closes with the monev): the officers' cycle is measured.
SKIPPED_LANES = frozenset({"pustakawan"})


def open_tasks(factory: sessionmaker[Session], instance_id: int) -> list[OpenTask]:
    """The open tasks of an instance the agency's staff work, oldest first, as the inbox lists them."""
    with factory() as session:
        return [OpenTask(*row) for row in execute(session, _OPEN_TASKS, {"instance_id": instance_id})
                if row.lane not in SKIPPED_LANES]


def _item(item_key: str | None) -> int | None:
    return int(item_key) if item_key and item_key.isdigit() else None


def start(factory: sessionmaker[Session]) -> int:
    """Start a cycle as the head of division; its id."""
    return run_in_transaction(factory, lambda s: instances.start(s, KEY, PEOPLE["koordinasi"], limits=LIMITS).id)


def complete(factory: sessionmaker[Session], task: OpenTask, library_ids: list[int]) -> tuple[float, list[OpenTask]]:
    """Complete one task with valid data in its own transaction; its latency and the tasks it opened."""
    # A task held by its lead (a visit team's, the coaching lead's) is theirs; any other, its lane's person.
    actor = _BY_NAME.get(task.assignee or "") or PEOPLE[task.lane or "koordinasi"]
    data = form_data(task.name, library_ids, _item(task.item_key))
    began = time.perf_counter()
    completion = run_in_transaction(factory, lambda s: tasks.complete(s, task.id, actor, data, limits=LIMITS))
    latency = time.perf_counter() - began
    return latency, [OpenTask(t.id, t.name, t.lane, t.item_key, t.assignee) for t in completion.next_tasks
                     if t.lane not in SKIPPED_LANES]


def complete_next(factory: sessionmaker[Session], instance_id: int, library_ids: list[int]) -> float | None:
    """Complete the oldest open task of an instance in its own transaction; its latency, or None when done."""
    waiting = open_tasks(factory, instance_id)
    return complete(factory, waiting[0], library_ids)[0] if waiting else None


def engine_cycle(factory: sessionmaker[Session], library_ids: list[int], stats: CycleStats) -> int:
    """Run one whole cycle through the engine, one transaction per completion; return the instance id.

    Like a person working from the answers of the API, the driver takes the next task from what
    each completion opened, oldest first, and asks the database only when that runs out.
    """
    began = time.perf_counter()
    iid = start(factory)
    waiting: deque[OpenTask] = deque()
    while waiting or (waiting := deque(open_tasks(factory, iid))):
        latency, opened = complete(factory, waiting.popleft(), library_ids)
        waiting.extend(opened)
        stats.latencies.append(latency)
        stats.completions += 1
    stats.seconds += time.perf_counter() - began
    stats.cycles += 1
    stats.instance_ids.append(iid)
    return iid


class MemoryCycle:
    """The floor: the same cycle with SpiffWorkflow alone, on the deployed spec and our script engine."""

    def __init__(self, factory: sessionmaker[Session], library_ids: list[int]) -> None:
        self.library_ids = library_ids
        with factory() as session:
            definition = session.scalars(select(Definition).where(Definition.key == KEY)
                                         .order_by(Definition.version.desc())).first()
            assert definition is not None
            self.spec, self.subprocess_specs = spiff.specs_for(definition.hash, lambda: definition.spec)
            # Registry lookups are database work: resolve every submission once, up front, so the
            # floor runs exactly the data the engine runs, without the database.
            self.resolved: dict[tuple[str, int | None], dict[str, Any]] = {}
            forms = definitions.forms_of(definition)
            for name, form in (("Koordinasi_Monev", "koordinasi_monev.json"),
                               ("Pemilihan_Pembinaan", "pemilihan_pembinaan.json"),
                               ("Surat_Pemberitahuan_Pembinaan", "surat_pemberitahuan_pembinaan.json")):
                self.resolved[(name, None)] = libraries.resolve_sources(
                    session, forms.get(form), form_data(name, library_ids, None))

    def data(self, name: str, item: int | None) -> dict[str, Any]:
        """The submission of a task, as the engine would store it."""
        found = self.resolved.get((name, None))
        return copy.deepcopy(found) if found is not None else form_data(name, self.library_ids, item)

    def run(self, stats: CycleStats) -> None:
        """One whole cycle in memory."""
        began = time.perf_counter()
        workflow = spiff.new_workflow(self.spec, self.subprocess_specs, LIMITS.script_time_limit)
        workflow.do_engine_steps()
        while True:
            ready = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                     if t.task_spec.lane not in SKIPPED_LANES]
            if not ready:
                break
            task = ready[0]
            key, _ = execution.item_of(task)
            t0 = time.perf_counter()
            task.data.update(self.data(task.task_spec.bpmn_id or task.task_spec.name,
                                       int(key) if key and key.isdigit() else None))
            task.run()
            workflow.do_engine_steps()
            stats.latencies.append(time.perf_counter() - t0)
            stats.completions += 1
        assert workflow.is_completed(), "the in-memory cycle did not finish"
        stats.seconds += time.perf_counter() - began
        stats.cycles += 1

