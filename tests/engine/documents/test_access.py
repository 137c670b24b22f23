"""Who may have a generated document: whoever may see its instance."""

from __future__ import annotations

import pytest

from engine.db import run_in_transaction
from engine.documents import access
from engine.documents.documents import Document
from engine.errors import NotFound
from tests.engine.helpers import KABID, MITRA, PETUGAS, deploy, start


@pytest.fixture
def document_id(factory):
    deploy(factory, "approval.bpmn")
    instance_id = start(factory, "approval", PETUGAS)

    def add(session):
        row = Document(instance_id=instance_id, kind="monev_report", title="Laporan", context={},
                       created_by="petugas", pdf=b"%PDF-1.4 laporan")
        session.add(row)
        session.flush()
        return row.id
    return run_in_transaction(factory, add)


def test_a_document_is_for_those_who_may_see_its_instance(factory, document_id):
    def never(_document):
        raise AssertionError("a stored PDF is not rendered again")
    for actor in (PETUGAS, KABID):
        content, _name = run_in_transaction(factory, lambda s, a=actor: access.document_file(s, document_id, a, never))
        assert content.startswith(b"%PDF")
    with factory() as s, pytest.raises(NotFound):
        access.visible(s, document_id, MITRA)
    with factory() as s, pytest.raises(NotFound):
        access.visible(s, document_id + 1000, KABID)
