"""Which of a cycle's documents a task page offers: its own, its library's, or the cycle's latest letters."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from engine.db import run_in_transaction
from engine.documents import documents
from engine.models import Definition, Instance
from engine.people.users import Actor

BUDI = Actor("budi", frozenset({"petugas"}))


def _cycle(factory: sessionmaker[Session]) -> dict[str, int]:
    """A bare cycle with the documents of a monev round: letter (corrected once), two visits, two reports."""
    def work(s: Session) -> dict[str, int]:
        definition = Definition(key="monev", name="Monev", version=1, hash="y" * 64, filename="monev.bpmn",
                                bpmn=b"<x/>", files={}, forms={}, spec="{}", start_roles=[], deployed_by="admin")
        s.add(definition)
        s.flush()
        instance = Instance(definition_id=definition.id, definition_key="monev", started_by="admin",
                            title="Monev Perpustakaan 2027 Tahap I")
        s.add(instance)
        s.flush()

        def make(kind: str, task_id: str, item: str | None = None) -> int:
            return documents.create(s, instance, kind, {}, BUDI, task_id=task_id, item_key=item,
                                    item_label=f"Perpustakaan {item}" if item else None).id
        return {"instance": instance.id,
                "first_letter": make("monev_notification", "surat-1"),
                "letter": make("monev_notification", "surat-2"),
                "tugas_7": make("surat_tugas", "visit-7", "7"), "tugas_9": make("surat_tugas", "visit-9", "9"),
                "report_7": make("monev_report", "monev-7", "7"), "report_9": make("monev_report", "monev-9", "9")}
    return run_in_transaction(factory, work)


def _ids(factory: sessionmaker[Session], cycle: dict[str, int], task_id: str, item: str | None) -> list[int]:
    with factory() as s:
        return [d.id for d in documents.concerning(s, task_id, cycle["instance"], item)]


def test_a_visit_task_offers_its_own_surat_tugas(factory):
    cycle = _cycle(factory)
    assert _ids(factory, cycle, "visit-9", "9") == [cycle["tugas_9"], cycle["report_9"]]


def test_a_library_task_offers_that_library_documents_only(factory):
    cycle = _cycle(factory)
    assert _ids(factory, cycle, "monev-7", "7") == [cycle["report_7"], cycle["tugas_7"]]


def test_the_partner_confirms_the_latest_letter(factory):
    cycle = _cycle(factory)
    offered = _ids(factory, cycle, "konfirmasi", None)
    assert cycle["letter"] in offered and cycle["first_letter"] not in offered


def test_the_selection_offers_every_monev_report_without_the_surat_tugas(factory):
    cycle = _cycle(factory)
    assert _ids(factory, cycle, "pemilihan", None) == [cycle["letter"], cycle["report_7"], cycle["report_9"]]
