"""Reference and plausibility rules a form declares: checked against the registry and the workflow.

A form's JSON Schema says what shape a value has; these `x-senapas-*` keywords on a property say
what it must mean (the vocabulary is documented in processes/README.md):

- `"x-senapas-ref": "officer"`: a username of an active user who may do visits
  (`engine.people.roles.may_visit`); `"library"`: the id of an active library of the registry;
- `"x-senapas-unique": true`: inside array items, no two items hold the same value here;
- `"x-senapas-not-past": true`: a date that is not before today in WIB;
- `"x-senapas-after": "<sibling>"`: a date later than the date in the sibling field;
- `"x-senapas-covers": "<workflow variable>"`: inside array items, the values of this field across
  the array are exactly the list the workflow holds under that name (each once);
- `"x-senapas-grade-of": "<sibling>"`: the grade the `grade_bands` setting gives the sibling score;
- `"x-senapas-excludes": "<sibling>"`: a list that does not hold the sibling's value (a visit team's
  members without its lead).
- `"x-senapas-status-of": "<sibling>"`: an accreditation status (`terakreditasi`, `tidak_terakreditasi`)
  that agrees with the sibling score under the `grade_bands` setting (other statuses are not checked).

Every failure is one detail (field path, code) of one ValidationFailed; nothing is stored then.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import settings
from engine.errors import ValidationFailed, field_error
from engine.libraries import results
from engine.libraries.registry import Library
from engine.models import User
from engine.people import roles
from engine.workflow.runtime import WIB

PREFIX = "x-senapas-"
# Rule keyword -> the values it accepts (None: a sibling or variable name, any non-empty string).
RULES: dict[str, frozenset[Any] | None] = {
    "x-senapas-ref": frozenset({"officer", "library"}),
    "x-senapas-unique": frozenset({True}),
    "x-senapas-not-past": frozenset({True}),
    "x-senapas-after": None,
    "x-senapas-covers": None,
    "x-senapas-grade-of": None,
    "x-senapas-excludes": None,
    "x-senapas-status-of": None,
}
# Rules whose value names a sibling property of the same object.
SIBLING_RULES = ("x-senapas-after", "x-senapas-grade-of", "x-senapas-excludes", "x-senapas-status-of")
# The accreditation statuses `x-senapas-status-of` checks, and whether each means a grade was given.
ACCREDITED_STATUSES = {"terakreditasi": True, "tidak_terakreditasi": False}
# Other keywords forms may carry (rendering, sources, translations, instruments).
OTHER_KEYWORDS = frozenset({"x-senapas-source", "x-senapas-choices", "x-senapas-i18n", "x-senapas-widget",
                            "x-senapas-instrument", "x-senapas-instrument-version",
                            "x-senapas-instrument-variants", "x-senapas-instrument-field",
                            "x-senapas-instrument-chosen"})
EACH = None  # a path step standing for every item of an array


@dataclass(frozen=True)
class Rule:
    """One rule keyword on one property: where the property is and what it requires."""

    steps: tuple[str | None, ...]
    keyword: str
    value: Any


def rules_of(schema: dict[str, Any] | None, kept: dict[str, Any] | None = None) -> tuple[Rule, ...]:
    """The rules a form declares; with `kept` (the form's store in `engine.definitions.derived`) found once."""
    if not schema:
        return ()
    found: tuple[Rule, ...] | None = kept.get("rules") if kept is not None else None
    if found is None:
        collected: list[Rule] = []
        _collect(schema, (), collected, 0)
        found = tuple(collected)
        if kept is not None:
            kept["rules"] = found
    return found


def _collect(schema: Any, steps: tuple[str | None, ...], found: list[Rule], depth: int) -> None:
    if not isinstance(schema, dict) or depth > 16:
        return
    for keyword in RULES:
        if keyword in schema:
            found.append(Rule(steps, keyword, schema[keyword]))
    for name, sub in (schema.get("properties") or {}).items():
        _collect(sub, (*steps, name), found, depth + 1)
    _collect(schema.get("items"), (*steps, EACH), found, depth + 1)
    for part in schema.get("allOf") or []:
        _collect(part, steps, found, depth + 1)


def unknown_in(schema: Any) -> list[str]:
    """Rule keywords a form uses that the engine does not know, or with a value it cannot use (lint)."""
    found: list[str] = []
    _unknown(schema, found)
    return found


def _unknown(node: Any, found: list[str]) -> None:
    if isinstance(node, list):
        for value in node:
            _unknown(value, found)
    if not isinstance(node, dict):
        return
    declared = node.get("properties")
    siblings: dict[str, Any] = declared if isinstance(declared, dict) else {}
    for sub in siblings.values():  # a rule comparing with a sibling must name one the object declares
        for key in SIBLING_RULES:
            if isinstance(sub, dict) and key in sub and sub[key] not in siblings and key not in found:
                found.append(key)
    for key, value in node.items():
        if key == "x-senapas-i18n":
            continue
        if isinstance(key, str) and key.startswith(PREFIX) and key not in OTHER_KEYWORDS:
            allowed = RULES.get(key, frozenset())
            usable = (value in allowed if allowed is not None and isinstance(value, str | bool)
                      else allowed is None and isinstance(value, str) and bool(value))
            if not usable and key not in found:
                found.append(key)
        _unknown(value, found)


def check(session: Session, schema: dict[str, Any] | None, data: Mapping[str, Any],
          current: Mapping[str, Any], today: date | None = None, *, kept: dict[str, Any] | None = None) -> None:
    """Refuse a submission that breaks its form's rules: ValidationFailed with one detail per field.

    `current` is the task's data in the workflow (what `x-senapas-covers` compares with); `kept`
    is the form's store in `engine.definitions.derived`, where its rules are found once.
    """
    declared = rules_of(schema, kept)
    if not declared:
        return
    today = today or datetime.now(WIB).date()
    details: list[dict[str, Any]] = []
    for rule in declared:
        found = list(_values(data, rule.steps, ""))
        if found:
            _apply(session, rule, found, current, today, details)
    if details:
        raise ValidationFailed("form_invalid", details=details)


# A value found for a rule: its path, the object holding it, and the path of the array it is an item of.
Found = tuple[str, Mapping[str, Any], str, Any]


def _values(node: Any, steps: tuple[str | None, ...], path: str, array: str = "") -> Iterator[Found]:
    if not steps:
        return
    step, rest = steps[0], steps[1:]
    if step is EACH:
        if isinstance(node, list):
            for index, item in enumerate(node):
                where = f"{path}.{index}" if path else str(index)
                if rest:
                    yield from _values(item, rest, where, path)
                else:  # an item that is a plain value (a list of usernames): it has no siblings
                    yield where, {}, path, item
        return
    if isinstance(node, Mapping) and step in node:
        where = f"{path}.{step}" if path else step
        if rest:
            yield from _values(node[step], rest, where, array)
        else:
            yield where, node, array, node[step]


def _apply(session: Session, rule: Rule, found: list[Found], current: Mapping[str, Any], today: date,
           details: list[dict[str, Any]]) -> None:
    if rule.keyword == "x-senapas-ref":
        (_officers if rule.value == "officer" else _libraries)(session, found, details)
    elif rule.keyword == "x-senapas-unique":
        seen: set[tuple[str, Any]] = set()
        for path, _, array, value in found:
            if (array, _key(value)) in seen:
                details.append(field_error(path, "duplicate_value", value=value))
            seen.add((array, _key(value)))
    elif rule.keyword == "x-senapas-not-past":
        for path, _, _, value in found:
            if (day := _date(value)) is not None and day < today:
                details.append(field_error(path, "date_in_past", today=today.isoformat()))
    elif rule.keyword == "x-senapas-after":
        for path, holder, _, value in found:
            day, other = _date(value), _date(holder.get(rule.value))
            if day is not None and other is not None and day <= other:
                details.append(field_error(path, "date_not_after", field=rule.value, date=other.isoformat()))
    elif rule.keyword == "x-senapas-covers":
        _covers(found, current.get(rule.value), details)
    elif rule.keyword == "x-senapas-grade-of":
        for path, holder, _, value in found:
            score = holder.get(rule.value)
            if isinstance(score, int | float) and not isinstance(score, bool):
                expected = results.grade_for(session, float(score))
                if value != expected:
                    details.append(field_error(path, "grade_mismatch", expected=expected, score=score))
    elif rule.keyword == "x-senapas-excludes":
        for path, holder, _, value in found:
            other = holder.get(rule.value)
            for index, item in enumerate(value if isinstance(value, list) else []):
                if other is not None and item == other:
                    details.append(field_error(f"{path}.{index}", "member_is_lead", username=str(item)))
    elif rule.keyword == "x-senapas-status-of":
        for path, holder, _, value in found:
            score = holder.get(rule.value)
            if value in ACCREDITED_STATUSES and isinstance(score, int | float) and not isinstance(score, bool):
                grade = results.grade_for(session, float(score))
                if ACCREDITED_STATUSES[value] != (grade != settings.get(session, "not_accredited_label")):
                    details.append(field_error(path, "status_mismatch", grade=grade, score=score))


def _officers(session: Session, found: list[Found], details: list[dict[str, Any]]) -> None:
    names = {value for _, _, _, value in found if isinstance(value, str)}
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(names)))} if names else {}
    for path, _, _, value in found:
        user = users.get(value) if isinstance(value, str) else None
        if user is None or not user.active:
            details.append(field_error(path, "unknown_officer", username=str(value)))
        elif not roles.may_visit(frozenset(user.roles)):
            details.append(field_error(path, "not_an_officer", username=user.username))


def _libraries(session: Session, found: list[Found], details: list[dict[str, Any]]) -> None:
    ids = {value for _, _, _, value in found if isinstance(value, int) and not isinstance(value, bool)}
    rows = session.execute(select(Library.id, Library.active).where(Library.id.in_(ids))) if ids else ()
    active = {row[0]: row[1] for row in rows}
    for path, _, _, value in found:
        if isinstance(value, bool) or value not in active:
            details.append(field_error(path, "unknown_library"))
        elif not active[value]:
            details.append(field_error(path, "inactive_library", library=value))


def _covers(found: list[Found], selected: Any, details: list[dict[str, Any]]) -> None:
    wanted = [_key(v) for v in selected] if isinstance(selected, list) else []
    arrays: dict[str, set[Any]] = {}
    for path, _, array, value in found:
        arrays.setdefault(array, set()).add(_key(value))
        if _key(value) not in wanted:
            details.append(field_error(path, "not_selected", value=value))
    for array, present in arrays.items():
        for value in wanted:
            if value not in present:
                details.append(field_error(array, "selected_missing", value=value))


def _key(value: Any) -> Any:
    """A hashable stand-in for a JSON value (True and 1 kept apart)."""
    return (type(value).__name__, value) if isinstance(value, str | int | float | bool | None) else repr(value)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
