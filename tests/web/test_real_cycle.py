"""One real KITAPUN SENAPAS cycle as an agency runs it, on a demo database, over the API and the HTML forms.

Five libraries of the four types (school, village, company, TBM), each scored with its own instrument;
a team per visit; one library withdrawn, one visit rescheduled; two libraries coached, one of which
drops out while the other is submitted to Perpusnas, accompanied and accredited. Every letter the cycle
produced is rendered and read back.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from letters.formatting import tanggal
from tests.letters.pdftext import assert_has, text_of
from tests.processes.accreditation import accompaniment, result, submission
from tests.web.helpers import Web
from tests.web.real_cycle_data import (
    COACHING_LETTER,
    COORDINATION,
    DESA,
    DROP_OUT,
    FULL_NAMES,
    INSTRUMENTS,
    KHUSUS,
    MONEV_LETTER,
    NAMES,
    PERIOD,
    PROFILE,
    RESCHEDULED,
    SD,
    SECOND,
    SMP,
    TBM,
    WITHDRAWN,
    add_second_officer,
    monev,
)
from tests.web.sop_steps import DEMO_PASSWORD, Callers, callers, coaching, complete, day, one_task, tasks_of, visit
from tests.web.test_sop_over_http import form_fields


def submit_form(web: Web, task_id: str, data: dict[str, Any]) -> None:
    """Post a task's HTML form as the page would (dotted names, table rows, checkboxes)."""
    fields = form_fields(data)
    fields.add("csrf_token", web.token)
    response = web.client.post(f"/tasks/{task_id}", data=fields)
    assert response.status_code == 303, re.findall(r'class="field-error[^"]*">([^<]+)<', response.text)


def detail(api: Callers, instance_id: int) -> dict[str, Any]:
    return dict(api("kabid").get(f"/instances/{instance_id}").json)


def letters(api: Callers, instance_id: int, kind: str) -> list[dict[str, Any]]:
    return [d for d in detail(api, instance_id)["documents"] if d["kind"] == kind]


def pdf(api: Callers, document: dict[str, Any]) -> str:
    """A document's PDF text."""
    response = api("kabid").get(f"/documents/{document['id']}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF"), document
    return text_of(response.data)


def coordinate_with_teams(demo_app: Flask, api: Callers) -> int:
    """The subkoor starts the cycle over the API and records the coordination (targets, teams) on its HTML form."""
    started = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}})
    assert started.status_code == 201, started.json
    instance_id = int(started.json["id"])
    subkoor = Web(demo_app.test_client()).login("subkoor", DEMO_PASSWORD)
    task = one_task(api, "subkoor", instance_id, "Koordinasi_Monev")
    page = subkoor.get(f"/tasks/{task['id']}").text
    assert SECOND["name"] in page, "the team is picked from the people who may visit, by name"
    submit_form(subkoor, task["id"], COORDINATION)
    return instance_id


def check_visit_teams(api: Callers, instance_id: int) -> None:
    """Each visit sits in its lead's inbox, is shared with its team, and stays out of other officers' lists."""
    lead = one_task(api, "petugas", instance_id, "Kunjungan_Monev", SD)
    assert lead["assignee"] == "petugas"
    assert lead["id"] in [t["id"] for t in api("petugas").get("/tasks?scope=inbox").json["items"]], "lead's inbox"
    shared = one_task(api, "petugas2", instance_id, "Kunjungan_Monev", SD)
    assert shared["id"] == lead["id"], "the member sees the lead's task"
    team = api("petugas2").get(f"/tasks/{lead['id']}").json["team"]
    assert sorted(m["username"] for m in team) == ["petugas", "petugas2"]
    assert {m["name"] for m in team} == {FULL_NAMES["petugas"], SECOND["name"]}

    village = one_task(api, "petugas2", instance_id, "Kunjungan_Monev", DESA)
    assert village["assignee"] == "petugas2"
    assert not [t for t in tasks_of(api, "petugas") if t["id"] == village["id"]], \
        "another petugas's visit is not in petugas's inbox or queue"
    tbm = one_task(api, "subkoor", instance_id, "Kunjungan_Monev", TBM)
    assert tbm["assignee"] == "subkoor", "a visit planned for the subkoor is held by the subkoor"
    queued = api("petugas").get("/tasks?scope=queue&per_page=200").json["items"]
    assert not [t for t in queued if t["instance_id"] == instance_id and t["name"] == "Kunjungan_Monev"], \
        "no visit waits in the shared petugas queue"


def reschedule_and_withdraw(demo_app: Flask, api: Callers, instance_id: int) -> None:
    """The kabid reschedules the company library's visit over the API and withdraws the SMP on the instance page."""
    before = letters(api, instance_id, "surat_tugas")
    path = f"/instances/{instance_id}/visits/{KHUSUS}/reschedule"
    assert api("petugas").post(path, json=RESCHEDULED).status_code == 403, "only supervisors change visits"
    moved = api("kabid").post(path, json=RESCHEDULED)
    assert moved.status_code == 200, moved.json
    new_visit = one_task(api, "petugas2", instance_id, "Kunjungan_Monev", KHUSUS)
    assert new_visit["assignee"] == "petugas2" and new_visit["due_at"].startswith(RESCHEDULED["visit_date"])
    assert not [t for t in tasks_of(api, "petugas") if t["id"] == new_visit["id"]], "the old lead lost it"
    after = letters(api, instance_id, "surat_tugas")
    [old] = [d for d in after if d["id"] in {b["id"] for b in before} and d["replaced_by"] is not None]
    [new] = [d for d in after if d["id"] == old["replaced_by"]]
    assert new["id"] not in {b["id"] for b in before} and new["replaced_by"] is None
    assert NAMES[KHUSUS] in pdf(api, old) and NAMES[KHUSUS] in pdf(api, new)
    assert_has(pdf(api, new), SECOND["name"], FULL_NAMES["subkoor"], tanggal(RESCHEDULED["visit_date"]))
    [event] = [e for e in moved.json["history"] if e["action"] == "visit_reschedule"]
    assert event["details"]["reason"] == RESCHEDULED["reason"] and event["actor"] == "kabid"

    kabid = Web(demo_app.test_client()).login("kabid", DEMO_PASSWORD)
    url = f"/instances/{instance_id}/visits/{SMP}"
    refused = kabid.post(url, {"change": "withdraw", "reason": ""}, follow_redirects=True)
    assert "Alasan: wajib diisi" in refused.text
    assert one_task(api, "petugas", instance_id, "Kunjungan_Monev", SMP), "nothing changed without a reason"
    page = kabid.post(url, {"change": "withdraw", "reason": WITHDRAWN}, follow_redirects=True).text
    assert "Perpustakaan ditarik dari siklus." in page and WITHDRAWN in page
    assert not [t for t in detail(api, instance_id)["tasks"] if t.get("item_key") == str(SMP)], "its track ended"
    [event] = [e for e in detail(api, instance_id)["history"] if e["action"] == "visit_withdraw"]
    assert event["details"]["reason"] == WITHDRAWN and event["actor"] == "kabid"


def visit_and_score(demo_app: Flask, api: Callers, instance_id: int) -> None:
    """The member records the SD's visit and monev on the HTML forms; the other leads over the API."""
    member = Web(demo_app.test_client()).login("petugas2", DEMO_PASSWORD)
    for name, data in (("Kunjungan_Monev", visit(30)), ("Monev", monev(SD, 30, PROFILE))):
        task = one_task(api, "petugas2", instance_id, name, SD)
        assert task["assignee"] == "petugas", "the monev follows the visit into the lead's inbox"
        page = member.get(f"/tasks/{task['id']}").text
        if name == "Monev":
            assert INSTRUMENTS[SD][1] in page, "the school instrument is offered"
        submit_form(member, task["id"], data)
    for library, lead, when in ((DESA, "petugas2", 31), (KHUSUS, "petugas2", 45), (TBM, "subkoor", 33)):
        complete(api, lead, instance_id, "Kunjungan_Monev", library, visit(when))
        task = one_task(api, lead, instance_id, "Monev", library)
        shown = api(lead).get(f"/tasks/{task['id']}").json
        assert INSTRUMENTS[library][0] in str(shown["form"]), "the form asks the instrument of the library's type"
        complete(api, lead, instance_id, "Monev", library, monev(library, when))


def check_monev_results(api: Callers, instance_id: int) -> None:
    """Each library's monev result names its instrument and its scheduled team and day; the withdrawn one has none."""
    teams = {SD: ["petugas", "petugas2"], DESA: ["petugas2"], KHUSUS: ["petugas2", "subkoor"],
             TBM: ["subkoor", "petugas"]}
    days = {SD: day(30), DESA: day(31), KHUSUS: RESCHEDULED["visit_date"], TBM: day(33)}
    for library, (instrument_id, title) in INSTRUMENTS.items():
        [found] = [r for r in api("kabid").get(f"/libraries/{library}").json["results"]
                   if r["kind"] == "monev" and r["instance_id"] == instance_id]
        assert (found["details"]["instrument"], found["details"]["instrument_title"]) == (instrument_id, title)
        assert found["visit_date"] == days[library]
        assert found["officers"] == teams[library], "the scheduled team, lead first (not who typed the result)"
    [typed] = [r for r in api("kabid").get(f"/libraries/{SD}").json["results"] if r["kind"] == "monev"
               and r["instance_id"] == instance_id]
    assert typed["recorded_by"] == "petugas2", "the member typed the SD's result in, on the lead's task"
    school = api("kabid").get(f"/libraries/{SD}").json
    figures = {k: school["profile"].get(k) for k in ("collection_titles", "collection_copies", "staff_trained")}
    assert figures == {"collection_titles": 2150, "collection_copies": 4875, "staff_trained": 1}, \
        "the profile figures of the visit went to the registry, as the officer chose"
    withdrawn = api("kabid").get(f"/libraries/{SMP}").json["results"]
    assert not [r for r in withdrawn if r["instance_id"] == instance_id], "a withdrawn library has no monev result"


def coach(api: Callers, instance_id: int) -> None:
    """The SD and the village library are chosen; the village drops out, the SD is accredited.

    Each library's coaching steps sit with its coaching team; the accompaniment team is chosen on the submission.
    """
    complete(api, "kabid", instance_id, "Pemilihan_Pembinaan", None,
             {"pembinaan": [SD, DESA], "catatan_pemilihan": "Dua skor tertinggi; siap dibina."})
    complete(api, "petugas", instance_id, "Surat_Pemberitahuan_Pembinaan", None, COACHING_LETTER)
    village = one_task(api, "petugas2", instance_id, "Kunjungan_Pembinaan", DESA)
    assert village["assignee"] == "petugas2"
    assert not [t for t in tasks_of(api, "petugas") if t["id"] == village["id"]], "not another officer's"
    school = one_task(api, "petugas2", instance_id, "Kunjungan_Pembinaan", SD)
    assert school["assignee"] == "petugas", "the SD's coaching visit is its lead's, shared with the member"
    dropped = coaching(61, False, ["administrasi"])
    dropped["kunjungan_pembinaan"] = {**dropped["kunjungan_pembinaan"], "mundur": True, "alasan_mundur": DROP_OUT}
    del dropped["kunjungan_pembinaan"]["siap_akreditasi"]
    complete(api, "petugas2", instance_id, "Kunjungan_Pembinaan", DESA, dropped)
    complete(api, "petugas", instance_id, "Kunjungan_Pembinaan", SD, coaching(60, True, ["administrasi", "otomasi"]))
    submitted = submission(day(65), day(80), "SIPAPI-2027-0042")
    submitted["pengajuan_akreditasi"] |= {"officer": "subkoor", "members": ["petugas2"]}
    complete(api, "petugas", instance_id, "Pengajuan_Akreditasi", SD, submitted)
    escort = one_task(api, "subkoor", instance_id, "Pendampingan_Akreditasi", SD)
    assert escort["assignee"] == "subkoor", "the accompaniment is its team lead's"
    complete(api, "subkoor", instance_id, "Pendampingan_Akreditasi", SD,
             accompaniment(day(80), ("subkoor", "petugas2")))
    complete(api, "petugas", instance_id, "Hasil_Akreditasi", SD, result(
        "terakreditasi", day(95), 84.25, nomor_sertifikat="AKR/0042/2027", berlaku_mulai=day(95),
        berlaku_sampai=day(95 + 5 * 365)))


def check_letters(api: Callers, instance_id: int) -> None:
    """Every letter of the cycle, rendered: the parts an officer checks before signing."""
    documents = detail(api, instance_id)["documents"]
    kinds = sorted({d["kind"] for d in documents})
    assert kinds == ["accreditation_summary", "coaching_notification", "monev_notification", "monev_report",
                     "monev_summary", "surat_tugas"], kinds
    numbers = [d["number"] for d in documents if d["number"]]
    assert len(numbers) == len(set(numbers)), "every number once"
    texts = {d["id"]: pdf(api, d) for d in documents}
    by_kind: dict[str, list[str]] = {}
    for d in documents:
        by_kind.setdefault(d["kind"], []).append(texts[d["id"]])

    [notice] = by_kind["monev_notification"]
    assert_has(notice, "Jadwal Monev Perpustakaan 2027", *(NAMES[lib] for lib in (SD, DESA, KHUSUS, TBM, SMP)))
    assert_has(notice, "tidak dipungut biaya", "narahubung", "Waktu", "HAL : JADWAL MONEV PERPUSTAKAAN 2027",
               "Kepala Dinas Pendidikan dan Kebudayaan", "Kepala Desa Siwal", "Pimpinan PT Contoh Tekstil Sejahtera",
               "Pengelola TBM Contoh Cahaya Langenharjo")

    duties = by_kind["surat_tugas"]
    # five monev visits + the rescheduled one, two coaching visits, one accompaniment visit
    assert len(duties) == 9, len(duties)
    [sd_duty] = [t for t in duties if NAMES[SD] in t and tanggal(day(30)) in t]
    assert_has(sd_duty, f'{FULL_NAMES["petugas"]} (ketua tim)', SECOND["name"], "19900120 201503 2 001",
               "19880714 201402 1 002", SECOND["rank"], "Pangkat/Gol.", "Jabatan", "Dasar",
               "Dokumen Pelaksanaan Anggaran (DPA)", "tidak menerima imbalan")
    [escort] = [t for t in duties if "pendampingan akreditasi" in t]
    assert_has(escort, NAMES[SD], f'{FULL_NAMES["subkoor"]} (ketua tim)', SECOND["name"], tanggal(day(80)))
    assert FULL_NAMES["petugas"] not in escort, "the accompaniment team chosen on the submission"
    [sd_coaching] = [t for t in duties if NAMES[SD] in t and "pembinaan" in t and tanggal(day(60)) in t]
    assert_has(sd_coaching, f'{FULL_NAMES["petugas"]} (ketua tim)', SECOND["name"])

    days = {SD: day(30), DESA: day(31), KHUSUS: RESCHEDULED["visit_date"], TBM: day(33)}
    reports = by_kind["monev_report"]
    assert len(reports) == 4, "one report per library visited; none for the withdrawn library"
    for library, (_, title) in INSTRUMENTS.items():
        [text] = [t for t in reports if NAMES[library] in t]
        assert_has(text, title, "Predikat hasil monev", "bukan predikat akreditasi", "Kepala perpustakaan",
                   "Telah menerima dan memahami hasil monev", f"Tanggal monev : {tanggal(days[library])}")
        assert all(other[1] not in text for lib, other in INSTRUMENTS.items() if lib != library)

    [sd_report] = [t for t in reports if NAMES[SD] in t]
    assert_has(sd_report, "NPP : 3311100S0000001", "Kepala perpustakaan : Siti Rahmawati", "2.150", "4.875",
               PROFILE["jam_buka"])
    [weak] = [t for t in reports if NAMES[KHUSUS] in t]
    assert_has(weak, "Indikator terlemah", "Perpustakaan Khusus – Instansi Swasta")

    [summary] = by_kind["monev_summary"]
    assert_has(summary, *(NAMES[lib] for lib in (SD, DESA, KHUSUS, TBM)), FULL_NAMES["petugas"], SECOND["name"],
               tanggal(day(30)), tanggal(RESCHEDULED["visit_date"]), NAMES[SMP], WITHDRAWN)

    [coaching_notice] = by_kind["coaching_notification"]
    assert_has(coaching_notice, "Jadwal Pembinaan Perpustakaan 2027", NAMES[SD], NAMES[DESA])

    [out] = [t for t in by_kind["accreditation_summary"] if NAMES[DESA] in t]
    assert_has(out, DROP_OUT)
    [accredited] = [t for t in by_kind["accreditation_summary"] if NAMES[SD] in t]
    assert_has(accredited, "Nilai akreditasi : 84,25", "Predikat : B", "Nomor sertifikat : AKR/0042/2027",
               "SIPAPI-2027-0042", f'Petugas pendamping : {FULL_NAMES["subkoor"]}, {SECOND["name"]}',
               f"Berlaku sampai : {tanggal(day(95 + 5 * 365))}")


def test_a_real_cycle_over_four_library_types(demo_app: Flask, factory: sessionmaker[Session]) -> None:
    add_second_officer(factory, DEMO_PASSWORD)
    api = callers(demo_app)
    instance_id = coordinate_with_teams(demo_app, api)
    complete(api, "petugas", instance_id, "Surat_Pemberitahuan_Monev", None, MONEV_LETTER)
    complete(api, "mitra", instance_id, "Konfirmasi_Penyebarluasan", None, {"konfirmasi": {
        "status": "sudah_disebarluaskan", "tanggal_penyebaran": day(1)}})
    assert len(letters(api, instance_id, "surat_tugas")) == 5, "a surat tugas as each visit opens"
    check_visit_teams(api, instance_id)
    reschedule_and_withdraw(demo_app, api, instance_id)
    visit_and_score(demo_app, api, instance_id)
    check_monev_results(api, instance_id)
    coach(api, instance_id)

    final = detail(api, instance_id)
    assert final["status"] == "completed" and final["tasks"] == [], [t["name"] for t in final["tasks"]]
    assert final["title"] == PERIOD
    outcome = {h["library"]: h["status"] for h in final["data"]["hasil_pembinaan"]}
    assert outcome == {SD: "terakreditasi", DESA: "mundur"}
    registry = api("kabid").get(f"/libraries/{SD}").json
    assert (registry["accreditation_status"], registry["accreditation_grade"], registry["accreditation_score"]) == (
        "terakreditasi", "B", 84.25), "the grade comes from the bands (B from 76)"
    assert api("kabid").get(f"/libraries/{DESA}").json["accreditation_status"] == "belum"
    kabid = Web(demo_app.test_client()).login("kabid", DEMO_PASSWORD)
    history = kabid.get(f"/libraries/{SD}").text
    assert "AKR/0042/2027" in history and "84.25 · B" in history
    page = kabid.get(f"/instances/{instance_id}").text
    assert WITHDRAWN in page and DROP_OUT in page
    replaced = [d["title"] for d in final["documents"] if d["replaced_by"]]
    assert replaced == [f"Surat Tugas – {NAMES[KHUSUS]}"], "only the rescheduled visit's letter is replaced"
    tracks = {h["library"]: h for h in final["data"]["hasil_monev"]}
    assert (tracks[SMP]["status"], tracks[SMP]["alasan_penarikan"]) == ("ditarik", WITHDRAWN)
    assert {lib: tracks[lib]["status"] for lib in INSTRUMENTS} == dict.fromkeys(INSTRUMENTS, "dimonev")

    recap = kabid.get(f"/instances/{instance_id}/monev.csv").text
    for library, team, when in ((SD, ("petugas", "petugas2"), day(30)), (DESA, ("petugas2",), day(31)),
                                (KHUSUS, ("petugas2", "subkoor"), RESCHEDULED["visit_date"]),
                                (TBM, ("subkoor", "petugas"), day(33))):
        [row] = [line for line in recap.splitlines() if NAMES[library] in line]
        assert when in row and "; ".join(FULL_NAMES[u] for u in team) in row, row
    check_letters(api, instance_id)
