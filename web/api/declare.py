"""Every `/api/v1` operation declared once: route, query and body schemas (checked before the view), answers.

`route` registers the view on the blueprint and keeps an `Operation`; `web.api.openapi` builds the
OpenAPI document from these, so what is validated and what is published cannot drift apart. A query
that misses its schema, or a JSON body of the wrong shape (a missing field, a wrong type), is refused
with 400 `invalid_request` and one detail per problem (`path`, `code`, `params`, `message`); a body
of the right shape whose values are out of bounds, with undeclared keys or with text holding NUL is
422 `invalid_data`. Nothing runs before that, so nothing is stored. The view finds the checked
values in `query()` and `body()`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, g, request
from jsonschema import Draft202012Validator

from engine.definitions import forms
from engine.errors import BadRequest, Forbidden, ValidationFailed, field_error
from web.api.base import json_body
from web.api.schemas import NOT_BLANK
from web.callers import current_actor

# The statuses an error answer can have and the codes each carries unless an operation names its own.
ERROR_CODES: dict[int, tuple[str, ...]] = {
    400: ("invalid_request",), 401: ("not_authenticated",), 403: ("forbidden",), 404: ("not_found",),
    405: ("method_not_allowed",), 409: ("stale",), 413: ("too_large",), 415: ("invalid_request",),
    422: ("invalid_data",), 429: ("rate_limited",),
}
INT_PATTERN = re.compile(r"-?[0-9]{1,30}")
SHAPE = {"required", "wrong_type"}  # field codes of a body of the wrong shape (400)


@dataclass(frozen=True)
class Operation:
    """One declared operation: what it accepts and every answer it can give."""

    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    responses: Mapping[int, Any]
    query: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    body_required: bool = True
    form: dict[str, Any] | None = None
    security: str = "bearer"
    links: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    path: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    blank: Mapping[str, str] = field(default_factory=dict)
    admin: bool = False


OPERATIONS: list[Operation] = []


def route(bp: Blueprint, rule: str, method: str, *, summary: str, tag: str, responses: Mapping[int, Any],
          query: dict[str, Any] | None = None, body: dict[str, Any] | None = None, body_required: bool = True,
          form: dict[str, Any] | None = None, security: str = "bearer",
          links: Mapping[int, Mapping[str, Any]] | None = None, path: Mapping[str, Any] | None = None,
          description: str = "", blank: Mapping[str, str] | None = None, admin: bool = False,
          ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare and register one operation; `responses` maps a status to a schema, a tuple of codes or None.

    `blank` names the error case of a text field that is missing or blank (default `text_required`);
    `admin` refuses everyone else (403) before the request is looked at.
    """
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        operation = Operation(rule=rule, method=method.upper(), endpoint=view.__name__, summary=summary, tag=tag,
                              responses=responses, query=query, body=body, body_required=body_required, form=form,
                              security=security, links=links or {}, path=path or {}, description=description,
                              blank=blank or {}, admin=admin)
        checkers = (_checker(query), _checker(body))

        @functools.wraps(view)
        def checked(**kwargs: Any) -> Any:
            if operation.admin and "admin" not in current_actor().roles:
                raise Forbidden("admins_only")
            g.api_query = _check_query(operation, checkers[0])
            g.api_body = _check_body(operation, checkers[1])
            return view(**kwargs)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=checked, methods=[operation.method])
        OPERATIONS.append(operation)
        return checked
    return decorate


def query() -> dict[str, Any]:
    """The checked query arguments of this request (declared ones only, typed)."""
    return dict(g.get("api_query") or {})


def body() -> dict[str, Any]:
    """The checked JSON body of this request ({} when none was declared or sent)."""
    return dict(g.get("api_body") or {})


def _checker(schema: dict[str, Any] | None) -> Draft202012Validator | None:
    if schema is None:
        return None
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _check_query(operation: Operation, checker: Draft202012Validator | None) -> dict[str, Any]:
    if operation.query is None or checker is None:
        return {}
    properties = operation.query.get("properties", {})
    values = {name: _typed(request.args.get(name, ""), schema) for name, schema in properties.items()
              if name in request.args}
    _refuse(checker, values, operation.blank, data=False)
    return values


def _typed(raw: str, schema: Mapping[str, Any]) -> Any:
    """A query argument as the type its schema declares (left as text when it is not one)."""
    kind = schema.get("type")
    if kind == "integer" and INT_PATTERN.fullmatch(raw):
        return int(raw)
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def _check_body(operation: Operation, checker: Draft202012Validator | None) -> dict[str, Any]:
    if operation.form is not None:
        _refuse_nul({key: " ".join(request.form.getlist(key)) for key in request.form})
    if operation.body is None or checker is None:
        return {}
    data = json_body(required=operation.body_required)
    _refuse_nul(data)
    _refuse(checker, data, operation.blank)
    return data


def _refuse_nul(values: Any) -> None:
    """No text of a body holds NUL (U+0000): PostgreSQL cannot store it, SQLite cuts the text there (422)."""
    found: list[dict[str, Any]] = []
    stack: list[tuple[str, Any]] = [("", values)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and "\x00" in value:
            found.append(field_error(path, "nul_character"))
        elif isinstance(value, dict):
            for key, item in value.items():
                named = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    found.append(field_error(named, "nul_character"))
                stack.append((named, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value))
    if found:
        raise ValidationFailed("form_invalid", details=sorted(found, key=lambda d: d["path"]))


def _refuse(checker: Draft202012Validator, values: Any, blank: Mapping[str, str], *, data: bool = True) -> None:
    """Refuse values that miss their schema, one detail per problem.

    A wrong shape (a missing field, a wrong type) and any query argument that misses is a
    400 `invalid_request`; a missing or blank text names its field (`text_required` or the case in
    `blank`). A body of the right shape with values out of bounds or undeclared keys is a 422 `invalid_data`.
    """
    try:
        errors = sorted(checker.iter_errors(values), key=lambda e: [str(p) for p in e.absolute_path])
    except RecursionError as exc:
        raise BadRequest("body_too_deep") from exc
    if not errors:
        return
    details = list(forms.field_errors(errors))
    first = details[0]
    properties = checker.schema.get("properties", {})
    declared = properties.get(first["path"], {}) if "." not in first["path"] else {}
    if first["path"] in blank and (first["code"] in SHAPE or declared.get("pattern") == NOT_BLANK):
        raise BadRequest(blank[first["path"]], details=details)
    if declared.get("type") == "string" and (first["code"] in SHAPE or declared.get("pattern") == NOT_BLANK):
        raise BadRequest("text_required", field=first["path"], details=details)
    if not data and first["code"] == "not_a_choice" and "enum" in declared:
        raise BadRequest("choice_required", field=first["path"], choices=declared["enum"], details=details)
    if not data or any(detail["code"] in SHAPE for detail in details):
        raise BadRequest("request_shape", details=details)
    raise ValidationFailed("form_invalid", details=details)
