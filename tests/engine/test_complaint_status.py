"""What the public sees of a complaint: found only with reference and contact, its steps, and the reply."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine import complaint_status, complaints, instances
from engine.db import run_in_transaction
from engine.definitions import versions
from engine.errors import NotFound
from engine.people.users import Actor
from tests.engine.helpers import ADMIN, KABID, PETUGAS, complete, open_task

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "pengaduan"
SUBKOOR = Actor("subkoor", frozenset({"subkoor"}))
TODAY = date.today().isoformat()
COMPLAINT = {"name": "Warga Contoh", "contact": "+62 812-0000-9999", "channel": "whatsapp",
             "message": "Perpustakaan keliling tidak datang ke desa kami bulan ini."}
REPLY = "Terima kasih; jadwal perpustakaan keliling sudah dipulihkan mulai pekan depan."


@pytest.fixture
def complaint(factory):
    content = (PROCESSES / "pengaduan.bpmn").read_bytes()
    run_in_transaction(factory, lambda s: versions.deploy(s, content, "pengaduan.bpmn", ADMIN,
                                                          processes_dir=PROCESSES))
    return run_in_transaction(factory, lambda s: complaints.submit(s, COMPLAINT))


def look(factory, reference, contact):
    with factory() as session:
        return complaint_status.lookup(session, reference, contact)


def instance_of(factory, reference):
    with factory() as session:
        return next(i for i in instances.list_instances(session, ADMIN, q=reference).items)


def test_a_new_complaint_is_received_with_one_step(factory, complaint):
    found = look(factory, complaint, "0812 0000 9999")  # the same number written the local way
    assert (found.reference, found.status, found.reply) == (complaint, "received", None)
    assert [(s.key, s.title, s.done_at is not None) for s in found.steps] == [
        ("received", "", True), ("", "Telaah pengaduan", False)]


@pytest.mark.parametrize(("reference", "contact"), [
    ("ADU-1999-000001", "0812-0000-9999"),  # no such reference
    (None, "0812-0000-9998"),  # the right reference, another contact
    (None, ""),
    ("ADU-2026-1; DROP TABLE instances", "0812-0000-9999"),
])
def test_a_wrong_reference_and_a_wrong_contact_are_the_same_not_found(factory, complaint, reference, contact):
    with pytest.raises(NotFound) as raised:
        look(factory, reference or complaint, contact)
    assert (raised.value.case, raised.value.code, raised.value.params) == ("complaint_not_found", "not_found", {})


def test_a_complaint_goes_from_in_handling_to_answered_with_the_final_reply(factory, complaint):
    iid = instance_of(factory, complaint).id
    complete(factory, open_task(factory, iid, "Telaah_Pengaduan"), SUBKOOR, {"telaah": {
        "kategori": "layanan", "prioritas": "sedang", "cara_penanganan": "internal"}})
    assert look(factory, complaint, COMPLAINT["contact"]).status == "in_handling"
    complete(factory, open_task(factory, iid, "Penanganan_Pengaduan"), PETUGAS, {"penanganan": {
        "tindakan": "Jadwal perpustakaan keliling diperbaiki.", "tanggal_selesai": TODAY}})
    complete(factory, open_task(factory, iid, "Balasan_Pengaduan"), PETUGAS, {"balasan": {
        "isi": "Draf pertama balasan.", "media": "whatsapp", "tanggal": TODAY}})
    complete(factory, open_task(factory, iid, "Tinjauan_Penutupan"), KABID, {"tinjauan": {
        "keputusan": "perbaiki_balasan", "catatan": "Sebutkan tanggal kunjungan berikutnya."}})
    between = look(factory, complaint, COMPLAINT["contact"])
    assert (between.status, between.reply) == ("in_handling", None)  # a reply under review is not shown yet
    complete(factory, open_task(factory, iid, "Balasan_Pengaduan"), PETUGAS, {"balasan": {
        "isi": REPLY, "media": "whatsapp", "tanggal": TODAY}})
    complete(factory, open_task(factory, iid, "Tinjauan_Penutupan"), KABID, {"tinjauan": {"keputusan": "tutup"}})
    found = look(factory, complaint, COMPLAINT["contact"])
    assert (found.status, found.reply) == ("answered", REPLY)
    assert [s.title for s in found.steps][1:] == ["Telaah pengaduan", "Penanganan pengaduan",
                                                  "Balasan kepada pelapor", "Tinjauan penutupan",
                                                  "Balasan kepada pelapor", "Tinjauan penutupan"]
    assert all(s.done_at is not None for s in found.steps)


def test_a_cancelled_complaint_is_closed_without_a_reply(factory, complaint):
    run_in_transaction(factory, lambda s: instances.cancel(s, instance_of(factory, complaint).id, KABID, "ganda"))
    found = look(factory, complaint, COMPLAINT["contact"])
    assert (found.status, found.reply, [s.key for s in found.steps]) == ("closed", None, ["received"])


@pytest.mark.parametrize(("given", "typed"), [("warga@Example.org", " WARGA@example.ORG "),
                                              ("+62 812-3456", "0812(3456)"), ("0271.593068", "0271 593068")])
def test_contacts_match_however_they_are_written(given, typed):
    assert complaint_status.normal_contact(given) == complaint_status.normal_contact(typed)
