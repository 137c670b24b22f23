"""How many tracks of a multi-instance activity are done, read from a real cycle's state."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bench import sop
from engine import instances
from engine.models import Instance


def _counts(factory: sessionmaker[Session], iid: int) -> dict[str, tuple[int, int]]:
    with factory() as session:
        instance = session.get(Instance, iid)
        assert instance is not None
        return instances.progress(session, instance).counts


def test_library_tracks_are_counted_done_of_started(factory: sessionmaker[Session]) -> None:
    library_ids = sop.prepare(factory, 3)
    iid = sop.start(factory)
    assert _counts(factory, iid) == {}  # before the visits, nothing runs once per library
    for _ in range(3):
        sop.complete_next(factory, iid, library_ids)
    assert _counts(factory, iid) == {"Monev_Perpustakaan": (0, 3)}
    track = [t for t in sop.open_tasks(factory, iid) if t.item_key == str(library_ids[0])]
    _, opened = sop.complete(factory, track[0], library_ids)  # the visit; then its monev report
    sop.complete(factory, opened[0], library_ids)
    assert _counts(factory, iid) == {"Monev_Perpustakaan": (1, 3)}
