"""What a pustakawan and a mitra see: their own library, the cycles and letters addressed to them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine import instances, tasks
from engine.db import run_in_transaction
from engine.documents import access as document_access
from engine.documents import documents
from engine.errors import NotFound
from engine.libraries import access as library_access
from engine.libraries import self_assessment
from engine.models import User
from engine.people import users
from engine.people.users import Actor
from tests.engine.helpers import LIMITS
from tests.processes.helpers import answers
from tests.processes.test_sop_engine import PETUGAS, day, do, letter, queue_of

SUBKOOR = Actor("subkoor", frozenset({"subkoor"}))
PUSTAKAWAN_1 = Actor("pustakawan1", frozenset({"pustakawan"}))
PUSTAKAWAN_3 = Actor("pustakawan3", frozenset({"pustakawan"}))
MITRA_DINDIK = Actor("mitra_dindik", frozenset({"mitra"}))
MITRA_DESA = Actor("mitra_desa", frozenset({"mitra"}))


def link(factory, username: str, roles: list[str], **values: Any) -> None:
    def create(s):
        users.create_user(s, username, "kata-sandi-yang-panjang-2027", roles)
        user = s.scalar(select(User).where(User.username == username))
        for key, value in values.items():
            setattr(user, key, value)
    run_in_transaction(factory, create)




@pytest.fixture
def people(deployed_sop):
    sop = deployed_sop
    link(sop, "pustakawan1", ["pustakawan"], library_id=1)
    link(sop, "pustakawan3", ["pustakawan"], library_id=3)
    link(sop, "mitra_dindik", ["mitra"], institution="dindikbud")
    link(sop, "mitra_desa", ["mitra"], institution="pemdes")
    return sop


def cycle(factory, penerima: list[str]) -> int:
    iid = run_in_transaction(factory, lambda s: instances.start(s, "kitapun_senapas", SUBKOOR, limits=LIMITS).id)
    do(factory, SUBKOOR, iid, "Koordinasi_Monev", {
        "periode": "Monev Perpustakaan 2027 Tahap I",
        "jadwal": [{"library": 1, "visit_date": day(30), "officer": "petugas"},
                   {"library": 3, "visit_date": day(31), "officer": "petugas"}],
        "notulen": "Rapat koordinasi."})
    do(factory, PETUGAS, iid, "Surat_Pemberitahuan_Monev", {"surat_monev": {**letter("Jadwal"), "penerima": penerima}})
    return iid


def test_a_pustakawan_sees_only_its_own_library_and_its_own_self_assessment(people):
    factory = people
    with factory() as s:
        assert [lib.id for lib in library_access.list_libraries(s, PUSTAKAWAN_1).items] == [1]
        assert library_access.get(s, PUSTAKAWAN_1, 1).id == 1
        with pytest.raises(NotFound):
            library_access.get(s, PUSTAKAWAN_1, 3)
        with pytest.raises(NotFound):
            library_access.history(s, PUSTAKAWAN_1, 2)
        assert len(library_access.list_libraries(s, PETUGAS, per_page=200).items) > 20
    iid = cycle(factory, ["dindikbud"])
    do(factory, MITRA_DINDIK, iid, "Konfirmasi_Penyebarluasan", {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    mine = [t for t in queue_of(factory, PUSTAKAWAN_1, iid)]
    assert [(t.name, t.item_key) for t in mine] == [("Penilaian_Mandiri", "1")]
    with factory() as s:
        other = next(t for t in tasks.of_instance(s, iid) if t.name == "Penilaian_Mandiri" and t.item_key == "3")
        with pytest.raises(NotFound):
            tasks.get(s, other.id, PUSTAKAWAN_1)
        with pytest.raises(NotFound):
            instances.get(s, iid, PUSTAKAWAN_1)
        letters = documents.list_for_instance(s, iid)
        own = [d for d in letters if d.kind == "surat_tugas" and (d.context.get("item") or {}).get("key") == "1"]
        assert document_access.visible(s, own[0].id, PUSTAKAWAN_1).id == own[0].id
        assert [d.id for d in library_access.letters(s, PUSTAKAWAN_1, 1)] == [own[0].id]
        assert [d.kind for d in library_access.letters(s, PETUGAS, 3)] == ["surat_tugas"]
        with pytest.raises(NotFound):
            library_access.letters(s, PUSTAKAWAN_1, 3)
        for d in letters:
            if d not in own:
                with pytest.raises(NotFound):
                    document_access.visible(s, d.id, PUSTAKAWAN_1)
    with pytest.raises(NotFound):
        run_in_transaction(factory, lambda s: tasks.complete(
            s, other.id, PUSTAKAWAN_1, {"penilaian_mandiri": answers({}, "b", library=3)}, limits=LIMITS))

    # Library 1's librarian answers; the officer sees those answers beside the monev form of library 1 only.
    do(factory, PUSTAKAWAN_1, iid, "Penilaian_Mandiri", {"penilaian_mandiri": answers({"kol_01": "e"}, "b", 1)}, 1)
    for library in (1, 3):
        do(factory, PETUGAS, iid, "Kunjungan_Monev",
           {"kunjungan_monev": {"tanggal": day(30), "narasumber": "Kepala"}}, library)
    with factory() as s:
        monev = {t.item_key: t for t in tasks.inbox(s, PETUGAS).items if t.instance_id == iid and t.name == "Monev"}
        one = tasks.get(s, monev["1"].id)
        beside = self_assessment.beside(s, one, tasks.form_of(s, one))
        assert beside is not None and beside.completed_by == "pustakawan1"
        assert beside.instrument == "akreditasi-sekolah-2018"
        first = beside.answers[0]
        assert (first.letter, first.option) == ("e", "e. < 1.000 judul")
        assert {a.letter for a in beside.answers[1:]} == {"b"}
        three = tasks.get(s, monev["3"].id)
        assert self_assessment.beside(s, three, tasks.form_of(s, three)) is None
        assert tasks.form_of(s, three)["x-senapas-instrument"] == "umum-desa-2018"


def test_a_mitra_sees_only_the_cycles_and_letters_addressed_to_its_institution(people):
    factory = people
    to_dindik = cycle(factory, ["dindikbud"])
    to_kemenag = cycle(factory, ["kemenag"])
    assert {t.instance_id for t in queue_of(factory, MITRA_DINDIK, to_dindik)} == {to_dindik}
    assert queue_of(factory, MITRA_DINDIK, to_kemenag) == []
    do(factory, MITRA_DINDIK, to_dindik, "Konfirmasi_Penyebarluasan", {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    with factory() as s:
        seen = {i.id for i in instances.list_instances(s, MITRA_DINDIK, per_page=200).items}
        assert to_dindik in seen and to_kemenag not in seen
        assert instances.get(s, to_dindik, MITRA_DINDIK).id == to_dindik
        with pytest.raises(NotFound):
            instances.get(s, to_kemenag, MITRA_DINDIK)
        for d in documents.list_for_instance(s, to_kemenag):
            with pytest.raises(NotFound):
                document_access.visible(s, d.id, MITRA_DINDIK)
        notification = next(d for d in documents.list_for_instance(s, to_dindik) if d.kind == "monev_notification")
        assert document_access.visible(s, notification.id, MITRA_DINDIK).id == notification.id
        surat_tugas = next(d for d in documents.list_for_instance(s, to_dindik) if d.kind == "surat_tugas")
        with pytest.raises(NotFound):
            document_access.visible(s, surat_tugas.id, MITRA_DINDIK)
        kemenag_task = next(t for t in tasks.of_instance(s, to_kemenag) if t.name == "Konfirmasi_Penyebarluasan")
        with pytest.raises(NotFound):
            tasks.get(s, kemenag_task.id, MITRA_DINDIK)
        assert tasks.queue(s, MITRA_DESA, per_page=200).items == []
        # the libraries a mitra sees are those its institution supervises
        supervised = library_access.list_libraries(s, MITRA_DINDIK, per_page=200).items
        assert supervised and {lib.supervisor for lib in supervised} == {"dindikbud"}
