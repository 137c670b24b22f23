"""An instrument inside a form: `x-senapas-instrument` expanded into its answers, and the variants offered."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.libraries.instruments import (
    CHOSEN_KEYWORD,
    DEFAULT_FIELD,
    FIELD_KEYWORD,
    INSTRUMENT_KEYWORD,
    VARIANTS_KEYWORD,
    Instrument,
    InstrumentError,
    load,
)

_FIELD = re.compile(r"[a-z][a-z0-9_]{0,63}")


def expand_schema(schema: dict[str, Any], processes_dir: Path | Mapping[str, bytes]) -> dict[str, Any]:
    """Return a copy of a form schema; one naming `x-senapas-instrument` gains its `answers` property.

    `answers` holds one object per component and one required a–e property per indicator, the
    option texts as titles, so the form is pinned with the instrument version it was deployed with.
    """
    expanded = copy.deepcopy(schema)
    named = expanded.get(INSTRUMENT_KEYWORD)
    if named is None:
        return expanded
    if isinstance(named, list):
        # One form for several library types: the first instrument is the one the schema shows by
        # default; `variant` swaps in the one chosen for a task's library.
        if not named or not all(isinstance(n, str) for n in named):
            raise InstrumentError("instrument_list_invalid")
        listed = [load(n, processes_dir) for n in named]
        expanded[VARIANTS_KEYWORD] = {i.id: {"title": i.title, "version": i.version,
                                             "library_types": list(i.library_types), "answers": _answers_schema(i)}
                                      for i in listed}
        instrument = listed[0]
    else:
        instrument = load(named, processes_dir)
    field = answers_field(expanded)
    properties = expanded.setdefault("properties", {})
    properties[field] = _answers_schema(instrument)
    required = expanded.setdefault("required", [])
    if field not in required:
        required.append(field)
    expanded["x-senapas-instrument-version"] = instrument.version
    fields = expanded.setdefault("x-senapas-i18n", {}).setdefault("en", {}).setdefault("fields", {})
    fields[field] = {"title": f"Instrument answers: {instrument.id}",
                         "description": "Choose one answer (a–e) for every indicator; the system computes "
                                        "the score (a = 5 … e = 1)."}
    for component in instrument.components:
        if component.title_en:
            fields[f"{field}.{component.key}"] = {"title": f"{component.title_en} (weight {component.weight:g})"}
    return expanded


def variants(schema: Mapping[str, Any]) -> list[str]:
    """The instrument ids an expanded form offers by library type (empty for a one-instrument form)."""
    return list(schema.get(VARIANTS_KEYWORD) or {})


def variant(schema: Mapping[str, Any], instrument_id: str) -> dict[str, Any]:
    """An expanded form with the answers of one of its instruments (the one chosen for a library)."""
    offered = schema.get(VARIANTS_KEYWORD) or {}
    if instrument_id not in offered:
        raise InstrumentError("instrument_not_offered", id=instrument_id, ids=sorted(offered))
    chosen = dict(schema)
    chosen.pop(VARIANTS_KEYWORD, None)
    chosen[INSTRUMENT_KEYWORD] = chosen[CHOSEN_KEYWORD] = instrument_id
    chosen["x-senapas-instrument-version"] = offered[instrument_id]["version"]
    chosen["properties"] = {**schema.get("properties", {}), answers_field(schema): offered[instrument_id]["answers"]}
    return chosen


def answers_field(schema: Mapping[str, Any]) -> str:
    """The name of the form field holding an instrument's answers (`answers` unless the form names another)."""
    field = schema.get(FIELD_KEYWORD, DEFAULT_FIELD)
    if not isinstance(field, str) or not _FIELD.fullmatch(field):
        raise InstrumentError("instrument_field_invalid", field=repr(field))
    return field


def _answers_schema(instrument: Instrument) -> dict[str, Any]:
    components: dict[str, Any] = {}
    for component in instrument.components:
        components[component.key] = {
            "type": "object",
            "title": f"{component.title} (bobot {component.weight:g})",
            "description": f"{len(component.indicators)} indikator; skor komponen = jumlah skor / "
                           f"(5 × {len(component.indicators)}) × {component.weight:g}.",
            "properties": {
                indicator.id: {
                    "type": "string",
                    "title": indicator.text,
                    "description": f"Indikator {number} dari {len(component.indicators)} komponen "
                                   f"{component.title}; a = 5 … e = 1.",
                    "oneOf": [{"const": letter, "title": f"{letter}. {text}"}
                              for letter, text in indicator.options.items()],
                }
                for number, indicator in enumerate(component.indicators, start=1)
            },
            "required": [indicator.id for indicator in component.indicators],
            "additionalProperties": False,
        }
    return {
        "type": "object",
        "title": f"Jawaban instrumen: {instrument.title}",
        "description": "Pilih satu jawaban (a–e) untuk setiap indikator. Skor dihitung oleh sistem "
                       "(a = 5 … e = 1).",
        "properties": components,
        "required": [component.key for component in instrument.components],
        "additionalProperties": False,
    }
