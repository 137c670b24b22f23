"""Compact JSON text for what Senapas stores: workflow states and JSON columns.

Written with orjson, several times faster than the standard library on the task data every save
and document writes; whatever orjson refuses (integers beyond 64 bits, keys that are not
strings) is written by the standard library instead, so every value the standard library could
store still is. Dates, dataclasses and unknown types go to `default` as they would with `json`.
Stored text is read with the standard library, which keeps large integers exact.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def dumps(value: Any, default: Callable[[Any], Any] | None = None, *, sort_keys: bool = False) -> str:
    """`value` as compact JSON text, non-ASCII characters as they are (orjson writes NaN as null)."""
    try:
        return orjson.dumps(value, default=default,
                            option=_OPTIONS | orjson.OPT_SORT_KEYS if sort_keys else _OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError: a big integer, a key that is not a string, or `default` refused
        return json.dumps(value, default=default, separators=(",", ":"), ensure_ascii=False, sort_keys=sort_keys)


def dumps_with(value: dict[str, Any], key: str, texts: dict[str, str],
               default: Callable[[Any], Any] | None = None) -> str:
    """`value` with `key` added as the JSON object whose members are the given texts (JSON already written)."""
    try:
        return orjson.dumps({**value, key: {name: orjson.Fragment(text) for name, text in texts.items()}},
                            default=default, option=_OPTIONS).decode()
    except TypeError:  # as in `dumps`; the texts are read back so the standard library can write them
        return json.dumps({**value, key: {name: json.loads(text) for name, text in texts.items()}},
                          default=default, separators=(",", ":"), ensure_ascii=False)


def round_trip(value: Any, default: Callable[[Any], Any] | None = None) -> Any:
    """`value` as its JSON text reads back: a deep copy of plain values, anything else through `default`.

    Text orjson wrote holds no integer beyond 64 bits, so orjson reads it back exactly; what orjson
    refuses takes the standard library both ways.
    """
    try:
        return orjson.loads(orjson.dumps(value, default=default, option=_OPTIONS))
    except TypeError:
        return json.loads(json.dumps(value, default=default, ensure_ascii=False))
