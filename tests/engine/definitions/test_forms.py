"""Form validation: the compiled fast path never accepts what the full validator refuses."""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from bench import sop
from engine.definitions import forms
from engine.errors import ValidationFailed

PROCESSES = Path(__file__).resolve().parents[3] / "processes"
SCHEMAS = sorted(str(p.relative_to(PROCESSES)) for p in PROCESSES.glob("*/forms/*.json")
                 if not p.name.endswith(".ui.json"))
DATES = ["2027-03-01", "2027-13-01", "2027-02-30", "20270301", "2027-03-01\n", " 2027-03-01", "", "01-03-2027"]
ODD = [None, True, 0, -1, 1.5, 10**30, "", "teks", "٣", "x\n", [], {}]


def candidates(schema: dict[str, Any], depth: int = 0) -> list[Any]:
    """Values for one schema node: a plausible one first, then edge cases and wrong types."""
    if depth > 6:
        return [None]
    if "enum" in schema:
        return [*schema["enum"], "bukan-pilihan", *ODD[:3]]
    if "const" in schema:
        return [schema["const"], "lain"]
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "string" in kinds:
        return (DATES if schema.get("format") == "date" else ["Teks isian", "a" * 5000, *ODD]) + [None]
    if "integer" in kinds or "number" in kinds:
        return [1, 100, 0, -1, 1.5, 101, 10**30, True, "1", None]
    if "boolean" in kinds:
        return [True, False, 0, "ya", None]
    if "array" in kinds:
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        inner = candidates(items, depth + 1)
        return [[inner[0]], [], inner[:3], [None], "bukan-daftar"]
    if "object" in kinds or "properties" in schema:
        return [*islice(objects(schema, depth + 1), 40), "bukan-objek", []]
    return [*ODD[:6]]


def objects(schema: dict[str, Any], depth: int) -> Any:
    """A plausible object, then the same object with one property varied, dropped or added."""
    props: dict[str, Any] = schema.get("properties") or {}
    base = {name: candidates(sub, depth)[0] for name, sub in props.items() if isinstance(sub, dict)}
    yield base
    for name, sub in props.items():
        if isinstance(sub, dict):
            for value in candidates(sub, depth)[1:]:
                yield {**base, name: value}
        yield {k: v for k, v in base.items() if k != name}
    yield {**base, "tambahan": "nilai"}


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Any:
    """The paths of every scalar in a submission."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of `value` with the scalar at `path` replaced."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], rest, new)}
    return [replaced(item, rest, new) if index == head else item for index, item in enumerate(value)]


def submissions(name: str, schema: dict[str, Any]) -> Any:
    """Generated objects, and for the SOP's forms a real submission with each scalar varied in turn."""
    yield from objects(schema, 0)
    task = "_".join(word.capitalize() for word in name.removesuffix(".json").split("_"))
    try:
        seed = sop.form_data(task, [1, 2, 3], 1)
    except KeyError:
        return
    yield seed
    for path in islice(leaves(seed), 60):
        for value in [*DATES, *ODD]:
            yield replaced(seed, path, value)


@pytest.mark.parametrize("name", SCHEMAS)
def test_the_fast_path_accepts_only_what_the_full_validator_accepts(name):
    path = PROCESSES / name
    name = path.name
    schema = forms.load_form(path.parent, name)
    full = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    verdicts = set()
    kept: dict[str, Any] = {}
    for data in submissions(name, schema):
        valid = not any(True for _ in full.iter_errors(data))
        fast = forms._accepted(kept, schema, data)
        assert not (fast and not valid), f"{name}: fast path accepted {data!r}"
        verdicts.add(valid)
    assert False in verdicts


def test_a_valid_submission_passes_and_an_invalid_one_gets_field_messages():
    schema = {"type": "object", "required": ["tanggal"], "properties": {
        "tanggal": {"type": "string", "format": "date"}, "nilai": {"type": "integer", "minimum": 0}}}
    kept: dict[str, Any] = {}
    forms.validate(schema, {"tanggal": "2027-03-01", "nilai": 3}, kept=kept)
    with pytest.raises(ValidationFailed) as caught:
        forms.validate(schema, {"tanggal": "2027-02-30", "nilai": -1}, kept=kept)
    assert sorted(d["path"] for d in caught.value.details) == ["nilai", "tanggal"]
