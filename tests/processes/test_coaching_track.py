"""The coaching track of one library in memory: drop-out, the three accreditation records, return to coaching."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.util.task import TaskState

from tests.processes.accreditation import accompaniment, follow_up, result, submission
from tests.processes.helpers import ProcessRun, answers, properties
from tests.processes.test_kitapun_run import day, due, letter, monev, start_cycle


def coached(library: int = 2) -> ProcessRun:
    """A cycle whose one library was monitored, chosen and waits for its first coaching visit."""
    run = start_cycle({library: day(30)})
    monev(run, library, answers({}, "a"))
    run.complete("Pemilihan_Pembinaan", {"pembinaan": [library]})
    run.complete("Surat_Pemberitahuan_Pembinaan", {
        "surat_pembinaan": letter("Pemberitahuan Jadwal Pembinaan Perpustakaan"),
        "jadwal_pembinaan": [{"library": library, "visit_date": day(60), "officer": "petugas1"}]})
    assert run.ready_names() == ["Kunjungan_Pembinaan"]
    return run


def visit(when: int, **outcome: Any) -> dict[str, Any]:
    return {"kunjungan_pembinaan": {"tanggal": day(when), "topik": ["administrasi"], "catatan": "Pembinaan.",
                                    **outcome}}


def track_result(run: ProcessRun) -> dict[str, Any]:
    assert run.workflow.is_completed() and not run.unfinished()
    [found] = run.workflow.data["hasil_pembinaan"]
    return dict(found)


def recorded(run: ProcessRun) -> list[tuple[str, Any]]:
    """The `libraryResult` steps that ran, in order, with the status of what each records."""
    done = sorted(run.workflow.get_tasks(state=TaskState.COMPLETED), key=lambda t: t.last_state_change)
    return [(properties(t)["libraryResult"], t.data[properties(t)["resultVariable"]].get("status"))
            for t in done if properties(t).get("libraryResult") in ("accreditation", "coaching")]


def test_a_library_that_drops_out_ends_its_track_with_the_reason() -> None:
    run = coached()
    run.complete("Kunjungan_Pembinaan", visit(60, siap_akreditasi=False, tanggal_berikutnya=day(90)), library=2)
    run.complete("Kunjungan_Pembinaan", visit(90, mundur=True, alasan_mundur="Pustakawan pindah tugas."), library=2)
    found = track_result(run)
    assert found["status"] == "mundur"
    assert found["mundur"] == {"status": "mundur", "tanggal": day(90), "alasan": "Pustakawan pindah tugas.",
                               "putaran": 1, "jumlah_pembinaan": 2}
    assert found["akreditasi"] is None and found["jumlah_pembinaan"] == 2
    assert recorded(run) == [("coaching", "mundur")]
    ran = {t.task_spec.name for t in run.workflow.get_tasks()}
    assert not ran & {"Pengajuan_Akreditasi", "Pendampingan_Akreditasi", "Hasil_Akreditasi"}


def test_not_accredited_then_back_to_coaching_then_accredited() -> None:
    run = coached()
    run.complete("Kunjungan_Pembinaan", visit(60, siap_akreditasi=True), library=2)
    run.complete("Pengajuan_Akreditasi", submission(day(61)), library=2)
    assert due(run, "Pendampingan_Akreditasi", 2) is None, "no planned visit date, no due date"
    run.complete("Pendampingan_Akreditasi", accompaniment(day(70), ("petugas1", "petugas2")), library=2)
    assert due(run, "Hasil_Akreditasi", 2) == day(250), "the result is due long after the visit"
    run.complete("Hasil_Akreditasi", result("tidak_terakreditasi", day(100), 55.0), library=2)
    run.complete("Tindak_Lanjut_Akreditasi", follow_up("bina_lagi", next_date=day(120)), library=2)

    assert run.ready_names() == ["Kunjungan_Pembinaan"], "the library is back in the coaching visits"
    assert due(run, "Kunjungan_Pembinaan", 2) == day(120)
    run.complete("Kunjungan_Pembinaan", visit(120, siap_akreditasi=True), library=2)
    run.complete("Pengajuan_Akreditasi", submission(day(121), day(140), "SIPAPI-2027-0002"), library=2)
    run.complete("Pendampingan_Akreditasi", accompaniment(day(140)), library=2)
    run.complete("Hasil_Akreditasi", result("terakreditasi", day(150), 80.25, nomor_sertifikat="AKR/7/2027",
                                            berlaku_mulai=day(151), berlaku_sampai=day(1500)), library=2)

    found = track_result(run)
    assert (found["status"], found["putaran_pembinaan"], found["jumlah_pembinaan"]) == ("terakreditasi", 2, 2)
    assert [v["putaran"] for v in found["riwayat_pembinaan"]] == [1, 2]
    first, second = found["riwayat_akreditasi"]
    assert (first["predikat"], first["putaran"], first["berlaku_sampai"]) == ("Tidak Terakreditasi", 1, "")
    assert (second["predikat"], second["putaran"]) == ("B", 2), "the grade comes from the agency's bands"
    assert (second["berlaku_mulai"], second["berlaku_sampai"]) == (day(151), day(1500))
    assert second["pengajuan"]["nomor_sipapi"] == "SIPAPI-2027-0002"
    assert second["pendampingan"]["petugas"] == ["petugas1"]
    assert found["akreditasi"] == second
    assert recorded(run) == [("accreditation", "tidak_terakreditasi"), ("accreditation", "terakreditasi")]


def test_a_result_pending_at_perpusnas_can_be_closed() -> None:
    run = coached()
    run.complete("Kunjungan_Pembinaan", visit(60, siap_akreditasi=True), library=2)
    run.complete("Pengajuan_Akreditasi", submission(day(61)), library=2)
    run.complete("Pendampingan_Akreditasi", accompaniment(day(70)), library=2)
    run.complete("Hasil_Akreditasi", result("tertunda", day(200), catatan="Belum ada keputusan."), library=2)
    run.complete("Tindak_Lanjut_Akreditasi", follow_up("tutup", "Ditutup; dicek lagi tahun depan."), library=2)
    found = track_result(run)
    assert found["status"] == "tertunda"
    assert (found["akreditasi"]["predikat"], found["akreditasi"]["terakreditasi"]) == ("", False)
    assert "nilai" not in found["akreditasi"]
    assert recorded(run) == [("accreditation", "tertunda")]
