"""Letters numbered when issued: the date set first, a number from Senapas's register or the agency's
external one, audited, unique and gapless when officers issue at the same moment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker, undefer

from engine import settings
from engine.db import run_in_transaction
from engine.documents import documents, issuing
from engine.errors import Conflict, Forbidden, ValidationFailed
from engine.models import AuditEvent, Instance
from engine.people.users import Actor
from engine.workflow.steps import StepDone
from tests.engine.helpers import ADMIN, race
from tests.letters.samples import instance_row

MARCH_2027 = datetime(2027, 3, 12, 2, 0, tzinfo=UTC)
KABID = Actor("kabid", frozenset({"kabid"}))
BUDI = Actor("budi", frozenset({"petugas"}))


def _drafts(factory: sessionmaker[Session], count: int, kind: str = "monev_notification",
            timing: str = "on_issue") -> list[int]:
    """`count` letters made while numbers are issued later (or at once, with timing "on_create")."""
    instance_id = instance_row(factory)

    def work(s: Session) -> list[int]:
        settings.put(s, "letter_number_timing", timing, "admin")
        instance = s.get(Instance, instance_id)
        assert instance is not None
        step = StepDone(task_id="t-1", name="surat", title="surat", properties={"documents": kind},
                        data={}, item_key=None, item_label=None)
        return [documents.on_step_done(s, instance, step, KABID)[0].id for _ in range(count)]
    with time_machine.travel(MARCH_2027, tick=False):
        return run_in_transaction(factory, work)


def _issue(factory: sessionmaker[Session], document_id: int, actor: Actor = KABID, **kwargs: Any) -> str:
    def work(s: Session) -> str:
        return str(issuing.issue_number(s, document_id, actor, **kwargs).number)
    return run_in_transaction(factory, work)


def _document(factory: sessionmaker[Session], document_id: int) -> documents.Document:
    with factory() as s:
        found = s.scalars(select(documents.Document).where(documents.Document.id == document_id)
                          .options(undefer(documents.Document.pdf))).one()
        s.expunge(found)
        return found


def test_a_letter_made_for_later_issue_waits_unnumbered(factory: sessionmaker[Session]) -> None:
    [doc_id] = _drafts(factory, 1)
    draft = _document(factory, doc_id)
    assert draft.number is None and draft.seq is None and draft.context["number_pending"] is True


def test_the_date_is_set_first_and_the_number_follows_that_year(factory: sessionmaker[Session]) -> None:
    first, second = _drafts(factory, 2)
    run_in_transaction(factory, lambda s: issuing.set_letter_date(s, first, KABID, date(2026, 12, 30),
                                                                  today=date(2027, 1, 4)))
    assert _issue(factory, first) == "000.4/1/Dispusip/2026"
    assert _issue(factory, second) == "000.4/1/Dispusip/2027"
    issued = _document(factory, first)
    assert (issued.year, issued.seq, issued.context["date"]) == (2026, 1, "2026-12-30")
    assert issued.context["number_pending"] is False and issued.pdf is None
    with factory() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action.in_(["document_date", "document_number"]))
                           .order_by(AuditEvent.id)).all()
        assert [(e.action, e.actor) for e in events][:2] == [("document_date", "kabid"), ("document_number", "kabid")]


def test_a_number_from_the_external_register_is_audited_and_unique(factory: sessionmaker[Session]) -> None:
    first, second = _drafts(factory, 2)
    assert _issue(factory, first, external=" 000.4 / 57 / 2027 ", reason="Nomor dari buku agenda surat keluar") \
        == "000.4 / 57 / 2027"
    issued = _document(factory, first)
    assert issued.seq is None and issued.context["number_source"] == "external"
    with pytest.raises(Conflict) as taken:
        _issue(factory, second, external="000.4 / 57 / 2027", reason="salah ketik")
    assert taken.value.case == "letter_number_taken"
    assert _document(factory, second).number is None
    # The register's own count did not move: the next issued number is still the first.
    assert _issue(factory, second) == "000.4/1/Dispusip/2027"
    with factory() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "document_number")
                          .order_by(AuditEvent.id)).first()
        assert event is not None and event.reason == "Nomor dari buku agenda surat keluar"
        assert event.data["external"] is True and event.data["number"] == "000.4 / 57 / 2027"


@pytest.mark.parametrize(("external", "reason", "field"), [
    ("", "alasan", "number"), ("000.4/<b>/2027", "alasan", "number"), ("x" * 101, "alasan", "number"),
    ("000.4/5/2027", "  ", "reason"),
    # Numbers the register itself would print later (any code, number or year) would block those letters.
    ("000.4/5/Dispusip/2027", "alasan", "number"), ("800.1.11.1/12/Dispusip/2028", "alasan", "number"),
])
def test_bad_external_numbers_are_refused_and_change_nothing(factory: sessionmaker[Session], external: str,
                                                               reason: str, field: str) -> None:
    [doc_id] = _drafts(factory, 1)
    with pytest.raises(ValidationFailed) as refused:
        _issue(factory, doc_id, external=external, reason=reason)
    assert refused.value.details[0]["path"] == field
    assert _document(factory, doc_id).number is None


def test_only_the_bidang_heads_and_admin_issue_and_only_once(factory: sessionmaker[Session]) -> None:
    [doc_id] = _drafts(factory, 1)
    with pytest.raises(Forbidden):
        _issue(factory, doc_id, actor=BUDI)
    with pytest.raises(Forbidden):
        run_in_transaction(factory, lambda s: issuing.set_letter_date(s, doc_id, BUDI, date(2027, 3, 1)))
    _issue(factory, doc_id, actor=ADMIN)
    with pytest.raises(Conflict) as again:
        _issue(factory, doc_id)
    assert again.value.case == "document_already_numbered"
    with pytest.raises(Conflict):
        run_in_transaction(factory, lambda s: issuing.set_letter_date(s, doc_id, KABID, date(2027, 3, 1)))


def test_a_letter_numbered_at_creation_cannot_be_renumbered(factory: sessionmaker[Session]) -> None:
    [doc_id] = _drafts(factory, 1, timing="on_create")
    assert _document(factory, doc_id).number == "000.4/1/Dispusip/2027"
    with pytest.raises(Conflict):
        _issue(factory, doc_id, external="000.4/99/2027", reason="ganti")


def test_a_date_far_from_today_is_refused(factory: sessionmaker[Session]) -> None:
    [doc_id] = _drafts(factory, 1)
    with pytest.raises(ValidationFailed):
        run_in_transaction(factory, lambda s: issuing.set_letter_date(s, doc_id, KABID, date(2020, 1, 1),
                                                                      today=date(2027, 3, 12)))


def test_numbers_issued_at_the_same_moment_are_unique_and_gapless(factory: sessionmaker[Session]) -> None:
    ids = _drafts(factory, 6)
    results = race(*[lambda i=i: _issue(factory, i) for i in ids])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(int(n.split("/")[1]) for n in results) == [1, 2, 3, 4, 5, 6]


def test_one_letter_issued_twice_at_once_takes_one_number(factory: sessionmaker[Session]) -> None:
    first, second = _drafts(factory, 2)
    results = race(lambda: _issue(factory, first), lambda: _issue(factory, first))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"]
    # The loser gave its number back: the next letter takes 2.
    assert _issue(factory, second) == "000.4/2/Dispusip/2027"


def test_one_external_number_entered_twice_at_once_goes_to_one_letter(factory: sessionmaker[Session]) -> None:
    first, second = _drafts(factory, 2)
    results = race(lambda: _issue(factory, first, external="000.4/88/2027", reason="agenda"),
                   lambda: _issue(factory, second, external="000.4/88/2027", reason="agenda"))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"]
    assert sorted(str(_document(factory, d).number) for d in (first, second)) == ["000.4/88/2027", "None"]
