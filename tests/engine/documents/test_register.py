"""Letter numbers from the agency's yearly register (`letter_numbering` = `per_year`): one count for every code."""

from __future__ import annotations

import time_machine
from sqlalchemy.orm import Session, sessionmaker

from engine import settings
from engine.db import run_in_transaction
from engine.documents import documents
from tests.engine.documents.test_documents import MARCH_2027, _generate, _instance, _step


def test_per_year_numbering_gives_every_letter_of_the_year_the_next_number(factory: sessionmaker[Session]) -> None:
    run_in_transaction(factory, lambda s: settings.put(s, "letter_numbering", "per_year", "admin"))
    instance_id = _instance(factory)
    data = {"kunjungan": {"library": 7, "visit_date": "2027-03-15", "officer": "budi"}}
    with time_machine.travel(MARCH_2027, tick=False):
        _generate(factory, instance_id, _step("monev_notification, surat_tugas, monev_report", data))
        _generate(factory, instance_id, _step("surat_tugas", data, name="kunjungan_pembinaan"))
    with factory() as s:
        numbers = [d.number for d in documents.list_for_instance(s, instance_id)]
    assert numbers == ["000.4/1/Dispusip/2027", "800.1.11.1/2/Dispusip/2027", "000.4/3/Dispusip/2027",
                       "800.1.11.1/4/Dispusip/2027"]
