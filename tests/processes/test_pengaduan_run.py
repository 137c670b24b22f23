"""The complaint process in memory: public form, triage, handling or forwarding, reply, closing review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer

from tests.processes.helpers import ProcessRun, form_errors

TODAY = date.today().isoformat()
COMPLAINT = {
    "name": "Warga Contoh", "contact": "0812-0000-9999", "channel": "whatsapp",
    "message": "Layanan perpustakaan keliling tidak datang ke desa kami bulan ini.", "reference": "",
}
REPLY = {"balasan": {"isi": "Terima kasih; jadwal perpustakaan keliling sudah dipulihkan.", "media": "whatsapp",
                     "tanggal": TODAY}}


def start() -> ProcessRun:
    assert not form_errors("pengaduan_publik.json", COMPLAINT)
    run = ProcessRun("pengaduan", COMPLAINT)
    assert run.ready_names() == ["Telaah_Pengaduan"]
    assert run.ready()[0].data["message"] == COMPLAINT["message"]
    return run


def test_handled_internally_with_a_revised_reply() -> None:
    run = start()
    run.complete("Telaah_Pengaduan", {"telaah": {
        "kategori": "layanan", "prioritas": "sedang", "cara_penanganan": "internal"}})
    assert run.ready_names() == ["Penanganan_Pengaduan"]
    run.complete("Penanganan_Pengaduan", {"penanganan": {
        "tindakan": "Jadwal perpustakaan keliling diperbaiki.", "tanggal_selesai": TODAY}})
    run.complete("Balasan_Pengaduan", REPLY)
    run.complete("Tinjauan_Penutupan", {"tinjauan": {
        "keputusan": "perbaiki_balasan", "catatan": "Sebutkan tanggal kunjungan berikutnya."}})
    assert run.ready_names() == ["Balasan_Pengaduan"]
    run.complete("Balasan_Pengaduan", REPLY)
    run.complete("Tinjauan_Penutupan", {"tinjauan": {"keputusan": "tutup"}})
    assert run.workflow.is_completed() and not run.unfinished()
    assert run.workflow.data["tinjauan"]["keputusan"] == "tutup"
    assert run.workflow.data["name"] == "Warga Contoh"


def test_forwarded_to_the_institution_concerned() -> None:
    run = start()
    run.complete("Telaah_Pengaduan", {"telaah": {
        "kategori": "monev_akreditasi", "prioritas": "tinggi", "cara_penanganan": "diteruskan",
        "instansi_tujuan": "Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo"}})
    assert run.ready_names() == ["Penerusan_Pengaduan"]
    run.complete("Penerusan_Pengaduan", {"penerusan": {
        "instansi": "Dinas Pendidikan dan Kebudayaan Kabupaten Sukoharjo", "tanggal": TODAY, "media": "surat"}})
    run.complete("Balasan_Pengaduan", REPLY)
    run.complete("Tinjauan_Penutupan", {"tinjauan": {"keputusan": "tutup"}})
    assert run.workflow.is_completed() and not run.unfinished()
    assert "penanganan" not in run.workflow.data


@pytest.mark.parametrize(("form", "data"), [
    ("telaah_pengaduan.json", {"telaah": {"kategori": "layanan", "prioritas": "sedang",
                                          "cara_penanganan": "diteruskan"}}),
    ("tinjauan_pengaduan.json", {"tinjauan": {"keputusan": "perbaiki_balasan"}}),
    ("pengaduan_publik.json", {**COMPLAINT, "channel": "surat kaleng"}),
])
def test_forms_refuse_incomplete_decisions(form: str, data: dict[str, Any]) -> None:
    assert form_errors(form, data)


def test_untriaged_complaint_escalates_to_kabid_after_one_day(monkeypatch: pytest.MonkeyPatch) -> None:
    run = start()

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Clock:
            moment = datetime.now(UTC) + timedelta(days=1, minutes=1)
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(timer, "datetime", Clock)
    run.workflow.do_engine_steps()
    run.workflow.do_engine_steps()
    assert run.ready_names() == ["Eskalasi_Pengaduan", "Telaah_Pengaduan"]
    assert run.ready("Eskalasi_Pengaduan")[0].task_spec.lane == "kabid"
    run.complete("Eskalasi_Pengaduan", {"eskalasi_pengaduan": {
        "tindak_lanjut": "ingatkan", "catatan": "Mohon ditelaah hari ini."}})
    run.complete("Telaah_Pengaduan", {"telaah": {
        "kategori": "layanan", "prioritas": "tinggi", "cara_penanganan": "internal"}})
    run.complete("Penanganan_Pengaduan", {"penanganan": {"tindakan": "Sudah ditangani.", "tanggal_selesai": TODAY}})
    run.complete("Balasan_Pengaduan", REPLY)
    run.complete("Tinjauan_Penutupan", {"tinjauan": {"keputusan": "tutup"}})
    assert run.workflow.is_completed() and not run.unfinished()
