"""Visit teams and the exceptions of a real cycle: who holds a visit, withdrawing and rescheduling it."""

from __future__ import annotations

from typing import Any

import pytest

from engine import audit, oversight, tasks, visits
from engine.db import run_in_transaction
from engine.definitions import versions as definitions
from engine.documents import documents
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.libraries import importer as library_import
from engine.libraries import results as library_results
from engine.models import Task, TaskStatus
from engine.people import users
from engine.people.users import Actor
from engine.workflow import teams
from tests.engine.helpers import LIMITS
from tests.processes.helpers import LIBRARIES_CSV, PROCESSES_DIR, answers
from tests.processes.test_sop_engine import ADMIN, KABID, MITRA, PETUGAS, SUBKOOR, day, letter

PETUGAS2 = Actor("petugas2", frozenset({"petugas"}))
PETUGAS3 = Actor("petugas3", frozenset({"petugas"}))


@pytest.fixture
def office(factory):
    """The SOP deployed and the demo registry imported, with three officers, a subkoor and a mitra."""
    run_in_transaction(factory, lambda s: definitions.deploy_folder(s, PROCESSES_DIR, ADMIN))
    run_in_transaction(factory, lambda s: library_import.import_csv(s, LIBRARIES_CSV, ADMIN))
    for name, role in (("petugas", "petugas"), ("petugas2", "petugas"), ("petugas3", "petugas"),
                       ("subkoor", "subkoor"), ("mitra", "mitra")):
        run_in_transaction(factory, lambda s, n=name, r=role: users.create_user(s, n, "kunjungan-tim-2027", [r]))
    return factory


def complete(factory, actor: Actor, task_id: str, data: dict[str, Any]) -> Any:
    return run_in_transaction(factory, lambda s: tasks.complete(s, task_id, actor, data, limits=LIMITS))


def open_task(factory, iid: int, name: str, library: int | None = None) -> Task:
    with factory() as s:
        found = [t for t in tasks.of_instance(s, iid, status=TaskStatus.OPEN)
                 if t.name == name and (library is None or t.library_id == library)]
    assert len(found) == 1, f"one open {name} of library {library} expected: {found}"
    return found[0]


def start(factory, schedule: list[dict[str, Any]]) -> int:
    """Steps 1–3: coordination with the given schedule, the letter, its dissemination."""
    from engine import instances
    iid = run_in_transaction(factory, lambda s: instances.start(s, "kitapun_senapas", SUBKOOR, limits=LIMITS).id)
    complete(factory, SUBKOOR, open_task(factory, iid, "Koordinasi_Monev").id, {
        "periode": "Monev Perpustakaan 2027 Tahap I", "jadwal": schedule, "notulen": "Tim kunjungan ditetapkan."})
    complete(factory, PETUGAS, open_task(factory, iid, "Surat_Pemberitahuan_Monev").id,
             {"surat_monev": letter("Jadwal Monev")})
    complete(factory, MITRA, open_task(factory, iid, "Konfirmasi_Penyebarluasan").id, {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    return iid


def listed(factory, actor: Actor, scope: str, iid: int, name: str) -> list[str | None]:
    with factory() as s:
        return sorted(t.item_key for t in tasks.in_scope(s, actor, scope, per_page=200).items
                      if t.instance_id == iid and t.name == name)


def test_a_visit_opens_in_its_leads_inbox_and_its_team_sees_and_works_it(office):
    iid = start(office, [{"library": 1, "visit_date": day(30), "officer": "subkoor", "members": ["petugas2"]},
                         {"library": 2, "visit_date": day(31), "officer": "petugas"}])
    visit = open_task(office, iid, "Kunjungan_Monev", 1)
    assert visit.assignee == "subkoor"
    with office() as s:
        assert teams.teams_of(s, [visit.id])[visit.id] == [("petugas2", "petugas2"), ("subkoor", "subkoor")]
    assert listed(office, SUBKOOR, "inbox", iid, "Kunjungan_Monev") == ["1"]
    assert listed(office, PETUGAS2, "inbox", iid, "Kunjungan_Monev") == ["1"]
    assert listed(office, PETUGAS, "inbox", iid, "Kunjungan_Monev") == ["2"]
    # nobody's queue offers a visit that has a team, and an officer outside the team cannot take it
    assert listed(office, PETUGAS3, "queue", iid, "Kunjungan_Monev") == []
    with pytest.raises(Conflict):
        complete(office, PETUGAS3, visit.id, {"kunjungan_monev": {"tanggal": day(30), "narasumber": "Kepala"}})
    # a member records the visit; the monev that follows is held by the same lead
    complete(office, PETUGAS2, visit.id, {"kunjungan_monev": {"tanggal": day(30), "narasumber": "Kepala"}})
    assert open_task(office, iid, "Monev", 1).assignee == "subkoor"
    with office() as s:
        surat = [d for d in documents.list_for_instance(s, iid) if d.kind == "surat_tugas"
                 and d.context["item"]["key"] == "1"]
    assert {"petugas2", "subkoor"} <= set(surat[0].context["officers"])
    # the member types the result in days later; the result names the scheduled team and the visit's day
    complete(office, PETUGAS2, open_task(office, iid, "Monev", 1).id, {"answers": answers({}, "b"), "laporan_monev": {
        "tanggal": day(32), "temuan": "Koleksi terbatas.", "rekomendasi": "Tambah koleksi."}})
    with office() as s:
        [row] = documents.cycle_results(s, iid)
        [result] = library_results.results_of_instance(s, iid, "monev")
    assert (row["officer"], row["members"], row["date"]) == ("subkoor", ["petugas2"], day(30))
    assert result.recorded_by == "petugas2"
    assert library_results.visit_of(result) == (day(30), ["subkoor", "petugas2"])


def test_a_schedule_refuses_a_team_holding_its_lead_or_someone_who_may_not_visit(office):
    from engine import instances
    iid = run_in_transaction(office, lambda s: instances.start(s, "kitapun_senapas", SUBKOOR, limits=LIMITS).id)
    coordination = open_task(office, iid, "Koordinasi_Monev")
    with pytest.raises(ValidationFailed) as refused:
        complete(office, SUBKOOR, coordination.id, {
            "periode": "Monev Perpustakaan 2027", "notulen": "Rapat.",
            "jadwal": [{"library": 1, "visit_date": day(30), "officer": "petugas",
                        "members": ["petugas", "mitra", "nobody"]}]})
    codes = {(d["path"], d["code"]) for d in refused.value.details}
    assert codes == {("jadwal.0.members.0", "member_is_lead"), ("jadwal.0.members.1", "not_an_officer"),
                     ("jadwal.0.members.2", "unknown_officer")}
    assert open_task(office, iid, "Koordinasi_Monev").id == coordination.id


def test_a_supervisor_withdraws_a_library_and_its_track_ends_without_a_result(office):
    iid = start(office, [{"library": 1, "visit_date": day(30), "officer": "petugas"},
                         {"library": 2, "visit_date": day(31), "officer": "petugas"}])
    with pytest.raises(Forbidden):
        run_in_transaction(office, lambda s: visits.change(s, iid, 1, PETUGAS, "withdraw", {"reason": "Tutup."},
                                                           limits=LIMITS))
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(office, lambda s: visits.change(s, iid, 1, KABID, "withdraw", {}, limits=LIMITS))
    assert [(d["path"], d["code"]) for d in refused.value.details] == [("reason", "required")]
    with pytest.raises(NotFound):
        run_in_transaction(office, lambda s: visits.change(s, iid, 9, KABID, "withdraw", {"reason": "Tutup."},
                                                           limits=LIMITS))
    run_in_transaction(office, lambda s: visits.change(s, iid, 1, KABID, "withdraw",
                                                       {"reason": "Perpustakaan tutup selama renovasi."},
                                                       limits=LIMITS))
    with office() as s:
        left = {(t.name, t.library_id) for t in tasks.of_instance(s, iid, status=TaskStatus.OPEN)}
        withdrawn = [e for e in audit.history(s, iid) if e.action == "visit_withdraw"]
    # library 1's visit and self-assessment are gone; library 2's stay open
    assert left == {("Kunjungan_Monev", 2), ("Penilaian_Mandiri", 2)}
    assert [(e.actor, e.reason, e.data["tindak_lanjut"]) for e in withdrawn] == [
        ("kabid", "Perpustakaan tutup selama renovasi.", "tarik")]
    with office() as s:  # the cycle's overview still lists it, as withdrawn
        [cycle] = oversight.cycles(s, [iid])
    assert {lib.library_id: lib.stages["monev"] for lib in cycle.libraries} == {1: "withdrawn", 2: "open"}
    with pytest.raises(NotFound):  # nothing left to change for that library
        run_in_transaction(office, lambda s: visits.change(s, iid, 1, KABID, "withdraw", {"reason": "Lagi."},
                                                           limits=LIMITS))
    complete(office, PETUGAS, open_task(office, iid, "Kunjungan_Monev", 2).id,
             {"kunjungan_monev": {"tanggal": day(31), "narasumber": "Kepala"}})
    complete(office, PETUGAS, open_task(office, iid, "Monev", 2).id, {"answers": answers({}, "b"), "laporan_monev": {
        "tanggal": day(31), "temuan": "Koleksi terbatas.", "rekomendasi": "Tambah koleksi."}})
    choice = open_task(office, iid, "Pemilihan_Pembinaan")
    with office() as s:
        data = tasks.data_of(s, choice)
        recorded = [r.library_id for r in library_results.results_of_instance(s, iid, "monev")]
    assert [(h["library"], h["status"]) for h in data["hasil_monev"]] == [(1, "ditarik"), (2, "dimonev")]
    assert data["hasil_monev"][0]["alasan_penarikan"] == "Perpustakaan tutup selama renovasi."
    assert recorded == [2]


def test_a_supervisor_reschedules_a_visit_for_a_new_team_with_a_new_surat_tugas(office):
    iid = start(office, [{"library": 1, "visit_date": day(30), "officer": "petugas"}])
    first = open_task(office, iid, "Kunjungan_Monev", 1)
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(office, lambda s: visits.change(s, iid, 1, SUBKOOR, "reschedule", {
            "reason": "Sekolah ujian.", "visit_date": day(-1), "members": ["petugas3"]}, limits=LIMITS))
    assert {(d["path"], d["code"]) for d in refused.value.details} >= {("officer", "required")}
    run_in_transaction(office, lambda s: visits.change(s, iid, 1, SUBKOOR, "reschedule", {
        "reason": "Sekolah sedang ujian akhir.", "visit_date": day(45), "officer": "petugas2",
        "members": ["petugas3"]}, limits=LIMITS))
    second = open_task(office, iid, "Kunjungan_Monev", 1)
    assert second.id != first.id and second.assignee == "petugas2"
    with office() as s:
        assert s.get(Task, first.id).status == TaskStatus.CANCELLED
        letters = [d for d in documents.list_for_instance(s, iid) if d.kind == "surat_tugas"]
        assert tasks.data_of(s, second)["kunjungan"]["visit_date"] == day(45)
    assert [d.replaced_by for d in letters] == [letters[1].id, None]
    assert letters[1].context["data"]["kunjungan"]["visit_date"] == day(45)
    assert {"petugas2", "petugas3"} <= set(letters[1].context["officers"])
    assert listed(office, PETUGAS, "inbox", iid, "Kunjungan_Monev") == []


def test_a_corrected_letter_comes_back_prefilled_with_the_note_and_replaces_the_first(office):
    from engine import instances
    iid = run_in_transaction(office, lambda s: instances.start(s, "kitapun_senapas", SUBKOOR, limits=LIMITS).id)
    schedule = [{"library": 1, "visit_date": day(30), "officer": "petugas"}]
    complete(office, SUBKOOR, open_task(office, iid, "Koordinasi_Monev").id, {
        "periode": "Monev Perpustakaan 2027 Tahap I", "jadwal": schedule, "notulen": "Rapat."})
    letter_task = open_task(office, iid, "Surat_Pemberitahuan_Monev")
    with office() as s:
        fresh = tasks.prefill_of(s, letter_task, tasks.form_of(s, letter_task))
    assert fresh.note is None and fresh.values["jadwal"] == schedule  # the registry's names are not form fields
    complete(office, PETUGAS, letter_task.id, {"surat_monev": letter("Jadwal Monev")})
    complete(office, MITRA, open_task(office, iid, "Konfirmasi_Penyebarluasan").id, {"konfirmasi": {
        "status": "ada_koreksi", "catatan_koreksi": "Tanggal kunjungan bentrok dengan ujian; geser ke pekan depan."}})
    again = open_task(office, iid, "Surat_Pemberitahuan_Monev")
    with office() as s:
        back = tasks.prefill_of(s, again, tasks.form_of(s, again))
    assert back.note == "Tanggal kunjungan bentrok dengan ujian; geser ke pekan depan."
    assert back.values["surat_monev"]["perihal"] == "Jadwal Monev" and back.values["jadwal"] == schedule
    moved = [{**schedule[0], "visit_date": day(37)}]
    complete(office, PETUGAS, again.id, {"surat_monev": letter("Jadwal Monev (perbaikan)"), "jadwal": moved})
    complete(office, MITRA, open_task(office, iid, "Konfirmasi_Penyebarluasan").id, {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    visit = open_task(office, iid, "Kunjungan_Monev", 1)
    with office() as s:
        notices = [d for d in documents.list_for_instance(s, iid) if d.kind == "monev_notification"]
        assert tasks.data_of(s, visit)["kunjungan"]["visit_date"] == day(37)
    assert [d.replaced_by for d in notices] == [notices[1].id, None]


def test_a_supervisor_hands_a_team_visit_to_another_officer_who_joins_the_team(office):
    iid = start(office, [{"library": 1, "visit_date": day(30), "officer": "petugas", "members": ["petugas2"]}])
    visit = open_task(office, iid, "Kunjungan_Monev", 1)
    with pytest.raises(Forbidden):
        run_in_transaction(office, lambda s: tasks.assign(s, visit.id, PETUGAS, "petugas3", "Sakit."))
    run_in_transaction(office, lambda s: tasks.assign(s, visit.id, KABID, "subkoor", "Petugas sakit."))
    with office() as s:
        row = s.get(Task, visit.id)
        team = teams.teams_of(s, [visit.id])[visit.id]
        [handed] = [e for e in audit.history(s, iid) if e.action == "assign"]
    assert row.assignee == "subkoor" and [u for u, _ in team] == ["petugas", "petugas2", "subkoor"]
    assert (handed.actor, handed.reason) == ("kabid", "Petugas sakit.")
    assert handed.data == {"from": "petugas", "to": "subkoor"}
    assert listed(office, SUBKOOR, "inbox", iid, "Kunjungan_Monev") == ["1"]


def coached(factory, coaching: dict[str, Any]) -> int:
    """A cycle whose library 1 was monitored and chosen, with `coaching` as its row of the coaching schedule."""
    iid = start(factory, [{"library": 1, "visit_date": day(30), "officer": "petugas"}])
    complete(factory, PETUGAS, open_task(factory, iid, "Kunjungan_Monev", 1).id,
             {"kunjungan_monev": {"tanggal": day(30), "narasumber": "Kepala"}})
    complete(factory, PETUGAS, open_task(factory, iid, "Monev", 1).id, {"answers": answers({}, "a"), "laporan_monev": {
        "tanggal": day(30), "temuan": "Koleksi terbatas.", "rekomendasi": "Tambah koleksi."}})
    complete(factory, KABID, open_task(factory, iid, "Pemilihan_Pembinaan").id, {"pembinaan": [1]})
    complete(factory, PETUGAS, open_task(factory, iid, "Surat_Pemberitahuan_Pembinaan").id, {
        "surat_pembinaan": letter("Jadwal Pembinaan"),
        "jadwal_pembinaan": [{"library": 1, "visit_date": day(60), **coaching}]})
    return iid


def test_letters_of_other_steps_and_of_visits_that_took_place_stay_in_force(office):
    from tests.processes.accreditation import submission
    iid = coached(office, {"officer": "petugas"})
    for when, ready in ((60, False), (90, True)):  # a repeat coaching visit is a second visit, not a new date
        outcome = {"siap_akreditasi": ready, **({} if ready else {"tanggal_berikutnya": day(90)})}
        complete(office, PETUGAS, open_task(office, iid, "Kunjungan_Pembinaan", 1).id, {"kunjungan_pembinaan": {
            "tanggal": day(when), "topik": ["administrasi"], "catatan": "Pembinaan.", **outcome}})
    complete(office, PETUGAS, open_task(office, iid, "Pengajuan_Akreditasi", 1).id, submission(day(95), day(110)))
    open_task(office, iid, "Pendampingan_Akreditasi", 1)
    with office() as s:
        letters = [(d.step, d.replaced_by) for d in documents.list_for_instance(s, iid) if d.kind == "surat_tugas"]
    assert letters == [("Kunjungan_Monev", None), ("Kunjungan_Pembinaan", None), ("Kunjungan_Pembinaan", None),
                       ("Pendampingan_Akreditasi", None)]


def test_the_coaching_team_holds_its_library_up_to_the_accreditation_follow_up(office):
    from tests.processes.accreditation import accompaniment, result, submission
    iid = coached(office, {"officer": "petugas", "members": ["petugas2"]})
    coaching = open_task(office, iid, "Kunjungan_Pembinaan", 1)
    assert coaching.assignee == "petugas"
    with office() as s:
        assert [u for u, _ in teams.teams_of(s, [coaching.id])[coaching.id]] == ["petugas", "petugas2"]
    assert listed(office, PETUGAS2, "inbox", iid, "Kunjungan_Pembinaan") == ["1"]
    assert listed(office, PETUGAS3, "inbox", iid, "Kunjungan_Pembinaan") == []
    complete(office, PETUGAS2, coaching.id, {"kunjungan_pembinaan": {
        "tanggal": day(60), "topik": ["administrasi"], "catatan": "Pembinaan.", "siap_akreditasi": True}})
    submitted = open_task(office, iid, "Pengajuan_Akreditasi", 1)
    assert submitted.assignee == "petugas"
    complete(office, PETUGAS, submitted.id, submission(day(61), day(80)))
    visit = open_task(office, iid, "Pendampingan_Akreditasi", 1)
    assert visit.assignee == "petugas", "without an accompaniment team the coaching lead accompanies"
    complete(office, PETUGAS, visit.id, accompaniment(day(80), ("petugas",)))
    outcome = open_task(office, iid, "Hasil_Akreditasi", 1)
    assert outcome.assignee == "petugas"
    assert listed(office, PETUGAS, "inbox", iid, "Hasil_Akreditasi") == ["1"]
    complete(office, PETUGAS, outcome.id, result("tidak_terakreditasi", day(120), 55.0))
    assert open_task(office, iid, "Tindak_Lanjut_Akreditasi", 1).assignee == "petugas"


def test_the_accompaniment_team_is_chosen_on_the_submission_and_named_by_its_surat_tugas(office):
    from letters import views
    from tests.processes.accreditation import submission
    iid = coached(office, {"officer": "petugas", "members": ["petugas2"]})
    complete(office, PETUGAS, open_task(office, iid, "Kunjungan_Pembinaan", 1).id, {"kunjungan_pembinaan": {
        "tanggal": day(60), "topik": ["administrasi"], "catatan": "Pembinaan.", "siap_akreditasi": True}})
    submitted = open_task(office, iid, "Pengajuan_Akreditasi", 1)
    with pytest.raises(ValidationFailed) as refused:  # the lead is not one of the members too
        complete(office, PETUGAS, submitted.id, {"pengajuan_akreditasi": {
            **submission(day(61), day(80))["pengajuan_akreditasi"], "officer": "petugas3", "members": ["petugas3"]}})
    assert {d["code"] for d in refused.value.details} == {"member_is_lead"}
    assert open_task(office, iid, "Pengajuan_Akreditasi", 1).id == submitted.id
    complete(office, PETUGAS, submitted.id, {"pengajuan_akreditasi": {
        **submission(day(61), day(80))["pengajuan_akreditasi"], "officer": "petugas3", "members": ["petugas2"]}})
    accompaniment = open_task(office, iid, "Pendampingan_Akreditasi", 1)
    assert accompaniment.assignee == "petugas3"
    assert listed(office, PETUGAS2, "inbox", iid, "Pendampingan_Akreditasi") == ["1"]
    assert listed(office, PETUGAS, "inbox", iid, "Pendampingan_Akreditasi") == []
    with office() as s:
        [letter_of_visit] = documents.list_for_task(s, accompaniment.id)
    shown = views.view("surat_tugas", letter_of_visit.context)
    assert [o["username"] for o in shown["team"]] == ["petugas3", "petugas2"]
    assert (shown["assignee"]["username"], shown["when"]) == ("petugas3", day(80))
    complete(office, PETUGAS3, accompaniment.id, {"pendampingan_akreditasi": {
        "tanggal": day(80), "petugas": ["petugas3", "petugas2"], "catatan": "Visitasi lancar."}})
    assert open_task(office, iid, "Hasil_Akreditasi", 1).assignee == "petugas", "the coaching lead again"
