"""Complaints from the public: the form, the reference numbers, and the start of the instance."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import complaints, instances
from engine.db import run_in_transaction
from engine.definitions import versions
from engine.errors import NotFound, ValidationFailed
from engine.models import Instance
from tests.engine.helpers import ADMIN

WEB_FIXTURES = Path(__file__).parent.parent / "fixtures" / "web"
COMPLAINT = {"name": "Warga Contoh", "contact": "warga@example.org", "channel": "telepon",
             "message": "Buku di perpustakaan desa tidak pernah diganti."}


@pytest.fixture
def pengaduan(factory):
    content = (WEB_FIXTURES / "pengaduan.bpmn").read_bytes()
    run_in_transaction(factory, lambda s: versions.deploy(s, content, "pengaduan.bpmn", ADMIN,
                                                          processes_dir=WEB_FIXTURES))


def test_without_a_deployed_process_the_form_is_the_built_in_one(factory):
    with factory() as s:
        form = complaints.public_form(s)
    assert list(form.schema["properties"]) == list(complaints.FIELDS)
    assert form.schema["additionalProperties"] is False and form.ui == {} and form.instructions == ""


def test_the_form_is_the_start_form_without_the_reference(factory, pengaduan):
    with factory() as s:
        form = complaints.public_form(s)
    assert form.schema["title"] == "Formulir pengaduan"
    assert "reference" not in form.schema["properties"] and "reference" not in form.schema["required"]
    assert form.schema["additionalProperties"] is False
    assert form.ui["ui:order"] == ["name", "contact", "channel", "message"]


def test_a_complaint_starts_its_instance_with_a_yearly_reference(factory, pengaduan):
    references = [run_in_transaction(factory, lambda s: complaints.submit(s, dict(COMPLAINT, name=" Warga ")))
                  for _ in range(2)]
    assert [re.fullmatch(r"ADU-\d{4}-(\d{6})", r).group(1) for r in references] == ["000001", "000002"]
    with factory() as s:
        rows = s.scalars(select(Instance).order_by(Instance.id)).all()
        data = instances.progress(s, rows[0]).data
    assert [row.started_by for row in rows] == ["sistem", "sistem"]
    assert data["reference"] == references[0] and data["name"] == "Warga"


def test_extra_fields_and_a_chosen_reference_are_refused(factory, pengaduan):
    with pytest.raises(ValidationFailed):
        run_in_transaction(factory, lambda s: complaints.submit(s, {**COMPLAINT, "reference": "ADU-1"}))
    with factory() as s:
        assert s.scalars(select(Instance)).all() == []


def test_a_failed_start_gives_its_number_back(factory, pengaduan):
    with pytest.raises(NotFound):
        run_in_transaction(factory, lambda s: complaints.submit(s, COMPLAINT) + instances.get(s, 0).title)
    reference = run_in_transaction(factory, lambda s: complaints.submit(s, COMPLAINT))
    assert reference.endswith("-000001")
