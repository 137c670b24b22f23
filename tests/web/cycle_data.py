"""A monev cycle part-way through, for the pages that show cycles: three libraries, one visit overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bench import sop
from engine.db import run_in_transaction
from engine.definitions import versions
from engine.libraries import registry
from engine.models import Task


def monev_cycle(factory: sessionmaker[Session]) -> tuple[int, list[int]]:
    """A cycle over three libraries: library 1 visited and reported, library 2's visit held and overdue."""
    run_in_transaction(factory, lambda s: versions.deploy_folder(s, sop.PROCESSES, sop.ADMIN))
    names = (("Perpustakaan SD Negeri 1 Weru", "Weru"), ("TBM Pelangi", "Nguter"), ("Perpustakaan Desa Bulu", "Bulu"))
    library_ids = run_in_transaction(factory, lambda s: [
        registry.create_library(s, name=name, kecamatan=kecamatan, library_type="sekolah", subtype="SD")[0].id
        for name, kecamatan in names])
    iid = sop.start(factory)
    for _ in range(3):
        sop.complete_next(factory, iid, library_ids)
    first = next(t for t in sop.open_tasks(factory, iid) if t.item_key == str(library_ids[0]))
    _, opened = sop.complete(factory, first, library_ids)
    sop.complete(factory, opened[0], library_ids)
    late = next(t for t in sop.open_tasks(factory, iid) if t.item_key == str(library_ids[1]))
    run_in_transaction(factory, lambda s: s.execute(update(Task).where(Task.id == late.id).values(
        assignee="petugas2", due_at=datetime.now(UTC) - timedelta(hours=2))))
    return iid, library_ids
