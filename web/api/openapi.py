"""The OpenAPI 3.1 document of `/api/v1`, built from the declared operations and served at `/api/v1/openapi.json`."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app

from web.api import declare, schemas
from web.api.base import bp

RULE_PARAM = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")
ID = {"type": "integer", "minimum": 1, "maximum": schemas.ID_MAX}
TEXT_PARAM = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[A-Za-z0-9_.-]+$"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
STATUS_TEXT = {200: "OK", 201: "Created", 400: "Malformed request, or it does not fit its declared shape",
               401: "Not authenticated", 403: "The caller's roles do not allow it",
               404: "Unknown, or not visible to the caller", 405: "Method not allowed",
               409: "Conflicts with the current state", 413: "Body over the size limit",
               415: "Unsupported media type", 422: "Invalid data",
               429: "Rate limit reached; Retry-After gives the seconds to wait"}


def openapi_path(rule: str) -> str:
    """A Flask rule under the blueprint as an OpenAPI path: `<int:id>` → `{id}`."""
    return RULE_PARAM.sub(r"{\2}", rule)


def error_schema(codes: tuple[str, ...]) -> dict[str, Any]:
    """The house error body with the `code` values one status of one operation can carry."""
    return {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message", "details"], "properties": {
            "code": {"type": "string", "enum": sorted(set(codes))},
            "message": {"type": "string", "description": "In Indonesian, or English with Accept-Language: en."},
            "details": {"type": "array", "items": schemas.ref("ErrorDetail")}}}}}


def _parameters(operation: declare.Operation) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for converter, name in RULE_PARAM.findall(operation.rule):
        schema = operation.path.get(name) or (ID if converter == "int" else TEXT_PARAM)
        found.append({"name": name, "in": "path", "required": True, "schema": schema})
    query = operation.query or {}
    for name, schema in query.get("properties", {}).items():
        entry = {"name": name, "in": "query", "required": name in query.get("required", ()),
                 "schema": {k: v for k, v in schema.items() if k != "description"}}
        if schema.get("description"):
            entry["description"] = schema["description"]
        found.append(entry)
    return found


def _statuses(operation: declare.Operation) -> dict[int, Any]:
    """The declared answers plus those every operation of its kind can give."""
    implied: dict[int, Any] = {}
    if operation.security != "none":
        implied[401] = None
    if operation.body is not None or operation.form is not None:
        implied.update({400: None, 413: None})
    if operation.body is not None or operation.form is not None:
        implied[422] = None
    if operation.query is not None:
        implied[400] = None
    if operation.security != "none" and operation.method in UNSAFE:
        implied[400] = None
    if RULE_PARAM.search(operation.rule):
        implied[404] = None
    if operation.admin:
        implied[403] = None
    declared = {status: tuple(codes) if codes else declare.ERROR_CODES[status]
                for status, codes in operation.responses.items() if status >= 400}
    for status in implied.keys() & declared.keys():  # what every operation of the kind can answer stays
        declared[status] = (*declare.ERROR_CODES[status], *declared[status])
    return {**implied, **operation.responses, **declared}


def _response(operation: declare.Operation, status: int, spec: Any) -> dict[str, Any]:
    if status >= 400:
        codes = tuple(spec) if spec else declare.ERROR_CODES[status]
        if status == 409:
            codes += ("stale",)  # a write that clashes with another at the database
        if status == 400 and operation.security != "none" and operation.method in UNSAFE:
            codes += ("csrf_failed",)
        answer: dict[str, Any] = {"description": STATUS_TEXT.get(status, "Error"),
                                  "content": {"application/json": {"schema": error_schema(codes)}}}
        if status == 401:
            answer["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        if status == 429:
            answer["headers"] = {"Retry-After": {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
        return answer
    media, schema = spec if isinstance(spec, tuple) else ("application/json", spec)
    answer = {"description": STATUS_TEXT.get(status, "OK"), "content": {media: {"schema": schema}}}
    links = operation.links.get(status)
    if links:
        answer["links"] = dict(links)
    return answer


def _operation(operation: declare.Operation) -> dict[str, Any]:
    found: dict[str, Any] = {"operationId": operation.endpoint, "summary": operation.summary,
                             "tags": [operation.tag]}
    if operation.description:
        found["description"] = operation.description
    parameters = _parameters(operation)
    if parameters:
        found["parameters"] = parameters
    if operation.body is not None:
        found["requestBody"] = {"required": operation.body_required,
                                "content": {"application/json": {"schema": operation.body}}}
    elif operation.form is not None:
        found["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": operation.form}}}
    found["responses"] = {str(status): _response(operation, status, spec)
                          for status, spec in sorted(_statuses(operation).items())}
    found["security"] = [] if operation.security == "none" else [{"bearer": []}, {"session": []}]
    return found


def nullable(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` written as 3.1 (JSON Schema) types, all through a document."""
    if isinstance(node, list):
        return [nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: nullable(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def build() -> dict[str, Any]:
    """The whole document, from `declare.OPERATIONS`."""
    paths: dict[str, Any] = {}
    for operation in declare.OPERATIONS:
        paths.setdefault(openapi_path(operation.rule), {})[operation.method.lower()] = _operation(operation)
    return nullable({
        "openapi": "3.1.0",
        "info": {"title": "Senapas API", "version": "1",
                 "description": "KITAPUN SENAPAS workflow: definitions, instances, tasks, documents, complaints. "
                                "Errors: {\"error\": {\"code\", \"message\", \"details\"}}; messages in "
                                "Indonesian, English with Accept-Language: en. A request of the wrong shape "
                                "(a missing field, a wrong type, any query argument out of its schema) is 400; "
                                "values out of bounds, undeclared keys and text holding NUL (U+0000) are 422."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "POST /auth/token"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session",
                        "description": "A browser login; unsafe methods also send X-CSRFToken"}},
            "schemas": {**schemas.SCHEMAS, "ErrorDetail": schemas.ERROR_DETAIL}},
    })


@declare.route(bp, "/openapi.json", "GET", summary="This document", tag="meta", security="none",
               responses={200: {"type": "object", "required": ["openapi", "paths"]}})
def openapi() -> Any:
    """The OpenAPI document (built once per app)."""
    built = current_app.extensions.get("senapas_openapi")
    if built is None:
        built = current_app.extensions["senapas_openapi"] = build()
    return built



