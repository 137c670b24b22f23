"""A whole KITAPUN SENAPAS cycle in memory: every user task completed with data that passes its form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer
from SpiffWorkflow.util.task import TaskState

from engine.libraries import instruments
from engine.workflow.runtime import TIMER_EVENT_TYPES
from tests.processes.accreditation import accompaniment, follow_up, result, submission
from tests.processes.helpers import (
    SOP_DIR,
    ProcessRun,
    answers,
    form_errors,
    library_of,
    properties,
    registry_entry,
)

TODAY = date.today()
SPEC_NAMES_OF_STEPS_7_TO_9 = {"Surat_Pemberitahuan_Pembinaan", "Susun_Daftar_Pembinaan", "Pembinaan_Perpustakaan",
                              "Kunjungan_Pembinaan", "Pengajuan_Akreditasi", "Pendampingan_Akreditasi",
                              "Hasil_Akreditasi"}


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def letter(subject: str, note: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {"penerima": ["dindikbud", "kemenag"], "perihal": subject, "sifat": "biasa"}
    if note:
        data["catatan"] = note
    return data


def start_cycle(libraries: dict[int, str]) -> ProcessRun:
    """Steps 1–3 with one correction round; `libraries` maps library ids to visit dates."""
    run = ProcessRun("kitapun_senapas")
    assert run.ready_names() == ["Koordinasi_Monev"]
    jadwal = [{"library": lid, "visit_date": visit, "officer": "petugas1"} for lid, visit in libraries.items()]
    resolved = [{**entry, **registry_entry(lid)} for entry, lid in zip(jadwal, libraries, strict=True)]
    run.complete("Koordinasi_Monev", {
        "periode": "Monev Perpustakaan 2027 Tahap I",
        "jadwal": jadwal,
        "notulen": "Rapat koordinasi menetapkan sasaran dan jadwal monev tahap I.",
    }, resolved={"jadwal": resolved})

    run.complete("Surat_Pemberitahuan_Monev", {"surat_monev": letter("Pemberitahuan Jadwal Monev Perpustakaan")})
    run.complete("Konfirmasi_Penyebarluasan", {"konfirmasi": {
        "status": "ada_koreksi", "catatan_koreksi": "Alamat tujuan surat Kantor Kemenag perlu diperbaiki."}})
    assert run.ready_names() == ["Surat_Pemberitahuan_Monev"], "a correction goes back to the letter"
    run.complete("Surat_Pemberitahuan_Monev", {"surat_monev": letter(
        "Pemberitahuan Jadwal Monev Perpustakaan", "Alamat Kantor Kemenag sudah diperbaiki.")})
    run.complete("Konfirmasi_Penyebarluasan", {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    return run


def monev(run: ProcessRun, library: int, given: dict[str, dict[str, str]]) -> None:
    """Steps 4–5 for one library."""
    run.complete("Kunjungan_Monev", {"kunjungan_monev": {"tanggal": day(30), "narasumber": "Kepala perpustakaan"}},
                 library=library)
    run.complete("Monev", {"answers": given, "laporan_monev": {
        "tanggal": day(30), "temuan": "Koleksi referensi masih terbatas.", "rekomendasi": "Tambah koleksi referensi."}},
        library=library)


def library_results(run: ProcessRun) -> dict[tuple[str, int], float]:
    """What the engine records on each library's history: `libraryResult` steps and their `resultVariable`."""
    found = {}
    for task in run.workflow.get_tasks(state=TaskState.COMPLETED):
        p = properties(task)
        if p.get("libraryResult"):
            result = task.data[p["resultVariable"]]
            found[(p["libraryResult"], library_of(task) or 0)] = result.get("total", result.get("nilai"))
    return found


def due(run: ProcessRun, spec_name: str, library: int) -> Any:
    task = run.ready(spec_name, library)[0]
    return run.workflow.script_engine.evaluate(task, properties(task)["dueDate"])


def test_cycle_with_three_libraries_one_not_coached_one_coached_twice() -> None:
    run = start_cycle({1: day(30), 2: day(31), 3: day(32)})

    # 4–5: one parallel track per library, keyed by the resolved library.
    visits = run.ready("Kunjungan_Monev")
    assert sorted(library_of(t) or 0 for t in visits) == [1, 2, 3]
    assert {t.data["kunjungan"]["library_name"] for t in visits} == {
        "Perpustakaan SD Negeri Contoh 1 Baki", "Perpustakaan MI Contoh Al-Hikmah Kudu",
        "Perpustakaan Desa Contoh Siwal"}
    assert due(run, "Kunjungan_Monev", 2) == day(31)
    overdue_at = {datetime.fromisoformat(e.value) for e in run.workflow.waiting_events()
                  if e.event_type in TIMER_EVENT_TYPES}
    assert overdue_at == {datetime.fromisoformat(f"{day(n)}T16:00:00+07:00") for n in (30, 31, 32)}

    monev(run, 1, answers({}, "e"))                                   # total 20 → not ready
    monev(run, 2, answers({}, "a"))                                   # total 100
    monev(run, 3, answers({"kol_04": "c"}, "b", library=3))       # 4/5 of everything, almost: 79.x
    assert run.ready_names() == ["Pemilihan_Pembinaan"]
    assert run.workflow.waiting_events() == [], "finished visits cancel their overdue timers"

    results = {h["library"]: h for h in run.ready("Pemilihan_Pembinaan")[0].data["hasil_monev"]}
    assert {lid: (h["skor_monev"]["total"], h["kesiapan"]["siap_dibina"]) for lid, h in results.items()} == {
        1: (20.0, False), 2: (100.0, True), 3: (79.0, True)}
    # Library 3 (a village library) gets the umum-desa instrument; Koleksi: kol_04 "c" instead of "b":
    # 4+4+4+3 = 15 of 20 → 15.0 instead of 16.0, so 80 − 1 = 79.
    assert results[2]["library_name"] == "Perpustakaan MI Contoh Al-Hikmah Kudu"
    assert results[2]["laporan_monev"]["rekomendasi"] == "Tambah koleksi referensi."

    # 6–7: coach libraries 2 and 3, not 1.
    run.complete("Pemilihan_Pembinaan", {"pembinaan": [2, 3], "catatan_pemilihan": "Skor di atas 60."})
    run.complete("Surat_Pemberitahuan_Pembinaan", {
        "surat_pembinaan": letter("Pemberitahuan Jadwal Pembinaan Perpustakaan Menuju Akreditasi"),
        "jadwal_pembinaan": [{"library": 2, "visit_date": day(60), "officer": "petugas1"},
                             {"library": 3, "visit_date": day(61), "officer": "petugas2"}]})

    # 8–9: library 2 needs a second coaching visit, library 3 is ready at once.
    coaching = run.ready("Kunjungan_Pembinaan")
    assert sorted(library_of(t) or 0 for t in coaching) == [2, 3]
    assert coaching[0].data["binaan"]["library_name"]
    assert due(run, "Kunjungan_Pembinaan", 2) == day(60)
    run.complete("Kunjungan_Pembinaan", {"kunjungan_pembinaan": {
        "tanggal": day(60), "topik": ["administrasi", "otomasi"], "catatan": "Input data ke SLiMS belum selesai.",
        "siap_akreditasi": False, "tanggal_berikutnya": day(90)}}, library=2)
    assert due(run, "Kunjungan_Pembinaan", 2) == day(90), "the next visit is due on the agreed date"
    run.complete("Kunjungan_Pembinaan", {"kunjungan_pembinaan": {
        "tanggal": day(90), "topik": ["dokumen_akreditasi"], "catatan": "Dokumen akreditasi lengkap.",
        "siap_akreditasi": True}}, library=2)
    run.complete("Kunjungan_Pembinaan", {"kunjungan_pembinaan": {
        "tanggal": day(61), "topik": ["otomasi"], "catatan": "Siap diajukan.", "siap_akreditasi": True}}, library=3)
    assert run.ready_names() == ["Pengajuan_Akreditasi", "Pengajuan_Akreditasi"]
    for library in (2, 3):
        run.complete("Pengajuan_Akreditasi", submission(day(95), day(110)), library=library)
        assert due(run, "Pendampingan_Akreditasi", library) == day(110), "the visit is due on the planned date"
        run.complete("Pendampingan_Akreditasi", accompaniment(day(110)), library=library)
    assert run.ready_names() == ["Hasil_Akreditasi", "Hasil_Akreditasi"], "the result waits for Perpusnas"
    run.complete("Hasil_Akreditasi", result("terakreditasi", day(120), 91.17, nomor_sertifikat="AKR/0001/2027"),
                 library=2)
    run.complete("Hasil_Akreditasi", result("tidak_terakreditasi", day(121), 58.5), library=3)
    assert run.ready_names() == ["Tindak_Lanjut_Akreditasi"], "only the library not accredited has a choice"
    run.complete("Tindak_Lanjut_Akreditasi", follow_up("tutup", "Perpustakaan menunda pengajuan ulang."), library=3)

    assert run.workflow.is_completed() and not run.unfinished()
    assert library_results(run) == {
        ("monev", 1): 20.0, ("monev", 2): 100.0, ("monev", 3): 79.0,
        ("accreditation", 2): 91.17, ("accreditation", 3): 58.5}
    coached = {h["library"]: h for h in run.workflow.data["hasil_pembinaan"]}
    assert {lid: h["jumlah_pembinaan"] for lid, h in coached.items()} == {2: 2, 3: 1}
    assert [v["tanggal"] for v in coached[2]["riwayat_pembinaan"]] == [day(60), day(90)]
    assert coached[2]["akreditasi"]["predikat"] == "A" and coached[2]["skor_monev"] == 100.0
    accredited = coached[2]["akreditasi"]
    valid_from, valid_until = (date.fromisoformat(accredited[k]) for k in ("berlaku_mulai", "berlaku_sampai"))
    assert valid_from == TODAY + timedelta(days=120) and valid_until.year == valid_from.year + 5, "5 years by default"
    assert coached[2]["akreditasi"]["pengajuan"]["nomor_sipapi"] == "SIPAPI-2027-0001"
    assert (coached[2]["status"], coached[3]["status"]) == ("terakreditasi", "tidak_terakreditasi")
    assert coached[3]["akreditasi"]["predikat"] == "Tidak Terakreditasi"
    assert coached[3]["officer"] == "petugas2"
    assert len(run.workflow.data["hasil_monev"]) == 3


def test_an_empty_choice_ends_the_cycle_without_steps_7_to_9() -> None:
    run = start_cycle({5: day(30)})
    monev(run, 5, answers({}, "d", library=5))
    run.complete("Pemilihan_Pembinaan", {"pembinaan": []})
    assert run.workflow.is_completed() and not run.unfinished()
    ran = {t.task_spec.name for t in run.workflow.get_tasks()}
    assert not ran & SPEC_NAMES_OF_STEPS_7_TO_9
    assert "hasil_pembinaan" not in run.workflow.data


def test_an_overdue_visit_escalates_to_kabid_without_stopping_the_track() -> None:
    run = start_cycle({1: day(-1), 2: day(30)})
    run.workflow.do_engine_steps()  # the timer fired while refreshing; its path runs on the next step
    assert run.ready_names() == ["Eskalasi_Kunjungan", "Kunjungan_Monev", "Kunjungan_Monev", "Penilaian_Mandiri",
                                 "Penilaian_Mandiri"]
    escalation = run.ready("Eskalasi_Kunjungan")[0]
    assert escalation.task_spec.lane == "kabid" and library_of(escalation) == 1
    run.complete("Eskalasi_Kunjungan", {"eskalasi_kunjungan": {
        "tindak_lanjut": "jadwal_ulang", "tanggal_baru": day(3), "catatan": "Petugas sakit; dijadwalkan ulang."}},
        library=1)
    monev(run, 1, answers({}, "c"))
    monev(run, 2, answers({}, "c"))
    assert run.ready_names() == ["Pemilihan_Pembinaan"]
    results = run.ready("Pemilihan_Pembinaan")[0].data["hasil_monev"]
    assert sorted(h["library"] for h in results) == [1, 2]
    assert all("eskalasi_kunjungan" not in h for h in results), "only the track's result is collected"


def test_a_track_gets_its_item_alone_and_gives_back_its_result_alone() -> None:
    # The tracks are call activities whose called processes declare their data inputs and outputs:
    # only the item goes in and only the result comes out, so no track holds a copy of the cycle.
    run = start_cycle({1: day(30), 2: day(31)})
    tracks = [w for w in run.workflow.subprocesses.values() if w.spec.name == "monev_perpustakaan"]
    starts = [w.get_next_task(w.task_tree, skip_subprocesses=True, spec_name="Start") for w in tracks]
    assert sorted((t.data["kunjungan"]["library"], sorted(t.data)) for t in starts) == [
        (1, ["kunjungan"]), (2, ["kunjungan"])]
    monev(run, 1, answers({}, "a"))
    monev(run, 2, answers({}, "c"))
    [choice] = run.ready("Pemilihan_Pembinaan")
    assert set(choice.data) == {"periode", "jadwal", "notulen", "surat_monev", "konfirmasi", "hasil_monev"}
    assert sorted((h["library"], h["skor_monev"]["total"]) for h in choice.data["hasil_monev"]) == [
        (1, 100.0), (2, 60.0)]


def test_the_visit_timer_fires_after_the_service_time_of_the_visit_day(monkeypatch: pytest.MonkeyPatch) -> None:
    run = start_cycle({1: day(2)})
    assert run.ready_names() == ["Kunjungan_Monev", "Penilaian_Mandiri"]
    deadline = datetime.fromisoformat(f"{day(2)}T16:00:00+07:00")

    class Clock(datetime):
        offset = timedelta(0)

        @classmethod
        def now(cls, tz: Any = None) -> Clock:
            moment = datetime.now(UTC) + cls.offset
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(timer, "datetime", Clock)
    Clock.offset = deadline - datetime.now(UTC) - timedelta(minutes=1)
    run.workflow.do_engine_steps()
    run.workflow.do_engine_steps()
    assert run.ready_names() == ["Kunjungan_Monev", "Penilaian_Mandiri"]
    Clock.offset = deadline - datetime.now(UTC) + timedelta(minutes=1)
    run.workflow.do_engine_steps()
    run.workflow.do_engine_steps()
    assert run.ready_names() == ["Eskalasi_Kunjungan", "Kunjungan_Monev", "Penilaian_Mandiri"]


def test_each_library_type_gets_its_instrument_and_the_self_assessment_closes_with_the_monev() -> None:
    # A school, a village, a company and a TBM: four instruments, none asking a village about pupils.
    run = start_cycle({1: day(30), 3: day(31), 11: day(32), 5: day(33)})
    chosen = {library_of(t): t.data["instrumen"] for t in run.ready("Penilaian_Mandiri")}
    assert chosen == {1: "akreditasi-sekolah-2018", 3: "umum-desa-2018", 11: "khusus-instansi-2018",
                      5: "tbm-daftar-periksa-2026"}
    assert all(t.task_spec.lane == "pustakawan" for t in run.ready("Penilaian_Mandiri"))

    # Library 1's librarian answers before the visit; the others never do.
    run.complete("Penilaian_Mandiri", {"penilaian_mandiri": answers({}, "b", library=1)}, library=1)
    for library in chosen:
        monev(run, library, answers({}, "c", library=library))
    assert run.ready_names() == ["Pemilihan_Pembinaan"], "an unanswered self-assessment closes with its monev"
    results = {h["library"]: h["skor_monev"] for h in run.ready("Pemilihan_Pembinaan")[0].data["hasil_monev"]}
    assert {lid: (r["instrument"], r["total"]) for lid, r in results.items()} == {
        lid: (instrument, 60.0) for lid, instrument in chosen.items()}
    closed = [t for t in run.workflow.get_tasks(state=TaskState.CANCELLED) if t.task_spec.name == "Penilaian_Mandiri"]
    assert sorted(library_of(t) or 0 for t in closed) == [3, 5, 11]


def test_no_instrument_but_the_school_one_asks_about_pupils_or_school_days() -> None:
    for instrument in instruments.typed(SOP_DIR):
        texts = " ".join(f"{i.text} {' '.join(i.options.values())}".lower()
                         for c in instrument.components for i in c.indicators)
        asks = "peserta didik" in texts or "hari sekolah" in texts
        assert asks == (instrument.library_types == ("sekolah",)), instrument.id
        assert instrument.source and instrument.official_text.startswith("Bukan"), instrument.id


def overdue(*, other: str = day(30)) -> ProcessRun:
    """A cycle whose visit to library 1 was due yesterday: its escalation is open for kabid."""
    run = start_cycle({1: day(-1), 2: other})
    run.workflow.do_engine_steps()
    assert len(run.ready("Eskalasi_Kunjungan", 1)) == 1
    return run


def escalate(run: ProcessRun, decision: dict[str, Any]) -> None:
    run.complete("Eskalasi_Kunjungan", {"eskalasi_kunjungan": {"catatan": "Arahan kepala bidang.", **decision}},
                 library=1)


def test_a_rescheduled_visit_opens_again_on_its_new_date_and_the_old_one_closes() -> None:
    run = overdue()
    old = run.ready("Kunjungan_Monev", 1)[0]
    escalate(run, {"tindak_lanjut": "jadwal_ulang", "tanggal_baru": day(5)})
    [new] = run.ready("Kunjungan_Monev", 1)
    assert new.id != old.id and old.state == TaskState.CANCELLED
    assert new.data["kunjungan"]["visit_date"] == day(5) and new.data["kunjungan"]["officer"] == "petugas1"
    assert [(c["tindak_lanjut"], c["visit_date_lama"]) for c in new.data["kunjungan"]["perubahan"]] == [
        ("jadwal_ulang", day(-1))]
    assert run.ready("Eskalasi_Kunjungan") == []
    monev(run, 1, answers({}, "c"))
    monev(run, 2, answers({}, "c"))
    [choice] = run.ready("Pemilihan_Pembinaan")
    assert [h["visit_date"] for h in choice.data["hasil_monev"]] == [day(5), day(30)]


def test_a_new_officer_takes_the_visit_with_a_new_team() -> None:
    run = overdue()
    refused = form_errors("eskalasi_kunjungan.json", {"eskalasi_kunjungan": {
        "tindak_lanjut": "ganti_petugas", "catatan": "Petugas sakit."}})
    assert {e.split(":")[0] for e in refused} >= {"eskalasi_kunjungan"}
    escalate(run, {"tindak_lanjut": "ganti_petugas", "tanggal_baru": day(4), "officer": "petugas2",
                   "members": ["petugas3"]})
    [new] = run.ready("Kunjungan_Monev", 1)
    assert (new.data["kunjungan"]["officer"], new.data["kunjungan"]["members"]) == ("petugas2", ["petugas3"])
    assert new.data["kunjungan"]["visit_date"] == day(4)


def test_monitoring_keeps_the_same_visit_open() -> None:
    run = overdue()
    old = run.ready("Kunjungan_Monev", 1)[0]
    escalate(run, {"tindak_lanjut": "pantau"})
    assert [t.id for t in run.ready("Kunjungan_Monev", 1)] == [old.id]
    assert run.ready("Eskalasi_Kunjungan") == []


def test_a_withdrawn_library_leaves_the_cycle_without_a_result() -> None:
    run = overdue()
    escalate(run, {"tindak_lanjut": "tarik"})
    assert run.ready("Kunjungan_Monev", 1) == [] and run.ready("Penilaian_Mandiri", 1) == []
    assert len(run.ready("Penilaian_Mandiri", 2)) == 1
    monev(run, 2, answers({}, "b"))
    [choice] = run.ready("Pemilihan_Pembinaan")
    assert [(h["library"], h["status"]) for h in choice.data["hasil_monev"]] == [(1, "ditarik"), (2, "dimonev")]
    assert "skor_monev" not in choice.data["hasil_monev"][0]
    assert library_results(run) == {("monev", 2): 80.0}


def test_finishing_one_monev_closes_only_that_librarys_self_assessment() -> None:
    run = start_cycle({1: day(20), 2: day(30)})
    monev(run, 1, answers({}, "c"))
    assert run.ready("Penilaian_Mandiri", 1) == []
    assert len(run.ready("Penilaian_Mandiri", 2)) == 1
