"""The data contract of a task: only what its form declares enters the workflow, never a reserved name.

A submission (a task's form data, or start data against the start form) may hold only the fields
its JSON Schema declares, at every nesting level. Fields marked `"readOnly": true` come from the
workflow: sent with another value they are refused, left out they keep the workflow's value. Names
scripts and the engine rely on, and SpiffWorkflow's `typename` marker, are refused even where a
form declares them (deploy refuses such forms too, see `reserved_in`).
"""

from __future__ import annotations

import copy
import functools
import keyword
from collections.abc import Iterator, Mapping
from typing import Any

from engine.errors import ValidationFailed, field_error
from engine.workflow import scripts

# SpiffWorkflow's serializer restores any dict holding this key as the type it names.
TYPENAME = "typename"
# Keys SpiffWorkflow itself keeps beside task data.
ENGINE_NAMES = frozenset({"data_objects", TYPENAME})
COMBINATORS = ("allOf", "anyOf", "oneOf")
# What `additionalProperties: true` declares: any key, and below it anything (but reserved names).
FREE: dict[str, Any] = {"additionalProperties": True}
FREE["items"] = FREE
BRANCHES = ("if", "then", "else")


@functools.cache
def reserved_names() -> frozenset[str]:
    """Top-level names a submission can never set: script globals and builtins, keywords, engine keys."""
    return frozenset({*scripts.helpers(), *scripts.SAFE_BUILTINS, *keyword.kwlist, *ENGINE_NAMES})


def is_reserved(name: str, *, top: bool) -> bool:
    """True for `typename` anywhere, and at the top level (where names become script variables) for
    every reserved name and every name starting with an underscore (dunders included)."""
    return name == TYPENAME or (top and (name.startswith("_") or name in reserved_names()))


def admit(schema: dict[str, Any] | None, data: dict[str, Any], current: Mapping[str, Any] | None = None, *,
          kept: dict[str, Any] | None = None) -> dict[str, Any]:
    """The submission as it may enter the workflow, or ValidationFailed with one detail per refused key.

    `current` is the task's data in the workflow (what read-only fields keep); a form-less task or
    start event admits nothing but an empty object. `kept` holds what is worked out from the schema
    between calls (a definition's form keeps it in `engine.definitions.derived`, which also keeps
    the schema object alive, so its subschemas' ids stay theirs); without it, for this call alone.
    """
    schema = schema or {}
    memo: dict[Any, Any] = {} if kept is None else kept.setdefault("contract", {})
    if _flag(memo, schema, "readOnly"):  # read-only values may be put back: never into the caller's dict
        data = copy.deepcopy(data)
    details: list[dict[str, Any]] = []
    _object(memo, schema, data, current, "", details)
    if details:
        raise ValidationFailed("form_invalid", details=details)
    return data


def declared_only(schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """A copy of `data` with only what the form declares and a person may send (no read-only values),
    at every level: workflow values offered again as a form's starting point (`prefillFromData`)."""
    return _pruned({}, schema or {}, data) if isinstance(data, dict) else {}


def _pruned(memo: dict[Any, Any], schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    declared, extra = _declared(memo, schema)
    kept: dict[str, Any] = {}
    for name, value in data.items():
        subs = declared.get(name) or ([extra] if extra is not None else [])
        if not subs or any(sub.get("readOnly") is True for sub in subs) or is_reserved(str(name), top=False):
            continue
        kept[name] = _pruned_value(memo, subs, value)
    return kept


def _pruned_value(memo: dict[Any, Any], subs: list[dict[str, Any]], value: Any) -> Any:
    if isinstance(value, dict):
        return _pruned(memo, _merged(memo, subs, "object"), value)
    if isinstance(value, list):
        items = _merged(memo, subs, "items")
        return [_pruned_value(memo, [items], item) for item in value]
    return value


def _object(memo: dict[Any, Any], schema: dict[str, Any], data: dict[str, Any], current: Any, path: str,
            details: list[dict[str, Any]]) -> None:
    declared, extra = _declared(memo, schema)
    current = current if isinstance(current, Mapping) else {}
    for name, value in data.items():
        where = f"{path}.{name}" if path else str(name)
        if not isinstance(name, str) or is_reserved(name, top=not path):
            details.append(field_error(where, "reserved_name"))
            continue
        subs = declared.get(name) or ([extra] if extra is not None else [])
        if not subs:
            details.append(field_error(where, "undeclared_field"))
            continue
        if any(sub.get("readOnly") is True for sub in subs):
            if value != current.get(name):
                details.append(field_error(where, "read_only_field"))
            continue
        _value(memo, subs, value, current.get(name), where, details)
    if path:  # a nested object replaces the workflow's own: read-only values it left out are kept
        for name, subs in declared.items():
            if name not in data and name in current and any(sub.get("readOnly") is True for sub in subs):
                data[name] = current[name]


def _value(memo: dict[Any, Any], subs: list[dict[str, Any]], value: Any, current: Any, path: str,
           details: list[dict[str, Any]]) -> None:
    if isinstance(value, dict):
        _object(memo, _merged(memo, subs, "object"), value, current, path, details)
    elif isinstance(value, list):
        items = _merged(memo, subs, "items")
        old = current if isinstance(current, list) else []
        for index, item in enumerate(value):
            _value(memo, [items], item, old[index] if index < len(old) else None, f"{path}.{index}", details)


def _merged(memo: dict[Any, Any], subs: list[dict[str, Any]], part: str) -> dict[str, Any]:
    """One schema standing for several that declare the same field (its object or its array items)."""
    if part == "items":
        subs = [s["items"] for s in subs if isinstance(s.get("items"), dict)]
    if len(subs) <= 1:
        return subs[0] if subs else {}
    key = ("merged", *(id(s) for s in subs))
    found = memo.get(key)
    if found is None:
        found = memo[key] = {"allOf": subs}
    return found


def _declared(memo: dict[Any, Any],
              schema: dict[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any] | None]:
    """The properties an object schema declares (with every subschema declaring each), and the schema of
    any other key when `additionalProperties` is a schema or true (a free-form map); remembered in `memo`."""
    found = memo.get(("declared", id(schema)))
    if found is None:
        declared: dict[str, list[dict[str, Any]]] = {}
        extra: dict[str, Any] | None = None
        for part in _parts(schema, schema):
            for name, sub in (part.get("properties") or {}).items():
                if isinstance(sub, dict):
                    declared.setdefault(name, []).append(sub)
            additional = part.get("additionalProperties")
            if (additional is True or isinstance(additional, dict)) and extra is None:
                extra = additional if isinstance(additional, dict) else FREE
        found = memo[("declared", id(schema))] = (declared, extra)
    return found


def _parts(schema: Any, root: dict[str, Any], depth: int = 0) -> Iterator[dict[str, Any]]:
    """The schema and the subschemas that describe the same object (combinators, conditionals, local refs)."""
    if not isinstance(schema, dict) or depth > 16:
        return
    yield schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for step in ref[2:].split("/"):
            target = target.get(step) if isinstance(target, dict) else None
        yield from _parts(target, root, depth + 1)
    for key in COMBINATORS:
        for sub in schema.get(key) or []:
            yield from _parts(sub, root, depth + 1)
    for key in BRANCHES:
        yield from _parts(schema.get(key), root, depth + 1)


def _flag(memo: dict[Any, Any], schema: dict[str, Any], keyword_: str) -> bool:
    """Whether a keyword appears anywhere in a schema; remembered in `memo`."""
    found = memo.get(("flag", keyword_))
    if found is None:
        found = memo[("flag", keyword_)] = _has(schema, keyword_)
    return bool(found)


def _has(node: Any, keyword_: str) -> bool:
    if isinstance(node, dict):
        return keyword_ in node or any(_has(v, keyword_) for v in node.values())
    if isinstance(node, list):
        return any(_has(v, keyword_) for v in node)
    return False


def reserved_in(schema: dict[str, Any]) -> list[str]:
    """Paths of the properties a form declares under a reserved name (refused at deploy)."""
    found: list[str] = []
    _reserved_walk(schema, schema, "", found, set())
    return found


def _reserved_walk(schema: Any, root: dict[str, Any], path: str, found: list[str], seen: set[int]) -> None:
    if not isinstance(schema, dict) or id(schema) in seen:
        return
    seen.add(id(schema))
    for part in _parts(schema, root):
        for name, sub in (part.get("properties") or {}).items():
            where = f"{path}.{name}" if path else name
            if is_reserved(name, top=not path) and where not in found:
                found.append(where)
            _reserved_walk(sub, root, where, found, seen)
        _reserved_walk(part.get("items"), root, f"{path}[]", found, seen)
