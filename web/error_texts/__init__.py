"""The words of every error: one Indonesian sentence per error case, field code and problem code.

The engine names what went wrong (`case`/`code` and `params`); the tables of this package choose the
words, one module per domain, in Indonesian with `%(name)s` placeholders, and the catalog gives their
English versions. This module joins the tables and fills the sentences in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext

from engine.errors import SenapasError
from web.error_texts import (
    complaints,
    definitions,
    documents,
    forms,
    general,
    instruments,
    libraries,
    people,
    settings,
    workflow,
)
from web.labels import INSTANCE_STATUS

log = logging.getLogger(__name__)

# Contract codes and HTTP-level errors: the text when nothing more specific is known.
GENERAL: dict[str, Any] = general.GENERAL
# The cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {**general.CASES, **workflow.CASES, **forms.CASES, **definitions.CASES, **libraries.CASES,
                         **documents.CASES, **people.CASES, **settings.CASES, **complaints.CASES}
# Per-field codes in ValidationFailed details.
FIELDS: dict[str, Any] = {**forms.FIELDS, **libraries.FIELDS, **documents.FIELDS, **people.FIELDS,
                          **settings.FIELDS}
# Findings about a BPMN upload, a bundle's files, instruments and scenarios (Problem.code).
PROBLEMS: dict[str, Any] = {**definitions.PROBLEMS, **instruments.PROBLEMS}
TYPE_NAMES: dict[str, Any] = forms.TYPE_NAMES
TEXTS: dict[str, Any] = {**GENERAL, **CASES, **FIELDS, **PROBLEMS}


class _Params(dict[str, Any]):
    """Parameters as the sentence shows them; a missing one shows as "?" rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"


def _shown(name: str, value: Any) -> Any:
    if name in ("status", "target"):
        return str(INSTANCE_STATUS.get(str(value), value))
    if name == "types" and isinstance(value, list):
        return gettext(" atau ").join(str(TYPE_NAMES.get(str(v), v)) for v in value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def text(key: str, params: Mapping[str, Any] | None = None, fallback: str = "") -> str:
    """The sentence for an error case or code, in the request's language, with its params filled in."""
    template = TEXTS.get(key)
    if template is None:
        log.warning("no text for error %r", key)
        template = TEXTS.get(fallback, key)
    return str(template) % _Params({k: _shown(k, v) for k, v in (params or {}).items()})


def details(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Error details (field errors, problems) with a `message` in the request's language."""
    return [{**entry, "message": text(str(entry.get("code", "")), entry.get("params"), "invalid_data")}
            for entry in entries]


def message(exc: SenapasError) -> str:
    """The sentence for an engine error, in the request's language."""
    return text(exc.case, exc.params, exc.code)


def describe(exc: SenapasError) -> str:
    """The sentence for an engine error followed by its details, for the command line."""
    parts = [message(exc)]
    for entry in details(exc.details):
        where = entry.get("file") or entry.get("path") or ""
        if entry.get("line"):
            where += f":{entry['line']}"
        parts.append(f"{where}: {entry['message']}" if where else str(entry["message"]))
    return "; ".join(parts)
