"""The library registry: CSV import, search, form references and results across cycles."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine import settings, tasks
from engine.db import make_engine, make_session_factory, run_in_transaction
from engine.definitions import versions as definitions
from engine.errors import BadRequest, Conflict, NotFound, ValidationFailed
from engine.libraries import fields as library_fields
from engine.libraries import importer as library_import
from engine.libraries import registry as libraries
from engine.libraries import results as library_results
from engine.libraries.registry import Library
from engine.libraries.results import LibraryResult
from engine.models import Instance
from engine.workflow.steps import StepDone
from tests.engine.helpers import ADMIN, KABID, PETUGAS, complete, open_task, start

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "libraries"
REGISTRY = FIXTURES / "registry.csv"
DEMO = Path(__file__).resolve().parents[3] / "processes" / "demo" / "libraries.csv"
JADWAL_SCHEMA = {
    "type": "object",
    "properties": {
        "periode": {"type": "string"},
        "jadwal": {"type": "array", "items": {"type": "object", "properties": {
            "library": {"type": "integer", "x-senapas-source": "library"},
            "visit_date": {"type": "string"}}}},
    },
}
PEMBINAAN_SCHEMA = {"type": "object", "properties": {
    "pembinaan": {"type": "array", "items": {"type": "integer", "x-senapas-source": "library"}}}}


def import_file(factory, source=REGISTRY):
    return run_in_transaction(factory, lambda s: library_import.import_csv(s, source, ADMIN))


def library_named(factory, name):
    with factory() as s:
        return s.scalars(select(Library).where(Library.name == name)).one()


def count(factory, model=Library):
    with factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_import_creates_libraries_with_profiles(factory):
    report = import_file(factory)
    assert (report.created, report.updated, report.errors) == (8, 0, [])
    assert report.warnings == [(5, {"path": "npp", "code": "npp_format", "params": {"value": "33110-ABC"}})]
    sd = library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki")
    assert sd.address == "Jl. Melati No. 3, RT 01/RW 02" and sd.kecamatan == "Baki" and sd.desa == "Gentan"
    assert (sd.npp, sd.npsn, sd.library_type, sd.subtype, sd.status) == (
        "3311010C0000001", "20300001", "sekolah", "SD", "negeri")
    assert (sd.supervisor, sd.automation, sd.head_nip) == ("dindikbud", "slims", "197501012000122001")
    assert sd.profile == {"koleksi": {"judul": 1250, "eksemplar": 3400}, "pemustaka": {"siswa": 210}}
    mi = library_named(factory, "Perpustakaan MI Contoh Al-Hidayah")
    assert (mi.supervisor, mi.automation, mi.accreditation_status) == ("kemenag", "none", "belum")
    desa = library_named(factory, "Perpustakaan Desa Contoh Sejahtera")
    assert desa.institution == "Pemerintah Desa Bulakrejo" and desa.supervisor == "lainnya"
    tbm = library_named(factory, "TBM Pondok Baca “Cahaya Ilmu”")
    assert tbm.npp == "33110-ABC" and tbm.kecamatan == "Weru"
    assert library_named(factory, "Pojok Baca Kafé Literasi Nguter").head_name == "Éka Pratiwi"


def test_reimport_updates_instead_of_duplicating(factory):
    import_file(factory)
    smp = library_named(factory, "Perpustakaan SMP Negeri Contoh 2 Kartasura")
    run_in_transaction(factory, lambda s: libraries.update_library(s, smp.id, supervisor="lainnya"))
    again = import_file(factory)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert library_named(factory, smp.name).supervisor == "lainnya"  # set by hand, kept on re-import
    text = REGISTRY.read_text(encoding="utf-8")
    text = text.replace("0271-000001", "0271-999999").replace("Jl. Pasar Nguter", "Jl. Pasar Baru Nguter")
    text = text.replace("Perpustakaan Khusus RSUD Contoh,,", "Perpustakaan Khusus RSUD Contoh,3311030E0000005,")
    changed = import_file(factory, text)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 3, 5)
    assert count(factory) == 8
    assert library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki").phone == "0271-999999"
    assert library_named(factory, "Pojok Baca Kafé Literasi Nguter").address == "Jl. Pasar Baru Nguter"
    assert library_named(factory, "Perpustakaan Khusus RSUD Contoh").npp == "3311030E0000005"


def test_unknown_kecamatan_or_type_refuses_the_whole_file(factory):
    report = import_file(factory, FIXTURES / "bad_rows.csv")
    assert report.created == 0 and [line for line, _ in report.errors] == [3, 4]
    (_, kecamatan), (_, library_type) = report.errors
    assert (kecamatan["path"], kecamatan["code"], kecamatan["params"]["value"]) == ("kecamatan", "kecamatan_unknown",
                                                                                    "Solo")
    assert "Tawangsari" in kecamatan["params"]["choices"]
    assert (library_type["code"], library_type["params"]["value"]) == ("library_type_unknown",
                                                                       "perpustakaan keliling")
    assert count(factory) == 0


def test_excel_style_semicolon_file_with_bom_imports(factory):
    text = "\ufeffNama;Jenis;Jenjang;Kecamatan;Alamat\nPerpustakaan MTs Contoh;Sekolah;mts;kec. mojolaban;" \
           "\"Jl. Mawar; No. 1\"\n"
    report = import_file(factory, text.encode("utf-8"))
    assert report.created == 1 and report.errors == []
    mts = library_named(factory, "Perpustakaan MTs Contoh")
    assert (mts.kecamatan, mts.subtype, mts.supervisor, mts.address) == (
        "Mojolaban", "MTs", "kemenag", "Jl. Mawar; No. 1")


def test_same_library_twice_in_one_file_is_refused(factory):
    text = "nama,npp,jenis,kecamatan\nA,3311010C0000001,desa,Baki\nB,3311010C0000001,desa,Bulu\nC,,tbm,Weru\n" \
           "c,,tbm,weru\n"
    report = import_file(factory, text)
    assert [(line, entry["code"]) for line, entry in report.errors] == [(3, "import_same_npp"),
                                                                         (5, "import_same_name")]
    assert report.errors[0][1]["params"] == {"line": 2, "npp": "3311010C0000001"} and count(factory) == 0


def test_file_without_required_columns_is_refused(factory):
    report = import_file(factory, "nama,alamat\nPerpustakaan Contoh,Jl. Contoh\n")
    assert report.errors == [(1, {"path": "", "code": "import_columns_missing",
                                  "params": {"columns": ["kecamatan", "jenis perpustakaan"]}})]
    assert import_file(factory, b"\xff\xfenama").errors[0][1]["code"] == "import_not_utf8"


def test_check_npp_warns_but_never_refuses():
    assert library_fields.check_npp("6372052C0000001") is None
    assert library_fields.check_npp("6372052c0000001") is None
    assert library_fields.check_npp("") is None and library_fields.check_npp(None) is None
    for bad in ("6372052C000001", "63720520000001X", "ABCDEFGHIJKLMNO"):
        warning = library_fields.check_npp(bad)
        assert warning == {"path": "npp", "code": "npp_format", "params": {"value": bad}}


def test_create_update_and_get(factory):
    with pytest.raises(ValidationFailed) as err:
        run_in_transaction(factory, lambda s: libraries.create_library(
            s, name="Perpustakaan Contoh", kecamatan="Klaten", library_type="desa"))
    assert [d["path"] for d in err.value.details] == ["kecamatan"]
    lib, warnings = run_in_transaction(factory, lambda s: libraries.create_library(
        s, actor=ADMIN, name="  Perpustakaan   Desa Contoh ", kecamatan="gatak", library_type="Perpustakaan Desa",
        desa="Blimbing", npp="33-1"))
    assert lib.name == "Perpustakaan Desa Contoh" and lib.kecamatan == "Gatak" and lib.library_type == "desa"
    assert lib.institution == "Pemerintah Desa Blimbing" and [w["code"] for w in warnings] == ["npp_format"]
    with pytest.raises(Conflict):
        run_in_transaction(factory, lambda s: libraries.create_library(
            s, name="Lain", kecamatan="Bulu", library_type="tbm", npp="33-1"))
    updated, _ = run_in_transaction(factory, lambda s: libraries.update_library(
        s, lib.id, actor=ADMIN, phone="0812", profile={"koleksi": {"judul": 10}}))
    assert updated.phone == "0812" and updated.profile == {"koleksi": {"judul": 10}}
    merged, _ = run_in_transaction(factory, lambda s: libraries.update_library(
        s, lib.id, profile={"koleksi": {"eksemplar": 30}, "anggaran": 5_000_000}))
    assert merged.profile == {"koleksi": {"judul": 10, "eksemplar": 30}, "anggaran": 5_000_000}
    with factory() as s:
        assert libraries.get(s, lib.id).phone == "0812"
        with pytest.raises(NotFound):
            libraries.get(s, 999_999)
        with pytest.raises(NotFound):
            libraries.get(s, "bukan-angka")


def test_search_and_paging(factory):
    import_file(factory)
    with factory() as s:
        assert libraries.list_libraries(s).total == 8
        assert libraries.list_libraries(s, q="contoh").total == 6
        assert libraries.list_libraries(s, q="%").total == 0
        assert libraries.list_libraries(s, q="_").total == 0
        assert [lib.name for lib in libraries.list_libraries(s, q="3311070C").items] == [
            "Perpustakaan SMP Negeri Contoh 2 Kartasura"]
        assert libraries.list_libraries(s, q="60700001").items[0].subtype == "MI"
        assert libraries.list_libraries(s, q="GENTAN").total == 1
        assert libraries.list_libraries(s, kecamatan="sukoharjo").total == 3
        assert libraries.list_libraries(s, library_type="tbm").total == 2
        assert libraries.list_libraries(s, q="contoh", kecamatan="Sukoharjo", library_type="desa").total == 1
        page = libraries.list_libraries(s, page=3, per_page=3)
        assert (len(page.items), page.total, page.pages) == (2, 8, 3)
        assert [lib.kecamatan for lib in page.items] == ["Sukoharjo", "Weru"]
        with pytest.raises(BadRequest):
            libraries.list_libraries(s, kecamatan="Solo")


def test_resolve_sources_enriches_objects_in_arrays(factory):
    import_file(factory)
    sd = library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki")
    mi = library_named(factory, "Perpustakaan MI Contoh Al-Hidayah")
    data = {"periode": "2027", "jadwal": [{"library": sd.id, "visit_date": "2027-03-01", "kecamatan": "salah"},
                                          {"library": mi.id}]}
    with factory() as s:
        result = libraries.resolve_sources(s, JADWAL_SCHEMA, data)
    first, second = result["jadwal"]
    assert first["library"] == sd.id and first["visit_date"] == "2027-03-01"
    assert (first["library_name"], first["kecamatan"], first["address"]) == (sd.name, "Baki", sd.address)
    assert (first["library_type"], first["institution"]) == ("sekolah", "SD Negeri Contoh 1 Baki")
    assert second["library_name"] == mi.name and second["kecamatan"] == "Grogol" and second["supervisor"] == "kemenag"
    assert data["jadwal"][0]["kecamatan"] == "salah"  # the caller's data is not changed


def test_resolve_sources_names_the_path_of_an_unknown_library(factory):
    import_file(factory)
    sd = library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki")
    with factory() as s, pytest.raises(ValidationFailed) as err:
        libraries.resolve_sources(s, JADWAL_SCHEMA, {"jadwal": [{"library": sd.id}, {"library": 999_999}]})
    assert err.value.code == "invalid_data"
    assert err.value.details == [{"path": "jadwal.1.library", "code": "unknown_library", "params": {}}]


def test_resolve_sources_adds_profiles_beside_an_array_of_ids(factory):
    import_file(factory)
    sd = library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki")
    tbm = library_named(factory, "TBM Pondok Baca “Cahaya Ilmu”")
    with factory() as s:
        result = libraries.resolve_sources(s, PEMBINAAN_SCHEMA, {"pembinaan": [tbm.id, sd.id]})
        assert result["pembinaan"] == [tbm.id, sd.id]
        assert [(p["library"], p["library_name"], p["kecamatan"]) for p in result["pembinaan_profiles"]] == [
            (tbm.id, tbm.name, "Weru"), (sd.id, sd.name, "Baki")]
        with pytest.raises(ValidationFailed) as err:
            libraries.resolve_sources(s, PEMBINAAN_SCHEMA, {"pembinaan": [sd.id, 0, True]})
    assert [d["path"] for d in err.value.details] == ["pembinaan.1", "pembinaan.2"]


def test_schema_without_marker_returns_the_data_itself(factory):
    data = {"jadwal": [{"library": 999_999}]}
    plain = {"type": "object", "properties": {"jadwal": {"type": "array", "items": {"type": "object"}}}}
    with factory() as s:
        assert libraries.resolve_sources(s, plain, data) is data
        assert libraries.resolve_sources(s, None, data) is data


def _deploy_cycle(factory):
    return run_in_transaction(factory, lambda s: definitions.deploy(
        s, (FIXTURES / "cycle.bpmn").read_bytes(), "cycle.bpmn", ADMIN, processes_dir=FIXTURES)).definition


def _run_cycle(factory, period, scores, accreditations):
    """Run one cycle: coordination, a monev per library, an accreditation per library."""
    iid = start(factory, "siklus", KABID)
    jadwal = [{"library": library_id} for library_id in scores]
    complete(factory, open_task(factory, iid, "koordinasi"), KABID, {"periode": period, "jadwal": jadwal})
    with factory() as s:
        monev = {int(t.item_key): t for t in tasks.queue(s, PETUGAS).items if t.name == "monev"}
    assert sorted(monev) == sorted(scores)
    for library_id, score in scores.items():
        assert monev[library_id].item_label == library_named_by_id(factory, library_id).name
        complete(factory, monev[library_id].id, PETUGAS, {"skor": score})
    with factory() as s:
        visits = {int(t.item_key): t.id for t in tasks.queue(s, PETUGAS).items if t.name == "akreditasi"}
    for library_id, result in accreditations.items():
        complete(factory, visits[library_id], PETUGAS, {"akreditasi": result})
    return iid


def library_named_by_id(factory, library_id):
    with factory() as s:
        return libraries.get(s, library_id)


def test_cycle_records_monev_and_accreditation_results_across_instances(factory):
    _deploy_cycle(factory)
    import_file(factory)
    sd = library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki").id
    tbm = library_named(factory, "TBM Pondok Baca “Cahaya Ilmu”").id
    first = _run_cycle(factory, "Monev 2027 Tahap I", {sd: 72.5, tbm: 41}, {
        sd: {"tanggal": "2027-09-14", "nilai": 88.4, "predikat": "B", "nomor_sertifikat": "0123/AKR/IX/2027",
             "berlaku_sampai": "2032-09-14"},
        tbm: {"tanggal": "2027-09-15", "nilai": 52, "predikat": "Tidak Terakreditasi"}})
    second = _run_cycle(factory, "Monev 2028 Tahap I", {sd: 93.0}, {})
    with factory() as s:
        rows = [(r.kind, r.period, r.score, r.grade, r.instance_id) for r in library_results.history(s, sd)]
        assert rows == [("monev", "Monev 2027 Tahap I", 72.5, "C", first),
                        ("accreditation", "Monev 2027 Tahap I", 88.4, "B", first),
                        ("monev", "Monev 2028 Tahap I", 93.0, "A", second)]
        monev = library_results.results_of_instance(s, first, "monev")
        assert {r.library_id: r.details["ready_for_coaching"] for r in monev} == {sd: True, tbm: False}
        assert monev[0].components == [{"key": "koleksi", "score": monev[0].score}]
        assert monev[0].details["instrument"] == "uji" and monev[0].recorded_by == "petugas"
        assert [r.grade for r in library_results.history(s, tbm)] == ["Tidak Terakreditasi", "Tidak Terakreditasi"]
        library = libraries.get(s, sd)
        assert (library.accreditation_status, library.accreditation_grade, library.accreditation_score) == (
            "terakreditasi", "B", 88.4)
        assert (library.accreditation_year, library.accreditation_certificate, library.accreditation_valid_until) == (
            2027, "0123/AKR/IX/2027", date(2032, 9, 14))
        assert libraries.get(s, tbm).accreditation_status == "tidak_terakreditasi"
        assert s.get(Instance, first).status == "completed"


def _step(task_id, library_id, props, data):
    return StepDone(task_id, "hitung", "Hitung skor", props, data, str(library_id) if library_id else None, None)


def test_results_follow_grade_bands_setting_and_are_recorded_once_per_step(factory):
    _deploy_cycle(factory)
    import_file(factory)
    sd = library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki").id
    iid = start(factory, "siklus", KABID)
    run_in_transaction(factory, lambda s: settings.put(s, "grade_bands", [["A", 90.0], ["B", 70.0], ["C", 50.0]],
                                                       "admin"))
    step = _step("t-1", None, {"libraryResult": "monev", "resultVariable": "skor_monev"},
                 # the script graded 55 under the instrument's default bands; the agency's setting decides
                 {"skor_monev": {"total": 55.0, "grade": "Tidak Terakreditasi"}, "library": {"library": sd}})

    def record(s):
        library_results.on_step_done(s, s.get(Instance, iid), step, PETUGAS)
        library_results.on_step_done(s, s.get(Instance, iid), step, PETUGAS)

    run_in_transaction(factory, record)
    with factory() as s:
        assert [(r.score, r.grade, r.task_id) for r in library_results.history(s, sd)] == [(55.0, "C", "t-1")]
        assert library_results.grade_for(s, 49.99) == "Tidak Terakreditasi"


def test_a_pending_accreditation_and_a_drop_out_are_kept_without_a_score_and_leave_the_registry(factory):
    _deploy_cycle(factory)
    import_file(factory)
    sd = library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki").id
    iid = start(factory, "siklus", KABID)
    before = _accreditation_of(factory, sd)
    steps = [
        _step("t-1", sd, {"libraryResult": "accreditation", "resultVariable": "hasil_akreditasi"},
              {"hasil_akreditasi": {"status": "tertunda", "tanggal": "2027-09-01", "predikat": "",
                                    "pengajuan": {"tanggal_pengajuan": "2027-06-01", "nomor_sipapi": "REG-1"},
                                    "pendampingan": {"tanggal": "2027-07-01", "petugas": ["petugas"]}}}),
        _step("t-2", sd, {"libraryResult": "coaching", "resultVariable": "mundur"},
              {"mundur": {"status": "mundur", "tanggal": "2027-10-01", "alasan": "Gedung direnovasi.", "putaran": 2}}),
    ]
    run_in_transaction(factory, lambda s: [library_results.on_step_done(s, s.get(Instance, iid), step, PETUGAS)
                                           for step in steps])
    with factory() as s:
        pending, dropped = library_results.history(s, sd)
    assert (pending.kind, pending.score, pending.grade, pending.details["status"]) == (
        "accreditation", None, "", "tertunda")
    assert pending.details["submission"] == {"date": "2027-06-01", "sipapi": "REG-1"}
    assert pending.details["accompaniment"] == {"date": "2027-07-01", "officers": ["petugas"]}
    assert (dropped.kind, dropped.score, dropped.details) == (
        "coaching", None, {"status": "mundur", "reason": "Gedung direnovasi.", "date": "2027-10-01", "round": 2})
    assert _accreditation_of(factory, sd) == before, "no decision: the registry keeps its accreditation"


def test_an_accreditation_decision_sets_the_registry_with_its_validity(factory):
    _deploy_cycle(factory)
    import_file(factory)
    sd = library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki").id
    iid = start(factory, "siklus", KABID)
    step = _step("t-1", sd, {"libraryResult": "accreditation", "resultVariable": "hasil_akreditasi"},
                 {"hasil_akreditasi": {"status": "terakreditasi", "tanggal": "2027-09-01", "nilai": 77.5,
                                       "predikat": "B", "nomor_sertifikat": "AKR/5", "berlaku_mulai": "2027-09-01",
                                       "berlaku_sampai": "2032-09-01", "putaran": 1}})
    run_in_transaction(factory, lambda s: library_results.on_step_done(s, s.get(Instance, iid), step, PETUGAS))
    assert _accreditation_of(factory, sd) == ("terakreditasi", "B", 77.5, "AKR/5", date(2032, 9, 1))
    with factory() as s:
        [result] = library_results.history(s, sd)
    assert result.details["valid_from"] == "2027-09-01" and result.details["round"] == 1


def _accreditation_of(factory, library_id):
    with factory() as s:
        lib = libraries.get(s, library_id)
        return (lib.accreditation_status, lib.accreditation_grade, lib.accreditation_score,
                lib.accreditation_certificate, lib.accreditation_valid_until)


def test_misconfigured_result_step_is_refused(factory):
    _deploy_cycle(factory)
    import_file(factory)
    sd = library_named(factory, "Perpustakaan SD Negeri Contoh 1 Baki").id
    iid = start(factory, "siklus", KABID)
    cases = [({"libraryResult": "nilai"}, sd, {}, "step_result_kind_unknown", {"kind": "nilai"}),
             ({"libraryResult": "monev"}, None, {"hasil": {"total": 70}}, "step_result_library_unknown", {}),
             ({"libraryResult": "monev"}, 999_999, {"hasil": {"total": 70}}, "step_result_library_missing",
              {"library_id": 999_999}),
             ({"libraryResult": "monev"}, sd, {}, "step_result_variable_missing", {"variable": "hasil"}),
             ({"libraryResult": "accreditation"}, sd, {"predikat": "B"}, "step_result_without_score", {})]
    for index, (props, library_id, data, case, params) in enumerate(cases):
        step = _step(f"t-{index}", library_id, props, data)
        with pytest.raises(BadRequest) as err:
            run_in_transaction(factory, lambda s, step=step: library_results.on_step_done(
                s, s.get(Instance, iid), step, PETUGAS))
        assert err.value.case == case and params.items() <= err.value.params.items()
    run_in_transaction(factory, lambda s: library_results.on_step_done(
        s, s.get(Instance, iid), _step("t-9", sd, {"documents": "x"}, {}), PETUGAS))
    assert count(factory, LibraryResult) == 0


def test_cli_imports_and_refuses_a_bad_file(tmp_path):
    env = {"SENAPAS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    from web.cli import main
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    result = runner.invoke(main, ["libraries", "import", str(REGISTRY)], env=env)
    assert result.exit_code == 0, result.output
    assert "8 perpustakaan baru, 0 diperbarui, 0 tidak berubah" in result.stdout
    assert "baris 5: peringatan: NPP '33110-ABC'" in result.stdout
    again = runner.invoke(main, ["libraries", "import", str(REGISTRY)], env=env)
    assert "0 perpustakaan baru, 0 diperbarui, 8 tidak berubah" in again.stdout
    refused = runner.invoke(main, ["libraries", "import", str(FIXTURES / "bad_rows.csv")], env=env)
    assert refused.exit_code != 0
    assert "baris 3: kecamatan 'Solo' tidak dikenal" in refused.stderr and "baris 4:" in refused.stderr
    assert "tidak ada data yang disimpan" in refused.stderr
    engine = make_engine(env["SENAPAS_DATABASE_URL"])
    try:
        with make_session_factory(engine)() as s:
            assert s.scalar(select(func.count()).select_from(Library)) == 8
    finally:
        engine.dispose()


def test_demo_registry_imports(factory):
    report = import_file(factory, DEMO)
    assert report.errors == [] and report.created >= 24
    with factory() as s:
        found = list(s.scalars(select(Library)))
    assert {lib.kecamatan for lib in found} <= set(library_fields.KECAMATAN)
    assert len({lib.library_type for lib in found}) >= 4
    # The file's `id` column documents the ids a fresh import assigns (row order).
    with DEMO.open(encoding="utf-8", newline="") as handle:
        expected = {row["name"]: int(row["id"]) for row in csv.DictReader(handle)}
    assert {lib.name: lib.id for lib in found} == expected
    again = import_file(factory, DEMO)
    assert (again.created, again.updated, again.unchanged) == (0, 0, report.created)
