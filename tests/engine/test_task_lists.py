"""The task lists searched, filtered and sorted; every row names its cycle and its library."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from engine import task_lists, tasks
from engine.db import run_in_transaction
from engine.errors import BadRequest, Forbidden
from engine.libraries import registry
from engine.models import Task
from engine.task_lists import Filters
from tests.engine.helpers import KABID, PETUGAS, PETUGAS2, complete, deploy, start

SOON = (date.today() + timedelta(days=3)).isoformat()
LATER = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture
def cycles(factory):
    """Two cycles of visits: Alfa visits Baki (overdue) and Weru, Beta visits Baki again."""
    def add(session):
        baki, _ = registry.create_library(session, name="Perpustakaan SD Contoh Baki", kecamatan="Baki",
                                          library_type="sekolah")
        weru, _ = registry.create_library(session, name="TBM Contoh Weru", kecamatan="Weru", library_type="tbm")
        return baki.id, weru.id
    baki, weru = run_in_transaction(factory, add)
    deploy(factory, "multi.bpmn")
    alfa = start(factory, "multi", PETUGAS, {"libraries": [
        {"library": baki, "library_name": "SD Baki (jadwal)", "visit_date": "2020-01-06"},
        {"library": weru, "library_name": "TBM Weru (jadwal)", "visit_date": LATER}]}, title="Monev 2027 Tahap Alfa")
    beta = start(factory, "multi", PETUGAS, {"libraries": [
        {"library": baki, "library_name": "SD Baki (jadwal)", "visit_date": SOON}]}, title="Monev 2027 Tahap Beta")
    return {"baki": baki, "weru": weru, "alfa": alfa, "beta": beta}


def rows(factory, scope="queue", actor=PETUGAS, **where):
    with factory() as s:
        return task_lists.in_scope(s, actor, scope, 1, 50, Filters(**where)).items


def test_rows_carry_the_cycle_title_the_library_and_its_kecamatan(factory, cycles):
    listed = rows(factory)
    assert sorted((r.instance_title, r.library_name, r.kecamatan) for r in listed) == [
        ("Monev 2027 Tahap Alfa", "Perpustakaan SD Contoh Baki", "Baki"),
        ("Monev 2027 Tahap Alfa", "TBM Contoh Weru", "Weru"),
        ("Monev 2027 Tahap Beta", "Perpustakaan SD Contoh Baki", "Baki")]
    assert {r.library_id for r in listed} == {cycles["baki"], cycles["weru"]}


def test_two_visits_to_one_library_are_told_apart_by_cycle_and_due_date(factory, cycles):
    baki = rows(factory, library_id=cycles["baki"])
    assert [(r.instance_title, r.due_at.date().isoformat()) for r in baki] == [
        ("Monev 2027 Tahap Alfa", "2020-01-06"), ("Monev 2027 Tahap Beta", SOON)]


def test_filters_by_cycle_kecamatan_and_search(factory, cycles):
    assert {r.library_id for r in rows(factory, instance_id=cycles["alfa"])} == {cycles["baki"], cycles["weru"]}
    assert [r.kecamatan for r in rows(factory, kecamatan="Weru")] == ["Weru"]
    assert [r.instance_title for r in rows(factory, q="tahap BETA")] == ["Monev 2027 Tahap Beta"]
    assert [r.library_name for r in rows(factory, q="tbm contoh")] == ["TBM Contoh Weru"]
    assert len(rows(factory, q="kunjungan")) == 3  # the task title
    assert rows(factory, q="50%_") == []  # LIKE wildcards are matched literally
    assert rows(factory, library_id=cycles["weru"], instance_id=cycles["beta"]) == []


def test_overdue_and_due_filters(factory, cycles):
    assert [r.due_at.date().isoformat() for r in rows(factory, overdue=True)] == ["2020-01-06"]
    assert [r.due_at.date().isoformat() for r in rows(factory, due="week")] == [SOON]
    assert rows(factory, due="today") == [] and rows(factory, due="none") == []


def test_sorting_by_due_date_and_by_opening(factory, cycles):
    def dates(sort):
        return [r.due_at.date().isoformat() for r in rows(factory, sort=sort)]
    assert dates("due_at") == ["2020-01-06", SOON, LATER]
    assert dates("-due_at") == [LATER, SOON, "2020-01-06"]
    with factory.begin() as s:  # open the tasks at known moments
        for n, row in enumerate(sorted(rows(factory), key=lambda r: r.due_at)):
            s.execute(update(Task).where(Task.id == row.id)
                      .values(created_at=datetime(2027, 1, 1, tzinfo=UTC) + timedelta(days=3 - n)))
    assert dates("created_at") == [LATER, SOON, "2020-01-06"]
    assert dates("-created_at") == ["2020-01-06", SOON, LATER]


def test_inbox_and_archive_take_the_same_filters(factory, cycles):
    weru = rows(factory, library_id=cycles["weru"])[0]
    baki_alfa = rows(factory, library_id=cycles["baki"], instance_id=cycles["alfa"])[0]
    run_in_transaction(factory, lambda s: tasks.claim(s, weru.id, PETUGAS))
    run_in_transaction(factory, lambda s: tasks.claim(s, baki_alfa.id, PETUGAS))
    assert [r.id for r in rows(factory, "inbox", kecamatan="Weru")] == [weru.id]
    assert [r.id for r in rows(factory, "inbox", overdue=True)] == [baki_alfa.id]
    complete(factory, baki_alfa.id, PETUGAS, {"result": "ok"})
    complete(factory, weru.id, PETUGAS, {"result": "ok"})
    assert [r.id for r in rows(factory, "archive", q="weru")] == [weru.id]
    # In the archive, "overdue" means completed after the due time.
    assert [r.id for r in rows(factory, "archive", overdue=True)] == [baki_alfa.id]


def test_every_open_task_for_supervisors_only(factory, cycles):
    held = rows(factory)[0]
    run_in_transaction(factory, lambda s: tasks.claim(s, held.id, PETUGAS2))
    assert len(rows(factory, "all", KABID)) == 3 and len(rows(factory, "queue", KABID)) == 0
    assert [r.assignee for r in rows(factory, "all", KABID, q=held.library_name, instance_id=held.instance_id)] \
        == ["petugas2"]
    with factory() as s, pytest.raises(Forbidden) as refused:
        task_lists.in_scope(s, PETUGAS, "all")
    assert (refused.value.code, refused.value.case) == ("forbidden", "supervisors_only")


@pytest.mark.parametrize(("args", "code"), [
    ({"sort": "title"}, "unknown_sort"), ({"due": "tomorrow"}, "unknown_due_filter"),
    ({"kecamatan": "Atlantis"}, "unknown_kecamatan"), ({"library_id": "1 OR 1=1"}, "filter_not_integer"),
    ({"instance_id": "0"}, "filter_not_integer"), ({"overdue": "maybe"}, "filter_not_boolean"),
    ({"q": "x" * 201}, "search_too_long"), ({"q": "a\x00b"}, "search_control_characters")])
def test_bad_filters_are_refused_with_their_code(args, code):
    with pytest.raises(BadRequest) as refused:
        task_lists.filters(args)
    assert (refused.value.code, refused.value.case) == ("invalid_request", code)


def test_filters_read_from_query_arguments():
    assert task_lists.filters({"q": " baki ", "library_id": "7", "kecamatan": "kec. weru", "overdue": "true",
                               "due": "week", "sort": "-due_at"}) == Filters(
        q="baki", library_id=7, kecamatan="Weru", overdue=True, due="week", sort="-due_at")
    assert not task_lists.filters({"sort": "due_at"}).active


def test_a_draft_says_who_saved_it_and_when(factory, cycles):
    task_id = rows(factory)[0].id
    run_in_transaction(factory, lambda s: tasks.save_draft(s, task_id, PETUGAS2, {"result": "separuh"}))
    with factory() as s:
        task = tasks.get(s, task_id)
        assert task.draft_by == "petugas2" and task.draft_at is not None
        assert abs(task.draft_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_after_a_completion_the_next_tasks_of_the_same_person_are_offered(factory, cycles):
    first, *others = rows(factory, sort="due_at")
    complete(factory, first.id, PETUGAS, {"result": "ok"})
    with factory() as s:
        done = tasks.get(s, first.id)
        offered = task_lists.next_for(s, PETUGAS, done)
        assert [r.id for r in offered] == [r.id for r in others]
        assert task_lists.next_for(s, KABID, done) == []
