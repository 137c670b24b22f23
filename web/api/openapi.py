"""The OpenAPI 3.0 description of every `/api/v1` path, served at `/api/v1/openapi.json`."""

from __future__ import annotations

from typing import Any

from web import error_texts
from web.api.base import bp


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _list_of(name: str) -> dict[str, Any]:
    return {"type": "object", "required": ["items", "total"],
            "properties": {"items": {"type": "array", "items": _ref(name)}, "total": {"type": "integer"},
                           "page": {"type": "integer"}, "per_page": {"type": "integer"}}}


ERRORS = {code: {"$ref": f"#/components/responses/{name}"} for code, name in (
    ("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"),
    ("409", "Conflict"), ("413", "TooLarge"), ("422", "Invalid"), ("429", "RateLimited"))}


def _op(summary: str, responses: dict[str, Any], *, errors: tuple[str, ...] = ("401",), body: Any = None,
        params: list[dict[str, Any]] | None = None, public: bool = False, tag: str = "") -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {**responses, **{c: ERRORS[c] for c in errors}}}
    if tag:
        op["tags"] = [tag]
    if body is not None:
        op["requestBody"] = {"required": True, "content": body}
    if params:
        op["parameters"] = params
    if public:
        op["security"] = []
    return op


def _path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PAGING = [_query("page", {"type": "integer", "minimum": 1, "default": 1}),
          _query("per_page", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50})]
TASK_ID = [_path("task_id")]
INSTANCE_ID = [_path("instance_id", {"type": "integer"})]


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"application/json": {"schema": {"type": "object", "required": required, "properties": properties}}}


REASON = _body({"reason": {"type": "string"}}, ["reason"])
TEAM: dict[str, Any] = {"type": "array", "description": "the visit team the task is for (the lead holds it); "
                                                        "empty for a task without a team",
                        "items": {"type": "object", "properties": {"username": {"type": "string"},
                                                                   "name": {"type": "string"}}}}
ACCOUNT_FIELDS: dict[str, Any] = {
    "username": {"type": "string"}, "name": {"type": "string"},
    "roles": {"type": "array", "items": {"type": "string", "enum": ["kabid", "subkoor", "petugas", "mitra",
                                                                     "pustakawan", "admin"]}},
    "email": {"type": "string"}, "nip": {"type": "string", "description": "18 digits"},
    "rank": {"type": "string"}, "position": {"type": "string"},
    "library_id": {"type": "integer", "nullable": True, "description": "a pustakawan's library"},
    "institution": {"type": "string", "description": "a mitra's institution key (setting `institutions`)"}}
AFFILIATION: dict[str, Any] = {
    "library": {"type": "object", "nullable": True, "properties": {"id": {"type": "integer"},
                                                                  "name": {"type": "string"}}},
    "institution": {"type": "object", "nullable": True, "properties": {"key": {"type": "string"},
                                                                      "name": {"type": "string"}}}}
DATA = _body({"data": {"type": "object"}}, ["data"])
ISO = {"type": "string", "format": "date-time", "nullable": True}
SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "properties": {"error": {"type": "object", "required": ["code", "message", "details"],
              "properties": {
                  "code": {"type": "string", "enum": list(error_texts.CODES),
                           "description": "Stable identifier to branch on; never derived from the message."},
                  "message": {"type": "string", "description": "In Indonesian or English by Accept-Language."},
                  "details": {"type": "array", "items": {"type": "object", "properties": {
                      "path": {"type": "string"}, "message": {"type": "string"},
                      "code": {"type": "string", "enum": sorted({*error_texts.FIELDS, *error_texts.PROBLEMS,
                                                                 *error_texts.CASES})},
                      "params": {"type": "object", "description": "The values the message names."},
                      "file": {"type": "string"},
                      "line": {"type": "integer", "nullable": True},
                      "element": {"type": "string", "nullable": True}}}}}}}},
    "User": {"type": "object", "properties": {"username": {"type": "string"}, "name": {"type": "string"},
                                              "roles": {"type": "array", "items": {"type": "string"}}}},
    "Me": {"type": "object", "required": ["username", "name", "roles", "email", "library", "institution"],
           "properties": {"username": {"type": "string"}, "name": {"type": "string"},
                          "roles": {"type": "array", "items": {"type": "string"}},
                          "email": {"type": "string", "nullable": True}, **AFFILIATION}},
    "Account": {"type": "object", "properties": {
        "username": {"type": "string"}, "name": {"type": "string"},
        "roles": {"type": "array", "items": {"type": "string"}}, "email": {"type": "string", "nullable": True},
        "nip": {"type": "string"}, "rank": {"type": "string"}, "position": {"type": "string"}, **AFFILIATION,
        "active": {"type": "boolean"}, "must_change_password": {"type": "boolean"}, "created_at": ISO}},
    "Definition": {"type": "object", "properties": {
        "key": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"},
        "hash": {"type": "string"}, "deployed_at": ISO, "latest": {"type": "boolean"},
        "status": {"type": "string", "enum": ["draft", "current", "available", "retired"]}, "note": {"type": "string"},
        "offer_activate": {"type": "boolean", "description": "identical to an older version that can be activated"},
        "warnings": {"type": "array", "items": _ref("Finding"),
                     "description": "after a deploy: what did not block it"}}},
    "Finding": {"type": "object", "required": ["file", "line", "element", "code", "message"], "properties": {
        "file": {"type": "string"}, "line": {"type": "integer", "nullable": True},
        "element": {"type": "string", "nullable": True}, "code": {"type": "string"}, "message": {"type": "string"},
        "params": {"type": "object"}}},
    "Version": {"type": "object", "properties": {
        "version": {"type": "integer"}, "hash": {"type": "string"},
        "status": {"type": "string", "enum": ["draft", "current", "available", "retired"]}, "note": {"type": "string"},
        "deployed_by": {"type": "string"}, "deployed_at": ISO, "instances": {"type": "object", "properties": {
            "running": {"type": "integer"}, "completed": {"type": "integer"}}}}},
    "DiffElement": {"type": "object", "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"},
        "process": {"type": "string", "description": "process id, or decision id for a DMN rule"},
        "fields": {"type": "array", "items": {"type": "string"}, "description": "what changed"}}},
    "Diff": {"type": "object", "properties": {
        "from": {"type": "integer"}, "to": {"type": "integer"},
        "added": {"type": "array", "items": _ref("DiffElement")},
        "removed": {"type": "array", "items": _ref("DiffElement")},
        "changed": {"type": "array", "items": _ref("DiffElement")},
        "forms": {"type": "array", "items": {"type": "object", "properties": {
            "form": {"type": "string"}, "added": {"type": "array", "items": {"type": "string"}},
            "removed": {"type": "array", "items": {"type": "string"}},
            "changed": {"type": "array", "items": {"type": "string"}}}}},
        "files": {"type": "object", "description": "bundle files added, removed and changed"}}},
    "MigrationPlan": {"type": "object", "properties": {
        "instance_id": {"type": "integer"}, "from_version": {"type": "integer"}, "to_version": {"type": "integer"},
        "migratable": {"type": "boolean"},
        "problems": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "element": {"type": "string", "nullable": True},
            "params": {"type": "object"}, "message": {"type": "string"}}}},
        "changes": {"type": "array", "items": {"type": "object", "properties": {
            "element": {"type": "string"}, "process": {"type": "string"},
            "change": {"type": "string", "enum": ["changed", "removed"]},
            "fields": {"type": "array", "items": {"type": "string"}}}}}}},
    "Task": {"type": "object", "properties": {
        "team": TEAM,
        "id": {"type": "string"}, "instance_id": {"type": "integer"}, "definition": {"type": "string"},
        "name": {"type": "string", "description": "BPMN id"}, "title": {"type": "string"},
        "lane": {"type": "string", "nullable": True}, "status": {"type": "string", "enum": ["open", "completed",
                                                                                          "cancelled"]},
        "assignee": {"type": "string", "nullable": True}, "created_at": ISO, "due_at": ISO,
        "item": {"type": "string", "nullable": True, "description": "the library (multi-instance item) it is for"},
        "item_key": {"type": "string", "nullable": True, "description": "that item's key (library id)"},
        "completed_at": ISO, "completed_by": {"type": "string", "nullable": True},
        "library_id": {"type": "integer", "nullable": True, "description": "the registered library it is for"},
        "instance_title": {"type": "string", "description": "its instance's (cycle's) title; in lists"},
        "library_name": {"type": "string", "nullable": True, "description": "its library's name; in lists"},
        "kecamatan": {"type": "string", "nullable": True, "description": "its library's kecamatan; in lists"}}},
    "TaskDetail": {"allOf": [_ref("Task"), {"type": "object", "properties": {
        "form": {"type": "object", "nullable": True, "properties": {"schema": {"type": "object"},
                                                                     "ui_schema": {"type": "object"}}},
        "data": {"type": "object"}, "instructions": {"type": "string"},
        "draft_saved": {"type": "object", "nullable": True, "description": "who saved the draft in `data`, and when",
                        "properties": {"by": {"type": "string"}, "at": ISO}},
        "documents": {"type": "array", "items": _ref("Document"),
                      "description": "the instance's documents that concern this task, its own first"},
        "note": {"type": "string", "nullable": True,
                 "description": "the note shown above the form (the partners' correction of a letter)"},
        "self_assessment": {"type": "object", "nullable": True,
                            "description": "the library's own answers to the instrument, beside a monev form",
                            "properties": {"task_id": {"type": "string"}, "completed_by": {"type": "string"},
                                           "completed_at": ISO, "instrument": {"type": "string"},
                                           "answers": {"type": "array", "items": {"type": "object", "properties": {
                                               "component": {"type": "string"}, "indicator": {"type": "string"},
                                               "answer": {"type": "string"}, "option": {"type": "string"}}}}}}}}]},
    "Instance": {"type": "object", "properties": {
        "id": {"type": "integer"}, "definition": {"type": "string"}, "version": {"type": "integer"},
        "status": {"type": "string", "enum": ["running", "suspended", "completed", "cancelled", "error"]},
        "title": {"type": "string"}, "started_by": {"type": "string"}, "started_at": ISO, "ended_at": ISO,
        "open_tasks": {"type": "integer"}}},
    "Event": {"type": "object", "properties": {"at": ISO, "actor": {"type": "string"},
                                               "action": {"type": "string"},
                                               "task": {"type": "string", "nullable": True},
                                               "details": {"type": "object"}}},
    "Document": {"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string"},
                                                  "title": {"type": "string"},
                                                  "number": {"type": "string", "nullable": True},
                                                  "created_at": ISO,
                                                  "replaced_by": {"type": "integer", "nullable": True,
                                                                  "description": "the document issued in its place "
                                                                                 "(\"diganti\")"}}},
    "IssuedDocument": {"allOf": [_ref("Document"), {"type": "object", "properties": {
        "date": {"type": "string", "format": "date"}, "number_pending": {"type": "boolean"}}}]},
    "InstanceDetail": {"allOf": [_ref("Instance"), {"type": "object", "properties": {
        "tasks": {"type": "array", "items": _ref("Task")}, "history": {"type": "array", "items": _ref("Event")},
        "documents": {"type": "array", "items": _ref("Document")}, "data": {"type": "object"}}}]},
    "Library": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "npp": {"type": "string", "nullable": True},
        "library_type": {"type": "string"}, "kecamatan": {"type": "string"},
        "accreditation_grade": {"type": "string"}, "results": {"type": "array", "items": {"type": "object"}},
        "documents": {"type": "array", "description": "letters about the library the caller may open",
                      "items": {"type": "object", "properties": {
                          "id": {"type": "integer"}, "kind": {"type": "string"}, "title": {"type": "string"},
                          "number": {"type": "string", "nullable": True}, "created_at": ISO}}}}},
    "Dashboard": {"type": "object", "description": "The supervisors' overview; due times are counted in the "
                                                   "office's working hours when a task is created.", "properties": {
        "as_of": ISO,
        "tasks": {"type": "object", "properties": {k: {"type": "integer"} for k in (
            "open", "overdue", "due_today", "unclaimed")}},
        "sla": {"type": "object", "properties": {
            "period_days": {"type": "integer"}, "completed": {"type": "integer"}, "within": {"type": "integer"},
            "rate": {"type": "number", "nullable": True}}},
        "workload": {"type": "array", "items": {"type": "object", "properties": {
            "username": {"type": "string"}, "name": {"type": "string"}, "open": {"type": "integer"},
            "overdue": {"type": "integer"}, "completed_30d": {"type": "integer"}}}},
        "cycles": {"type": "array", "items": {"type": "object", "properties": {
            "instance_id": {"type": "integer"}, "title": {"type": "string"}, "status": {"type": "string"},
            "libraries": {"type": "array", "items": {"type": "object", "properties": {
                "library_id": {"type": "integer"}, "name": {"type": "string"}, "kecamatan": {"type": "string"},
                "stage": {"type": "string", "enum": ["monev", "selection", "coaching", "accreditation"]},
                "overdue": {"type": "boolean"},
                "stages": {"type": "object", "description": "per stage: '', open, overdue, done or skipped",
                           "additionalProperties": {"type": "string"}},
                "officer": {"type": "string", "nullable": True}, "due_at": ISO}}}}}},
        "cycles_running": {"type": "integer"}}},
    "Completion": {"type": "object", "properties": {
        "instance": {"type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}},
        "next_tasks": {"type": "array", "items": _ref("Task")}, "incident": {"type": "string"}}},
    "Notification": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string",
                                            "enum": ["assigned", "due_soon", "overdue", "suspended", "cancelled"]},
        "text": {"type": "string"}, "task_id": {"type": "string", "nullable": True},
        "instance_id": {"type": "integer", "nullable": True}, "created_at": ISO,
        "read_at": {**ISO, "nullable": True}}},
    "ComplaintStatus": {"type": "object", "properties": {
        "reference": {"type": "string"}, "status": {"type": "string",
                                                    "enum": ["received", "in_handling", "answered", "closed"]},
        "received_at": ISO, "steps": {"type": "array", "items": {"type": "object", "properties": {
            "title": {"type": "string"}, "done_at": {**ISO, "nullable": True}}}},
        "reply": {"type": "string", "nullable": True}}},
}
RESPONSES = {name: {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}
             for name, text in (("BadRequest", "malformed request"), ("Unauthorized", "not authenticated"),
                                ("Forbidden", "not allowed"), ("NotFound", "unknown or not visible"),
                                ("Conflict", "stale, already done, or claimed by another"),
                                ("TooLarge", "body over the size limit"), ("Invalid", "invalid data"),
                                ("RateLimited", "rate limit reached; Retry-After gives the seconds to wait"))}

PATHS: dict[str, Any] = {
    "/auth/token": {
        "post": _op("Issue a bearer token", {"200": _json({"type": "object", "properties": {
            "token": {"type": "string"}, "user": _ref("User")}})}, errors=("400", "401", "429"), public=True,
            body=_body({"username": {"type": "string"}, "password": {"type": "string"}}, ["username", "password"]),
            tag="auth"),
        "delete": _op("Revoke the token of this request", {"200": _json({"type": "object"})}, tag="auth")},
    "/me": {"get": _op("The caller, with the library or institution they belong to", {"200": _json(_ref("Me"))},
                       tag="auth")},
    "/users": {
        "get": _op("People (admin)", {"200": _json(_list_of("Account"))}, errors=("400", "401", "403"), tag="users",
                   params=[_query("q", {"type": "string"}, "username, name or email"),
                           _query("role", {"type": "string"}), _query("active", {"type": "boolean"}), *PAGING]),
        "post": _op("Add a person (admin); the answer carries the generated password, once",
                    {"201": _json({"allOf": [_ref("Account"), {"type": "object", "properties": {
                        "password": {"type": "string"}}}]})}, errors=("400", "401", "403", "422"), tag="users",
                    body=_body(ACCOUNT_FIELDS, ["username", "name", "roles"]))},
    "/users/{username}": {
        "get": _op("One person (admin)", {"200": _json(_ref("Account"))}, errors=("401", "403", "404"),
                   params=[_path("username")], tag="users"),
        "patch": _op("Change the fields sent (admin); audited with old and new values",
                     {"200": _json({"allOf": [_ref("Account"), {"type": "object", "properties": {
                         "changes": {"type": "object"}}}]})}, errors=("400", "401", "403", "404", "422"),
                     params=[_path("username")], tag="users",
                     body=_body({k: v for k, v in ACCOUNT_FIELDS.items() if k != "username"}, []))},
    "/users/{username}/deactivate": {
        "post": _op("Deactivate (admin): login refused, sessions and tokens end", {"200": _json(_ref("Account"))},
                    errors=("400", "401", "403", "404", "422"), params=[_path("username")], tag="users",
                    body=_body({"reason": {"type": "string"}}, []))},
    "/users/{username}/activate": {
        "post": _op("Reactivate (admin)", {"200": _json(_ref("Account"))}, errors=("400", "401", "403", "404"),
                    params=[_path("username")], tag="users")},
    "/settings": {
        "get": _op("The agency settings (admin); the emblem as its hash", {"200": _json({"type": "object"})},
                   errors=("401", "403"), tag="settings")},
    "/settings/{section}": {
        "put": _op("Replace one section of the settings (admin), all or nothing; audited",
                   {"200": _json({"type": "object", "properties": {
                       "changed": {"type": "array", "items": {"type": "string"}}, "settings": {"type": "object"}}})},
                   errors=("400", "401", "403", "422"), tag="settings",
                   params=[_path("section", {"type": "string", "enum": ["letterhead", "signatories", "grade_bands",
                                                                        "calendar", "letter_texts"]})],
                   body=_body({}, []))},
    "/settings/emblem": {
        "put": _op("Upload the regency emblem (admin): PNG or JPEG, at most 512 KB, decoded and stored as PNG",
                   {"200": _json({"type": "object", "properties": {"sha256": {"type": "string"}}})},
                   errors=("400", "401", "403", "413", "422"), tag="settings",
                   body={"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                       "file": {"type": "string", "format": "binary"}}}}}),
        "delete": _op("Print letters without an emblem (admin)", {"200": _json({"type": "object"})},
                      errors=("401", "403"), tag="settings")},
    "/users/{username}/password": {
        "post": _op("Reset the password (admin): a generated one, returned once, replaced at the next login",
                    {"200": _json({"type": "object", "properties": {
                        "username": {"type": "string"}, "password": {"type": "string"},
                        "must_change_password": {"type": "boolean"}}})},
                    errors=("401", "403", "404", "422"), params=[_path("username")], tag="users")},
    "/me/password": {"post": _op(
        "Change the caller's password; every session and token of the caller ends",
        {"200": _json({"type": "object", "properties": {"changed": {"type": "boolean"}}})},
        errors=("400", "401", "422", "429"), tag="auth",
        body=_body({"current_password": {"type": "string"}, "new_password": {"type": "string"}},
                   ["current_password", "new_password"]))},
    "/definitions": {
        "get": _op("Definition versions", {"200": _json(_list_of("Definition"))}, tag="definitions"),
        "post": _op("Deploy a bundle (admin): one .bpmn, several files (repeated `file`) or one .zip",
                    {"201": _json(_ref("Definition"), "new version"),
                     "200": _json(_ref("Definition"), "identical to an existing version")},
                    errors=("400", "401", "403", "413", "422"), tag="definitions",
                    body={"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "note": {"type": "string", "maxLength": 2000},
                        "draft": {"type": "boolean", "default": False}}}}})},
    "/definitions/{key}/versions": {
        "get": _op("Every version of a key with its status and instances (admin)", {"200": _json(_list_of("Version"))},
                   errors=("401", "403", "404"), params=[_path("key")], tag="definitions")},
    "/definitions/validate": {
        "post": _op("Check an upload as a deploy would; store nothing (admin)", {"200": _json({
            "type": "object", "required": ["errors", "warnings"], "properties": {
                "errors": {"type": "array", "items": _ref("Finding")},
                "warnings": {"type": "array", "items": _ref("Finding")}}})},
                    errors=("400", "401", "403", "413"), tag="definitions",
                    body={"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}})},
    "/definitions/{key}/versions/{version}/bpmn": {
        "get": _op("The XML of a version (admin)", {"200": {
            "description": "BPMN XML", "content": {"application/xml": {"schema": {"type": "string"}}}}},
                   errors=("401", "403", "404"), params=[_path("key"), _path("version", {"type": "integer"})],
                   tag="definitions")},
    "/definitions/{key}/versions/{version}/bundle": {
        "get": _op("The whole bundle of a version as a zip (admin)", {"200": {
            "description": "zip", "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}},
                   errors=("401", "403", "404"), params=[_path("key"), _path("version", {"type": "integer"})],
                   tag="definitions")},
    "/definitions/{key}/versions/{version}/activate": {
        "post": _op("Make a version current (also the rollback; admin, audited)", {"200": _json(_ref("Version"))},
                    errors=("400", "401", "403", "404", "409"), tag="definitions",
                    params=[_path("key"), _path("version", {"type": "integer"})],
                    body=_body({"reason": {"type": "string"}}, []))},
    "/definitions/{key}/versions/{version}/retire": {
        "post": _op("Retire a version: no new starts, running instances go on (admin, audited)",
                    {"200": _json(_ref("Version"))}, errors=("400", "401", "403", "404", "409"), tag="definitions",
                    params=[_path("key"), _path("version", {"type": "integer"})],
                    body=_body({"reason": {"type": "string"}}, []))},
    "/definitions/{key}/diff": {
        "get": _op("What changed between two versions (admin)", {"200": _json(_ref("Diff"))},
                   errors=("400", "401", "403", "404"), tag="definitions",
                   params=[_path("key"), {**_query("from", {"type": "integer"}), "required": True},
                           {**_query("to", {"type": "integer"}), "required": True}])},
    "/definitions/{key}/diff.svg": {
        "get": _op("The `to` diagram with added, changed and removed elements marked (admin)", {"200": {
            "description": "SVG", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}},
                   errors=("400", "401", "403", "404"), tag="definitions",
                   params=[_path("key"), {**_query("from", {"type": "integer"}), "required": True},
                           {**_query("to", {"type": "integer"}), "required": True}])},
    "/definitions/{key}/migrate": {
        "post": _op("Dry-run or migrate every running, suspended or stopped instance of a version (admin)",
                    {"200": _json({"type": "object", "properties": {
                        "migrated": {"type": "array", "items": {"type": "integer"}},
                        "migratable": {"type": "array", "items": {"type": "integer"}},
                        "blocked": {"type": "array", "items": {"type": "object", "properties": {
                            "id": {"type": "integer"},
                            "problems": {"type": "array", "items": {"type": "object"}}}}}}})},
                    errors=("400", "401", "403", "404", "409"), tag="migration", params=[_path("key")],
                    body=_body({"from_version": {"type": "integer"}, "to_version": {"type": "integer"},
                                "dry_run": {"type": "boolean", "default": False}, "reason": {"type": "string"}},
                               ["from_version", "to_version"]))},
    "/instances/{instance_id}/migrate": {
        "post": _op("Dry-run or migrate one instance to another version (admin); blocked: 409 with the problems",
                    {"200": _json(_ref("MigrationPlan"))}, errors=("400", "401", "403", "404", "409"),
                    tag="migration", params=INSTANCE_ID,
                    body=_body({"to_version": {"type": "integer"}, "dry_run": {"type": "boolean", "default": False},
                                "reason": {"type": "string"}}, ["to_version"]))},
    "/definitions/{key}/versions/{version}/test": {
        "post": _op("Run the process's scenario tests in memory against a version (admin); nothing is stored",
                    {"200": _json({"type": "object", "required": ["passed", "failed"], "properties": {
                        "passed": {"type": "integer"},
                        "failed": {"type": "array", "items": {"type": "object", "properties": {
                            "test": {"type": "string"},
                            "step": {"type": "integer", "description": "0 = start, n + 1 = end state"},
                            "code": {"type": "string"}, "params": {"type": "object"},
                            "message": {"type": "string"}}}}}})},
                    errors=("401", "403", "404"), params=[_path("key"), _path("version", {"type": "integer"})],
                    tag="definitions")},
    "/instances": {
        "get": _op("Instances I may see", {"200": _json(_list_of("Instance"))}, errors=("400", "401"),
                   params=[_query("definition", {"type": "string"}), _query("status", {"type": "string"}),
                           _query("q", {"type": "string"}, "searches business data"), *PAGING], tag="instances"),
        "post": _op("Start an instance", {"201": _json(_ref("InstanceDetail"))},
                    errors=("400", "401", "403", "404", "413"), tag="instances",
                    body=_body({"definition": {"type": "string"}, "data": {"type": "object"},
                                "title": {"type": "string", "maxLength": 300}}, ["definition"]))},
    "/instances/{instance_id}": {
        "get": _op("One instance", {"200": _json(_ref("InstanceDetail"))}, errors=("401", "404"),
                   params=INSTANCE_ID, tag="instances")},
    "/instances/{instance_id}/scenario": {
        "post": _op("Write a scenario test from the instance's path (admin), rehearsed on its version first: "
                    "saved as a new draft version with tests/<name>.json (201), or the file itself (download); "
                    "a path the version does not retrace: 409 scenario_not_reproduced with the step in details",
                    {"201": _json({"type": "object", "properties": {
                        "path": {"type": "string"}, "scenario": {"type": "object"},
                        "definition": _ref("Definition")}}),
                     "200": {"description": "the scenario file (save = download)", "content": {
                         "application/json": {"schema": {"type": "object"}}}}},
                    errors=("400", "401", "403", "404", "409", "413"), params=INSTANCE_ID, tag="instances",
                    body=_body({"name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$",
                                         "description": "file name in the bundle's tests/ (without .json)"},
                                "save": {"type": "string", "enum": ["draft", "download"], "default": "draft"},
                                "title": {"type": "string", "description": "the scenario's name; "
                                                                           "the instance's title when empty"},
                                "note": {"type": "string", "description": "change note of the draft and "
                                                                          "description of the scenario"}},
                               ["name"]))},
    "/instances/{instance_id}/diagram.svg": {
        "get": _op("The diagram", {"200": {"description": "SVG", "content": {"image/svg+xml": {
            "schema": {"type": "string"}}}}}, errors=("401", "404"), params=INSTANCE_ID, tag="instances")},
    **{f"/instances/{{instance_id}}/{action}": {
        "post": _op(f"{action.capitalize()} an instance (supervisors)", {"200": _json(_ref("Instance"))},
                    errors=("400", "401", "403", "404", "409"), params=INSTANCE_ID, body=REASON, tag="instances")}
       for action in ("suspend", "resume", "cancel", "retry")},
    **{f"/instances/{{instance_id}}/visits/{{library_id}}/{change}": {
        "post": _op(summary, {"200": _json(_ref("InstanceDetail"))}, errors=("400", "401", "403", "404", "409", "422"),
                    params=[*INSTANCE_ID, _path("library_id", {"type": "integer"})], tag="instances",
                    body=_body(fields, ["reason", *(["visit_date"] if change == "reschedule" else [])]))}
       for change, summary, fields in (
           ("withdraw", "Withdraw a library from the cycle: its open visit ends, its track ends without a result "
                        "(supervisors)", {"reason": {"type": "string", "maxLength": 4000}}),
           ("reschedule", "Reschedule a library's open visit: a new date and optionally a new team, with a new "
                          "surat tugas replacing the old one (supervisors)",
            {"reason": {"type": "string", "maxLength": 4000}, "visit_date": {"type": "string", "format": "date"},
             "officer": {"type": "string", "description": "the new lead (username of someone who may visit)"},
             "members": {"type": "array", "items": {"type": "string"},
                         "description": "the new team's other members; only with `officer`"}}))},
    "/tasks": {
        "get": _op("Task list", {"200": _json(_list_of("Task"))}, errors=("400", "401", "403"), tag="tasks",
                   params=[_query("scope", {"type": "string", "enum": ["inbox", "queue", "archive", "all"]},
                                  "all: every open task (supervisors; others get 403)"),
                           _query("q", {"type": "string", "maxLength": 200},
                                  "searches the task title, the instance title and the library name"),
                           _query("instance_id", {"type": "integer", "minimum": 1}),
                           _query("library_id", {"type": "integer", "minimum": 1}),
                           _query("kecamatan", {"type": "string"}, "the library's kecamatan"),
                           _query("overdue", {"type": "boolean"},
                                  "true: open tasks past their due time (archive: completed after it)"),
                           _query("due", {"type": "string", "enum": ["today", "week", "none"]},
                                  "due today or within 7 days (WIB calendar days), or without a due time"),
                           _query("sort", {"type": "string", "enum": ["due_at", "-due_at", "created_at",
                                                                      "-created_at"]}), *PAGING])},
    "/tasks/{task_id}": {
        "get": _op("One task with its form", {"200": _json(_ref("TaskDetail"))}, errors=("401", "404"),
                   params=TASK_ID, tag="tasks")},
    "/tasks/{task_id}/claim": {
        "post": _op("Claim", {"200": _json(_ref("Task"))}, errors=("401", "403", "404", "409"), params=TASK_ID,
                    tag="tasks")},
    "/tasks/{task_id}/unclaim": {
        "post": _op("Unclaim", {"200": _json(_ref("Task"))}, errors=("401", "403", "404", "409"), params=TASK_ID,
                    tag="tasks")},
    "/tasks/{task_id}/draft": {
        "post": _op("Save a draft", {"200": _json(_ref("Task"))}, errors=("400", "401", "403", "404", "409", "413"),
                    params=TASK_ID, body=DATA, tag="tasks")},
    "/tasks/{task_id}/complete": {
        "post": _op("Complete", {"200": _json(_ref("Completion"))},
                    errors=("400", "401", "403", "404", "409", "413", "422"), params=TASK_ID, body=DATA, tag="tasks")},
    "/tasks/{task_id}/assign": {
        "post": _op("Reassign (supervisors)", {"200": _json(_ref("Task"))},
                    errors=("400", "401", "403", "404", "409"), params=TASK_ID, tag="tasks",
                    body=_body({"username": {"type": "string"}, "reason": {"type": "string"}},
                               ["username", "reason"]))},
    "/tasks/{task_id}/comment": {
        "post": _op("Comment", {"201": _json({"type": "object"})}, errors=("400", "401", "404"), params=TASK_ID,
                    body=_body({"text": {"type": "string"}}, ["text"]), tag="tasks")},
    "/documents/{document_id}": {
        "get": _op("Download a document", {"200": {"description": "the file", "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}, errors=("401", "404"),
            params=[_path("document_id", {"type": "integer"})], tag="documents")},
    "/documents/{document_id}/date": {
        "put": _op("Date a letter whose number is not issued yet (kabid, subkoor, admin)",
                   {"200": _json(_ref("IssuedDocument"))}, errors=("400", "401", "403", "404", "409", "422"),
                   params=[_path("document_id", {"type": "integer"})], tag="documents",
                   body=_body({"date": {"type": "string", "format": "date"}}, ["date"]))},
    "/documents/{document_id}/number": {
        "post": _op("Issue a letter's number: the register's next, or one from the agency's external register",
                    {"200": _json(_ref("IssuedDocument"))}, errors=("400", "401", "403", "404", "409", "422"),
                    params=[_path("document_id", {"type": "integer"})], tag="documents",
                    body=_body({"number": {"type": "string", "maxLength": 100},
                                "reason": {"type": "string", "maxLength": 500}}, []))},
    "/instances/{instance_id}/monev.csv": {
        "get": _op("A cycle's monev results as CSV", {"200": {"description": "the file", "content": {
            "text/csv": {"schema": {"type": "string"}}}}}, errors=("401", "404"),
            params=[_path("instance_id", {"type": "integer"})], tag="documents")},
    "/instances/{instance_id}/monev.xlsx": {
        "get": _op("A cycle's monev results as an Excel workbook", {"200": {"description": "the file", "content": {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}}}}}, errors=("401", "404"),
            params=[_path("instance_id", {"type": "integer"})], tag="documents")},
    "/instances.csv": {
        "get": _op("The instance list as CSV (same filters as /instances)", {"200": {"description": "the file",
                   "content": {"text/csv": {"schema": {"type": "string"}}}}}, errors=("400", "401"),
                   params=[_query("definition", {"type": "string"}), _query("status", {"type": "string"}),
                           _query("q", {"type": "string"})], tag="documents")},
    "/libraries": {
        "get": _op("The library registry", {"200": _json(_list_of("Library"))}, errors=("400", "401"),
                   params=[_query("q", {"type": "string"}), _query("kecamatan", {"type": "string"}),
                           _query("library_type", {"type": "string"}), *PAGING], tag="libraries")},
    "/libraries/{library_id}": {
        "get": _op("One library with its monev and accreditation results", {"200": _json(_ref("Library"))},
                   errors=("401", "404"), params=[_path("library_id", {"type": "integer"})], tag="libraries")},
    "/public/complaints": {
        "post": _op("Send a complaint (no login)", {"201": _json({"type": "object", "properties": {
            "reference": {"type": "string"}}})}, errors=("400", "413", "422", "429"), public=True, tag="public",
            body=_body({k: {"type": "string"} for k in ("name", "contact", "channel", "message")},
                       ["name", "contact", "channel", "message"]))},
    "/dashboard": {
        "get": _op("The supervisors' overview: open, overdue and due-today tasks, SLA, workload, running cycles",
                   {"200": _json(_ref("Dashboard"))}, errors=("401", "403"), tag="oversight")},
    "/dashboard.csv": {
        "get": _op("The overview's numbers as CSV", {"200": {"description": "the file", "content": {
            "text/csv": {"schema": {"type": "string"}}}}}, errors=("401", "403"), tag="oversight")},
    "/public/complaints/{reference}": {
        "get": _op("A complaint's status when the contact matches (no login); 404 alike for a wrong reference or "
                   "contact", {"200": _json(_ref("ComplaintStatus"))}, errors=("404", "429"), public=True,
                   tag="public", params=[_path("reference"), {**_query("contact", {"type": "string"}),
                                                              "required": True}])},
    "/notifications": {
        "get": _op("My notifications, newest first", {"200": _json(_list_of("Notification"))},
                   params=[_query("unread", {"type": "boolean"}), *PAGING], tag="notifications")},
    "/notifications/{notification_id}/read": {
        "post": _op("Mark one of my notifications read", {"200": _json(_ref("Notification"))},
                    errors=("401", "404"), params=[_path("notification_id", {"type": "integer"})],
                    tag="notifications")},
    "/openapi.json": {"get": _op("This document", {"200": _json({"type": "object"})}, errors=(), public=True)},
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Senapas API", "version": "1",
             "description": "KITAPUN SENAPAS workflow: definitions, instances, tasks, documents, complaints. "
                            "Errors: {\"error\": {\"code\", \"message\", \"details\"}}; messages in Indonesian, "
                            "English with Accept-Language: en."},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": PATHS,
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                   "schemas": SCHEMAS, "responses": RESPONSES},
}


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI document."""
    return DOCUMENT
