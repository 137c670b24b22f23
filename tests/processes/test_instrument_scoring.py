"""Instrument data, scoring, grade bands and the monev form expansion (engine/libraries/instruments.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.libraries import instrument_forms, instruments
from engine.libraries.instruments import DEFAULT_GRADE_BANDS, NOT_ACCREDITED, InstrumentError
from tests.processes.helpers import INSTRUMENT_ID, SOP_DIR, answers


@pytest.fixture
def instrument() -> instruments.Instrument:
    return instruments.load(INSTRUMENT_ID, SOP_DIR)


def test_instrument_has_the_2018_components_and_weights(instrument: instruments.Instrument) -> None:
    assert [(c.key, c.title, c.weight) for c in instrument.components] == [
        ("koleksi", "Koleksi", 20), ("sarana_prasarana", "Sarana dan Prasarana", 15),
        ("pelayanan", "Pelayanan", 25), ("tenaga", "Tenaga Perpustakaan", 20),
        ("penyelenggaraan", "Penyelenggaraan dan Pengelolaan", 15), ("penguat", "Komponen Penguat", 5)]
    assert [len(c.indicators) for c in instrument.components] == [6, 5, 6, 4, 5, 3]
    assert all(list(i.options) == ["a", "b", "c", "d", "e"] for c in instrument.components for i in c.indicators)


def test_worked_example(instrument: instruments.Instrument) -> None:
    given = answers({
        "kol_01": "a", "kol_02": "b", "kol_03": "c", "kol_04": "d", "kol_05": "e", "kol_06": "a",
        "sar_01": "a", "sar_02": "a", "sar_03": "b", "sar_04": "b", "sar_05": "c",
        "pel_01": "b", "pel_02": "b", "pel_03": "b", "pel_04": "b", "pel_05": "b", "pel_06": "b",
        "ten_01": "c", "ten_02": "c", "ten_03": "d", "ten_04": "e",
        "pen_01": "a", "pen_02": "b", "pen_03": "c", "pen_04": "d", "pen_05": "e",
        "pgu_01": "a", "pgu_02": "a", "pgu_03": "a",
    })
    # Koleksi          5+4+3+2+1+5 = 20 of 6×5 = 30  → 20/30 × 20 = 13.333…
    # Sarana           5+5+4+4+3   = 21 of 25        → 21/25 × 15 = 12.6
    # Pelayanan        6 × 4       = 24 of 30        → 24/30 × 25 = 20.0
    # Tenaga           3+3+2+1     =  9 of 20        →  9/20 × 20 =  9.0
    # Penyelenggaraan  5+4+3+2+1   = 15 of 25        → 15/25 × 15 =  9.0
    # Penguat          5+5+5       = 15 of 15        → 15/15 ×  5 =  5.0
    # Total = 13.333… + 12.6 + 20 + 9 + 9 + 5 = 68.933… → 68.93, grade C (60 ≤ total < 76)
    result = instruments.score(instrument, given)
    assert [(c["key"], c["points"], c["max_points"], c["score"]) for c in result["components"]] == [
        ("koleksi", 20, 30, 13.33), ("sarana_prasarana", 21, 25, 12.6), ("pelayanan", 24, 30, 20.0),
        ("tenaga", 9, 20, 9.0), ("penyelenggaraan", 15, 25, 9.0), ("penguat", 15, 15, 5.0)]
    assert result["total"] == 68.93
    # The report names what to fix first: the e answers, then the d answers, in instrument order.
    assert [(w["id"], w["answer"]) for w in result["weakest"]] == [
        ("kol_05", "e"), ("ten_04", "e"), ("pen_05", "e"), ("kol_04", "d"), ("ten_03", "d")]
    texts = {i.id: (c.title, i.text) for c in instrument.components for i in c.indicators}
    assert all((w["component"], w["title"]) == texts[w["id"]] for w in result["weakest"])
    assert result["instrument_title"] == instrument.title
    assert result["grade"] == "C"
    assert (result["instrument"], result["version"]) == (INSTRUMENT_ID, instrument.version)


def test_total_is_rounded_once_at_the_end(instrument: instruments.Instrument) -> None:
    given = answers({"kol_01": "a", "kol_02": "a", "kol_03": "c", "kol_04": "c", "kol_05": "d", "kol_06": "e",
                     "pel_01": "a", "pel_02": "a", "pel_03": "a", "pel_04": "a", "pel_05": "b", "pel_06": "d"})
    # Koleksi 19/30 × 20 = 12.666…, Pelayanan 26/30 × 25 = 21.666…, the rest full marks: 15 + 20 + 15 + 5.
    # Σ unrounded = 89.333… → 89.33, whereas the rounded parts 12.67 + 21.67 + 55 would give 89.34.
    result = instruments.score(instrument, given)
    assert [c["score"] for c in result["components"]][:3] == [12.67, 15.0, 21.67]
    assert result["total"] == 89.33
    assert result["grade"] == "B"


def test_all_a_scores_100_and_all_e_scores_20(instrument: instruments.Instrument) -> None:
    assert instruments.score(instrument, answers({}, "a"))["total"] == 100.0
    assert instruments.score(instrument, answers({}, "e"))["total"] == 20.0


@pytest.mark.parametrize(("total", "expected"), [
    (100.0, "A"), (91.0, "A"), (90.99, "B"), (76.0, "B"), (75.99, "C"), (60.0, "C"), (59.99, NOT_ACCREDITED),
    (0.0, NOT_ACCREDITED), (0, NOT_ACCREDITED),
])
def test_default_grade_bands_on_both_sides_of_each_threshold(total: float, expected: str) -> None:
    assert instruments.grade(total) == expected
    assert instruments.grade(total, DEFAULT_GRADE_BANDS) == expected


def test_grade_takes_bands_in_the_settings_shape() -> None:
    bands = [["C", 50.0], ["A", 85.0], ["B", 70.0]]  # any order, as stored in the grade_bands setting
    assert instruments.grade(85.0, bands) == "A"
    assert instruments.grade(84.99, bands) == "B"
    assert instruments.grade(49.99, bands, "Belum terakreditasi") == "Belum terakreditasi"


@pytest.mark.parametrize("total", [-0.01, 100.01, True, "90"])
def test_grade_refuses_totals_outside_0_to_100(total: Any) -> None:
    with pytest.raises(InstrumentError):
        instruments.grade(total)


@pytest.mark.parametrize(("change", "code", "value"), [
    (lambda a: a["koleksi"].pop("kol_03"), "answers_indicator_unanswered", "kol_03"),
    (lambda a: a["penguat"].update(pgu_01="f"), "answers_indicator_unanswered", "pgu_01"),
    (lambda a: a["penguat"].update(pgu_99="a"), "answers_unknown_indicators", ["pgu_99"]),
    (lambda a: a.update(inovasi={}), "answers_unknown_components", ["inovasi"]),
    (lambda a: a.pop("tenaga"), "answers_component_missing", "Tenaga Perpustakaan"),
])
def test_incomplete_or_unknown_answers_are_refused(instrument: instruments.Instrument, change: Any,
                                                   code: str, value: Any) -> None:
    given = answers({})
    change(given)
    with pytest.raises(InstrumentError) as refused:
        instruments.score(instrument, given)
    assert refused.value.code == code and value in refused.value.params.values()


@pytest.mark.parametrize("bad_id", ["../forms/monev", "a/b", "", "Akreditasi", "x..y", "/etc/passwd"])
def test_instrument_ids_cannot_leave_the_instruments_folder(bad_id: str) -> None:
    with pytest.raises(InstrumentError) as refused:
        instruments.load(bad_id, SOP_DIR)
    assert refused.value.code == "instrument_id_invalid"


def minimal_instrument(instrument_id: str, weights: tuple[float, ...] = (60, 40)) -> dict[str, Any]:
    options = {letter: f"pilihan {letter}" for letter in "abcde"}
    return {
        "id": instrument_id, "title": "Instrumen uji", "version": "2027.1",
        "components": [{"key": f"k{n}", "title": f"Komponen {n}", "weight": w,
                        "indicators": [{"id": f"i{n}_1", "text": "Indikator", "options": options}]}
                       for n, w in enumerate(weights)],
    }


def write_instrument(folder: Path, data: dict[str, Any], name: str | None = None) -> None:
    (folder / "instruments").mkdir(exist_ok=True)
    (folder / "instruments" / f"{name or data['id']}.json").write_text(json.dumps(data), encoding="utf-8")


def test_a_new_instrument_version_is_only_a_json_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_instrument(tmp_path, minimal_instrument("desa-2027"))
    monkeypatch.setenv(instruments.PROCESSES_DIR_ENV, str(tmp_path))
    result = instruments.monev_score({"k0": {"i0_1": "a"}, "k1": {"i1_1": "c"}}, "desa-2027")
    # 5/5 × 60 + 3/5 × 40 = 60 + 24 = 84
    assert result["total"] == 84.0 and result["grade"] == "B"


def test_monev_score_reads_the_repository_instrument_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(instruments.PROCESSES_DIR_ENV, raising=False)
    assert instruments.monev_score(answers({}, "c"), INSTRUMENT_ID)["total"] == 60.0


@pytest.mark.parametrize(("change", "code", "params"), [
    (lambda d: d.update(id="lain"), "instrument_id_mismatch", {"source": "uji.json", "id": "lain"}),
    (lambda d: d["components"][0].update(weight=50), "instrument_weights", {"source": "uji.json", "total": "90"}),
    (lambda d: d["components"][0]["indicators"][0]["options"].pop("e"), "instrument_indicator_options",
     {"source": "uji.json", "component": "k0", "indicator": "i0_1"}),
    (lambda d: d["components"][1].update(key="k0"), "instrument_duplicate_component",
     {"source": "uji.json", "value": "k0"}),
    (lambda d: d.update(grade_bands=[["A", 120]]), "instrument_band_shape", {"source": "uji.json"}),
    (lambda d: d.pop("version"), "instrument_text_required", {"source": "uji.json", "field": "version"}),
])
def test_malformed_instruments_are_refused(tmp_path: Path, change: Any, code: str, params: dict[str, Any]) -> None:
    data = minimal_instrument("uji")
    change(data)
    write_instrument(tmp_path, data, "uji")
    with pytest.raises(InstrumentError) as refused:
        instruments.load("uji", tmp_path)
    assert (refused.value.code, refused.value.params) == (code, params)


def test_instrument_bands_override_the_defaults(tmp_path: Path) -> None:
    data = minimal_instrument("uji-pita")
    data["grade_bands"] = [["Unggul", 80], ["Baik", 50]]
    data["below_grade"] = "Kurang"
    write_instrument(tmp_path, data)
    instrument = instruments.load("uji-pita", tmp_path)
    assert instruments.score(instrument, {"k0": {"i0_1": "a"}, "k1": {"i1_1": "e"}})["grade"] == "Baik"  # 68
    assert instruments.score(instrument, {"k0": {"i0_1": "e"}, "k1": {"i1_1": "e"}})["grade"] == "Kurang"  # 20


def test_expand_schema_leaves_other_forms_alone_and_is_repeatable() -> None:
    plain = {"type": "object", "properties": {"x": {"type": "string"}}}
    expanded = instrument_forms.expand_schema(plain, SOP_DIR)
    assert expanded == plain and expanded is not plain
    form = {"type": "object", "title": "Monev", "required": ["laporan"], "x-senapas-instrument": INSTRUMENT_ID,
            "properties": {"laporan": {"type": "string"}}}
    once = instrument_forms.expand_schema(form, SOP_DIR)
    assert instrument_forms.expand_schema(once, SOP_DIR) == once
    assert "answers" not in form["properties"] and form["required"] == ["laporan"]
    assert once["required"] == ["laporan", "answers"]
    assert once["x-senapas-i18n"]["en"]["fields"]["answers.koleksi"]["title"] == "Collection (weight 20)"
