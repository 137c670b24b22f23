"""The shared component schemas of the OpenAPI document: what the API answers, field by field.

Written once here; `openapi.build` turns `"nullable": True` into the OpenAPI 3.1 `["type", "null"]`.
"""

from __future__ import annotations

from typing import Any

from web import error_texts

ID_MAX = 2**31 - 1  # PostgreSQL `integer`: larger ids name nothing (404)


def ref(name: str) -> dict[str, Any]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(name: str) -> dict[str, Any]:
    """A list answer: `{"items", "total", "page", "per_page"}`."""
    return {"type": "object", "required": ["items", "total"],
            "properties": {"items": {"type": "array", "items": ref(name)}, "total": {"type": "integer"},
                           "page": {"type": "integer"}, "per_page": {"type": "integer"}}}


AFFILIATION: dict[str, Any] = {
    "library": {"type": "object", "nullable": True, "properties": {"id": {"type": "integer"},
                                                                  "name": {"type": "string"}}},
    "institution": {"type": "object", "nullable": True, "properties": {"key": {"type": "string"},
                                                                      "name": {"type": "string"}}}}
ISO = {"type": "string", "format": "date-time", "nullable": True}
ERROR_DETAIL: dict[str, Any] = {"type": "object", "properties": {
    "path": {"type": "string"}, "message": {"type": "string"},
    "code": {"type": "string", "enum": sorted({*error_texts.FIELDS, *error_texts.PROBLEMS, *error_texts.CASES})},
    "params": {"type": "object", "description": "The values the message names."},
    "file": {"type": "string"}, "line": {"type": "integer", "nullable": True},
    "element": {"type": "string", "nullable": True}}}
SCHEMAS: dict[str, Any] = {
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
        "warnings": {"type": "array", "items": ref("Finding"),
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
        "added": {"type": "array", "items": ref("DiffElement")},
        "removed": {"type": "array", "items": ref("DiffElement")},
        "changed": {"type": "array", "items": ref("DiffElement")},
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
    "TaskDetail": {"allOf": [ref("Task"), {"type": "object", "properties": {
        "form": {"type": "object", "nullable": True, "properties": {"schema": {"type": "object"},
                                                                     "ui_schema": {"type": "object"}}},
        "data": {"type": "object"}, "instructions": {"type": "string"},
        "draft_saved": {"type": "object", "nullable": True, "description": "who saved the draft in `data`, and when",
                        "properties": {"by": {"type": "string"}, "at": ISO}},
        "documents": {"type": "array", "items": ref("Document"),
                      "description": "the instance's documents that concern this task, its own first"},
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
                                                  "created_at": ISO}},
    "IssuedDocument": {"allOf": [ref("Document"), {"type": "object", "properties": {
        "date": {"type": "string", "format": "date"}, "number_pending": {"type": "boolean"}}}]},
    "InstanceDetail": {"allOf": [ref("Instance"), {"type": "object", "properties": {
        "tasks": {"type": "array", "items": ref("Task")}, "history": {"type": "array", "items": ref("Event")},
        "documents": {"type": "array", "items": ref("Document")}, "data": {"type": "object"}}}]},
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
        "next_tasks": {"type": "array", "items": ref("Task")}, "incident": {"type": "string"}}},
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

# Request pieces: query arguments and JSON bodies, as `declare.route` checks them.
SEARCH = {"type": "string", "maxLength": 200, "pattern": "^[^\\x00-\\x1f\\x7f]*$",
          "description": "searched literally, case-insensitively; no control characters"}
PLAIN = {"type": "string", "maxLength": 200, "pattern": "^[^\\x00]*$"}
PAGING: dict[str, Any] = {"page": {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1},
                          "per_page": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}
TEXT = {"type": "string", "maxLength": 2000}
# The pattern of a text that must not be blank: something besides white space as the server's strip()
# sees it (it also takes \x1c-\x1f and \x85, which JSON Schema's ECMA-262 `\S` counts as text).
NOT_BLANK = "[^\\s\\x1c-\\x1f\\x85]"
NEEDED_TEXT = {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": NOT_BLANK}
REASON = {"type": "string", "maxLength": 2000, "description": "kept in the audit history"}


def any_case(*names: str) -> list[str]:
    """Names a filter takes in any of their usual spellings (the server compares them case-blind)."""
    return sorted({form for name in names for form in (name, name.lower(), name.upper(), name.title())})


def query(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The schema of an operation's query arguments (one property each)."""
    return {"type": "object", "properties": properties, "required": list(required)}


def body(properties: dict[str, Any], required: tuple[str, ...] = (), *, closed: bool = True) -> dict[str, Any]:
    """A JSON object body; `closed` refuses keys it does not name."""
    schema: dict[str, Any] = {"type": "object", "properties": properties, "required": list(required)}
    if closed:
        schema["additionalProperties"] = False
    return schema


def file_form(properties: dict[str, Any] | None = None, *, many: bool = False) -> dict[str, Any]:
    """A multipart upload with its `file` field (repeated when `many`)."""
    one = {"type": "string", "format": "binary"}
    return {"type": "object", "required": ["file"],
            "properties": {"file": {"type": "array", "items": one, "minItems": 1} if many else one,
                           **(properties or {})}}
