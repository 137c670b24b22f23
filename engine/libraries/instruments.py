"""Accreditation instruments: versioned JSON data in a bundle's instruments/, scoring and grading.

An instrument version is a file `instruments/<id>.json` of a bundle (`processes/<process>/`); adding
a version needs no code.
Scoring follows the national accreditation rule: an indicator answered a–e scores 5–1, a component
scores Σ scores / (5 × indicators) × weight, and the total is the sum of the components (0–100),
rounded to two decimals only at the end. This module reads instrument files and nothing else.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

OPTION_SCORES: Mapping[str, int] = MappingProxyType({"a": 5, "b": 4, "c": 3, "d": 2, "e": 1})
MAX_OPTION_SCORE = 5
NOT_ACCREDITED = "Tidak Terakreditasi"
# (grade, lowest total) pairs, the shape of the `grade_bands` setting; below the lowest band a library
# is not accredited. The figures are unverified, so an instrument file may carry its own bands.
DEFAULT_GRADE_BANDS: tuple[tuple[str, float], ...] = (("A", 91.0), ("B", 76.0), ("C", 60.0))

INSTRUMENT_KEYWORD = "x-senapas-instrument"
# Indicators answered d or e are weak; a monev report lists the lowest few of them first.
WEAK_SCORE = 2
WEAKEST = 5
PROCESSES_DIR_ENV = "SENAPAS_PROCESSES_DIR"
DEFAULT_PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"

# Instrument ids become file names and arrive from BPMN scripts: no path separators, no "..".
_INSTRUMENT_ID = re.compile(r"[a-z0-9](?:[a-z0-9_-]|\.(?!\.)){0,79}")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
# "sekolah" or "sekolah/SMA": a registry library type, optionally narrowed to one of its sub-types.
_LIBRARY_TYPE = re.compile(r"[a-z][a-z0-9_]{0,31}(?:/[A-Za-z0-9_]{1,32})?")
VARIANTS_KEYWORD = "x-senapas-instrument-variants"
CHOSEN_KEYWORD = "x-senapas-instrument-chosen"
# The form field holding the answers: `answers` unless the form names another (a second answer set,
# e.g. the library's self-assessment beside the officer's answers).
FIELD_KEYWORD = "x-senapas-instrument-field"
DEFAULT_FIELD = "answers"
# The task-data name a process gives the chosen instrument id (set by `instrument_for` in a script).
CHOICE_VARIABLE = "instrumen"


class InstrumentError(ValueError):
    """An instrument file is missing or malformed, or answers do not fit: `code` and `params` say how."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"{self.code}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"


@dataclass(frozen=True)
class Indicator:
    """One question of an instrument, answered with one of the options a–e."""

    id: str
    text: str
    options: Mapping[str, str]


@dataclass(frozen=True)
class Component:
    """A weighted group of indicators (e.g. Koleksi, weight 20)."""

    key: str
    title: str
    weight: float
    indicators: tuple[Indicator, ...]
    title_en: str | None = None


@dataclass(frozen=True)
class Instrument:
    """One version of an accreditation instrument."""

    id: str
    title: str
    version: str
    components: tuple[Component, ...]
    grade_bands: tuple[tuple[str, float], ...] = DEFAULT_GRADE_BANDS
    below_grade: str = NOT_ACCREDITED
    description: str = ""
    library_types: tuple[str, ...] = ()
    source: str = ""
    official_text: str = ""

    def fits(self, library_type: str, subtype: str = "") -> int:
        """How well this instrument fits a library: 2 its type and sub-type, 1 its type, 0 not at all."""
        if subtype and f"{library_type}/{subtype}" in self.library_types:
            return 2
        return 1 if library_type in self.library_types else 0


def processes_dir() -> Path:
    """The processes folder: $SENAPAS_PROCESSES_DIR, else the repository's `processes/`."""
    configured = os.environ.get(PROCESSES_DIR_ENV)
    return Path(configured) if configured else DEFAULT_PROCESSES_DIR


def instrument_path(instrument_id: str, processes_dir: Path) -> Path:
    """The file of an instrument version; refuses ids that could leave the instruments folder."""
    if not isinstance(instrument_id, str) or not _INSTRUMENT_ID.fullmatch(instrument_id):
        raise InstrumentError("instrument_id_invalid", id=repr(instrument_id))
    return Path(processes_dir) / "instruments" / f"{instrument_id}.json"


def load(instrument_id: str, processes_dir: Path | Mapping[str, bytes]) -> Instrument:
    """Read and check one instrument version: `instruments/<id>.json` of a folder or of a bundle (path -> bytes)."""
    path = instrument_path(instrument_id, Path("."))
    try:
        if isinstance(processes_dir, Mapping):
            if f"instruments/{path.name}" not in processes_dir:
                raise FileNotFoundError(path.name)
            data = json.loads(processes_dir[f"instruments/{path.name}"].decode("utf-8"))
        else:
            data = json.loads((Path(processes_dir) / "instruments" / path.name).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InstrumentError("instrument_not_found", id=instrument_id) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InstrumentError("instrument_not_json", id=instrument_id, detail=str(exc)) from exc
    instrument = parse(data, path.name)
    if instrument.id != instrument_id:
        raise InstrumentError("instrument_id_mismatch", source=path.name, id=instrument.id)
    return instrument


def parse(data: Any, source: str = "instrumen") -> Instrument:
    """Build an Instrument from its JSON form, refusing anything scoring could trip over later."""
    if not isinstance(data, dict):
        raise InstrumentError("instrument_not_object", source=source)
    for field in ("id", "title", "version"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise InstrumentError("instrument_text_required", source=source, field=field)
    raw_components = data.get("components")
    if not isinstance(raw_components, list) or not raw_components:
        raise InstrumentError("instrument_components_required", source=source)
    components = tuple(_parse_component(c, source) for c in raw_components)
    _check_unique([c.key for c in components], source, "instrument_duplicate_component")
    _check_unique([i.id for c in components for i in c.indicators], source, "instrument_duplicate_indicator")
    weights = sum(c.weight for c in components)
    if not math.isclose(weights, 100.0, abs_tol=1e-9):
        raise InstrumentError("instrument_weights", source=source, total=f"{weights:g}")
    bands = _parse_bands(data["grade_bands"], source) if "grade_bands" in data else DEFAULT_GRADE_BANDS
    below = data.get("below_grade", NOT_ACCREDITED)
    if not isinstance(below, str) or not below.strip():
        raise InstrumentError("instrument_text_required", source=source, field="below_grade")
    types = data.get("library_types", [])
    if not isinstance(types, list) or not all(isinstance(t, str) and _LIBRARY_TYPE.fullmatch(t) for t in types):
        raise InstrumentError("instrument_library_types", source=source)
    return Instrument(id=data["id"], title=data["title"], version=data["version"], components=components,
                      grade_bands=bands, below_grade=below, description=str(data.get("description", "")),
                      library_types=tuple(types), source=str(data.get("source", "")),
                      official_text=str(data.get("official_text", "")))


def _parse_component(raw: Any, source: str) -> Component:
    if not isinstance(raw, dict) or not isinstance(raw.get("key"), str) or not _KEY.fullmatch(raw["key"]):
        raise InstrumentError("instrument_component_key", source=source)
    key = raw["key"]
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
        raise InstrumentError("instrument_component_weight", source=source, component=key)
    if not isinstance(raw.get("title"), str) or not raw["title"].strip():
        raise InstrumentError("instrument_component_title", source=source, component=key)
    raw_indicators = raw.get("indicators")
    if not isinstance(raw_indicators, list) or not raw_indicators:
        raise InstrumentError("instrument_indicators_required", source=source, component=key)
    indicators = tuple(_parse_indicator(i, source, key) for i in raw_indicators)
    title_en = raw.get("title_en")
    return Component(key=raw["key"], title=raw["title"], weight=float(weight), indicators=indicators,
                     title_en=title_en if isinstance(title_en, str) else None)


def _parse_indicator(raw: Any, source: str, component: str) -> Indicator:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not _KEY.fullmatch(raw["id"]):
        raise InstrumentError("instrument_indicator_id", source=source, component=component)
    if not isinstance(raw.get("text"), str) or not raw["text"].strip():
        raise InstrumentError("instrument_indicator_text", source=source, component=component,
                              indicator=raw["id"])
    options = raw.get("options")
    if not isinstance(options, dict) or sorted(options) != sorted(OPTION_SCORES):
        raise InstrumentError("instrument_indicator_options", source=source, component=component,
                              indicator=raw["id"])
    if not all(isinstance(text, str) and text.strip() for text in options.values()):
        raise InstrumentError("instrument_option_text", source=source, component=component,
                              indicator=raw["id"])
    ordered = {letter: options[letter] for letter in OPTION_SCORES}
    return Indicator(id=raw["id"], text=raw["text"], options=MappingProxyType(ordered))


def _parse_bands(raw: Any, source: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, list) or not raw:
        raise InstrumentError("instrument_bands_list", source=source)
    bands: list[tuple[str, float]] = []
    for band in raw:
        if (not isinstance(band, list) or len(band) != 2 or not isinstance(band[0], str)
                or isinstance(band[1], bool) or not isinstance(band[1], int | float) or not 0 < band[1] <= 100):
            raise InstrumentError("instrument_band_shape", source=source)
        bands.append((band[0], float(band[1])))
    return tuple(bands)


def _check_unique(values: list[str], source: str, code: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise InstrumentError(code, source=source, value=value)
        seen.add(value)


def score(instrument: Instrument, answers: Mapping[str, Any],
          bands: Sequence[Sequence[Any]] | None = None, below: str | None = None) -> dict[str, Any]:
    """Score answers given as {component key: {indicator id: "a".."e"}}; every indicator is required.

    Component scores and the total are rounded to two decimals for the result only; the total is
    the sum of the unrounded component scores, and the grade is that of the rounded total (the
    figure people read). `bands`/`below` (the agency's `grade_bands` setting) replace the file's.
    """
    if not isinstance(answers, Mapping):
        raise InstrumentError("answers_not_object")
    unknown = sorted(set(answers) - {c.key for c in instrument.components})
    if unknown:
        raise InstrumentError("answers_unknown_components", components=unknown)
    results: list[dict[str, Any]] = []
    low: list[tuple[int, dict[str, str]]] = []
    total = 0.0
    for component in instrument.components:
        given = answers.get(component.key)
        if not isinstance(given, Mapping):
            raise InstrumentError("answers_component_missing", component=component.title)
        extra = sorted(set(given) - {i.id for i in component.indicators})
        if extra:
            raise InstrumentError("answers_unknown_indicators", component=component.title, indicators=extra)
        points = 0
        for indicator in component.indicators:
            letter = given.get(indicator.id)
            if not isinstance(letter, str) or letter not in OPTION_SCORES:
                raise InstrumentError("answers_indicator_unanswered", component=component.title, indicator=indicator.id)
            points += OPTION_SCORES[letter]
            if OPTION_SCORES[letter] <= WEAK_SCORE:
                low.append((OPTION_SCORES[letter], {"component": component.title, "id": indicator.id,
                                                    "title": indicator.text, "answer": letter}))
        max_points = MAX_OPTION_SCORE * len(component.indicators)
        value = points / max_points * component.weight
        total += value
        results.append({"key": component.key, "title": component.title, "weight": component.weight,
                        "points": points, "max_points": max_points, "score": round(value, 2)})
    rounded = round(total, 2)
    weakest = [item for _, item in sorted(low, key=lambda pair: pair[0])[:WEAKEST]]
    return {"instrument": instrument.id, "instrument_title": instrument.title, "version": instrument.version,
            "components": results, "weakest": weakest, "total": rounded,
            "grade": grade(rounded, instrument.grade_bands if bands is None else bands,
                           instrument.below_grade if below is None else below)}


def grade(total: float, bands: Sequence[Sequence[Any]] = DEFAULT_GRADE_BANDS,
          below: str = NOT_ACCREDITED) -> str:
    """The grade of a total score 0–100: the best band whose lowest score it reaches, else `below`.

    `bands` are (grade, lowest total) pairs in any order, as the `grade_bands` setting stores them.
    """
    if isinstance(total, bool) or not isinstance(total, int | float) or not 0.0 <= total <= 100.0:
        raise InstrumentError("score_out_of_range", total=repr(total))
    for name, minimum in sorted(bands, key=lambda band: float(band[1]), reverse=True):
        if total >= float(minimum):
            return str(name)
    return below


@lru_cache(maxsize=32)
def _cached(instrument_id: str, folder: str) -> Instrument:
    # Instrument versions are immutable files (a change is a new id), so the cache never goes stale.
    return load(instrument_id, Path(folder))


def monev_score(answers: dict[str, Any], instrument_id: str, bands: Sequence[Sequence[Any]] | None = None,
                below: str | None = None) -> dict[str, Any]:
    """Script helper for BPMN: score monev answers against an instrument of the processes folder's bundles."""
    return score(_cached(instrument_id, str(_folder_with(instrument_id))), answers, bands, below)


def choose(candidates: Sequence[Instrument], library_type: str, subtype: str = "") -> Instrument:
    """The instrument for a library type: one naming its sub-type beats one naming only its type.

    None fitting, or two fitting equally well, is refused: the agency must say which one applies.
    """
    ranked = sorted(((c.fits(library_type, subtype), c.id) for c in candidates), reverse=True)
    if not ranked or ranked[0][0] == 0:
        raise InstrumentError("instrument_for_type_missing", library_type=f"{library_type}/{subtype}".rstrip("/"))
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        raise InstrumentError("instrument_for_type_ambiguous", library_type=f"{library_type}/{subtype}".rstrip("/"),
                              ids=[ranked[0][1], ranked[1][1]])
    return next(c for c in candidates if c.id == ranked[0][1])


def typed(folder: Path | Mapping[str, bytes]) -> list[Instrument]:
    """Every instrument of a bundle (folder or path -> bytes) that names the library types it is for."""
    if isinstance(folder, Mapping):
        names = [path[len("instruments/"):-len(".json")] for path in sorted(folder)
                 if path.startswith("instruments/") and path.endswith(".json")]
    else:
        names = [path.stem for path in sorted((Path(folder) / "instruments").glob("*.json"))]
    found = [load(name, folder) for name in names]
    return [instrument for instrument in found if instrument.library_types]


def instrument_for(item: Mapping[str, Any]) -> str:
    """Script helper for BPMN: the id of the instrument for a work item's library (`library_type`, `subtype`)."""
    if not isinstance(item, Mapping):
        raise InstrumentError("instrument_item_not_object")
    root = processes_dir()
    folders = [root, *(sorted(sub for sub in root.iterdir() if sub.is_dir()) if root.is_dir() else [])]
    candidates = [i for folder in folders if (folder / "instruments").is_dir() for i in _typed_in(folder)]
    return choose(candidates, str(item.get("library_type") or ""), str(item.get("subtype") or "")).id


def _typed_in(folder: Path) -> tuple[Instrument, ...]:
    """The typed instruments of a folder, loaded once for the same file names (it runs for every library)."""
    return _typed_cached(str(folder), tuple(path.stem for path in sorted((folder / "instruments").glob("*.json"))))


@lru_cache(maxsize=32)
def _typed_cached(folder: str, names: tuple[str, ...]) -> tuple[Instrument, ...]:
    # Keyed by the file names as well, so an instrument added to the folder is seen; the files themselves
    # are immutable versions, as for `_cached`.
    return tuple(instrument for instrument in (load(name, Path(folder)) for name in names) if instrument.library_types)


def _folder_with(instrument_id: str) -> Path:
    """The processes folder, or the first of its bundle folders, that holds the instrument file."""
    root = processes_dir()
    name = instrument_path(instrument_id, root).name
    if (root / "instruments" / name).is_file() or not root.is_dir():
        return root
    return next((sub for sub in sorted(root.iterdir()) if (sub / "instruments" / name).is_file()), root)
