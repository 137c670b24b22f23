"""The OpenAPI document is built from the declared operations: every route, its checks and its answers."""

from __future__ import annotations

import re

import pytest

from engine.models import Instance
from web.api import declare

BEYOND = (2**31, 2**63, 2**64 + 1)  # past a PostgreSQL integer, a 64-bit integer, anything SQLite holds


def _documented(rule: str) -> str:
    path = rule[len("/api/v1"):]
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", path)


def test_openapi_lists_every_path_and_method(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0" and document["components"]["securitySchemes"]["bearer"]
    paths = document["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        methods = {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}
        path = _documented(rule.rule)
        assert path in paths, path
        assert methods <= set(paths[path]), (path, methods)
    declared = {(op.method, "/api/v1" + op.rule) for op in declare.OPERATIONS}
    routed = {(m, r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")
              for m in r.methods - {"HEAD", "OPTIONS"}}
    assert declared == routed


def test_every_operation_has_its_answers_security_and_resolving_refs(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    refs = set(re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', str(document).replace("'", '"')))
    for section, name in refs:
        assert name in document["components"][section], name
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert any(status.startswith("2") for status in responses), (path, method)
            public = operation["security"] == []
            assert public or "401" in responses, (path, method)
            if "{" in path:
                assert "404" in responses, (path, method)
            if "requestBody" in operation:
                assert {"400", "413"} <= set(responses), (path, method)
            for status, answer in responses.items():
                if status >= "400":
                    codes = answer["content"]["application/json"]["schema"]["properties"]["error"]["properties"][
                        "code"]["enum"]
                    assert codes, (path, method, status)
    public = {path for path, ops in document["paths"].items() for op in ops.values() if op["security"] == []}
    assert public == {"/auth/token", "/public/complaints", "/public/complaints/{reference}", "/openapi.json"}
    started = document["paths"]["/instances"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in started.values()} >= {"get_instance", "list_tasks", "get_task",
                                                                 "get_document"}


def test_the_document_declares_real_constraints(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    tasks = {p["name"]: p["schema"] for p in document["paths"]["/tasks"]["get"]["parameters"]}
    assert tasks["per_page"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
    assert tasks["scope"]["enum"] == ["inbox", "queue", "archive", "all"]
    instance = document["paths"]["/instances/{instance_id}"]["get"]["parameters"][0]["schema"]
    assert instance == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    complaint = document["paths"]["/public/complaints"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert complaint["additionalProperties"] is False
    assert complaint["required"] == ["name", "contact", "channel", "message"]
    assert complaint["properties"]["message"]["minLength"] == 10
    claim = document["paths"]["/tasks/{task_id}/claim"]["post"]["responses"]["409"]
    assert "task_claimed" in claim["content"]["application/json"]["schema"]["properties"]["error"]["properties"][
        "code"]["enum"]


@pytest.mark.parametrize("number", BEYOND)
def test_ids_beyond_a_database_integer_are_404_on_every_operation(api, number):
    admin = api("admin")
    for operation in declare.OPERATIONS:
        if "<int:" not in operation.rule:
            continue
        path = "/api/v1" + re.sub(r"<int:[a-z_]+>", str(number), re.sub(r"<(?!int:)[a-z_]+>", "x", operation.rule))
        response = admin.client.open(path, method=operation.method, headers=admin.headers, json={})
        assert response.status_code == 404, (operation.method, path, response.status_code)
        assert response.json["error"]["code"] == "not_found"


def test_an_undeclared_method_is_405_with_allow(api):
    admin = api("admin")
    response = admin.client.delete("/api/v1/tasks", headers=admin.headers)
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) >= {"GET"}


def test_queries_and_bodies_are_checked_before_the_view(api, factory):
    admin = api("admin")
    paging = admin.get("/tasks?per_page=lima")
    assert paging.status_code == 400 and paging.json["error"]["code"] == "invalid_request"
    assert paging.json["error"]["details"][0]["path"] == "per_page"
    assert paging.json["error"]["details"][0]["code"] == "wrong_type"
    english = admin.get("/tasks?per_page=lima", headers={"Accept-Language": "en"})
    assert english.json["error"]["details"][0]["message"] != paging.json["error"]["details"][0]["message"]
    long_title = admin.post("/instances", {"definition": "laporan", "title": "x" * 301})
    assert long_title.status_code == 422 and long_title.json["error"]["details"] == [
        {"path": "title", "code": "max_length", "params": {"limit": 300}, "message": "maksimal 300 karakter"}]
    extra = admin.post("/instances/1/suspend", {"reason": "r", "admin": True})
    assert extra.status_code == 422 and extra.json["error"]["details"][0]["code"] == "unknown_fields"
    blank = admin.post("/instances/1/suspend", {"reason": "  "})
    assert blank.status_code == 400 and blank.json["error"]["message"] == "alasan wajib diisi"
    # What Python's strip() takes for white space is blank to the document too (ECMA-262's \S would pass \x1c).
    separator = admin.post("/instances/1/suspend", {"reason": "\x1c"})
    assert separator.status_code == 400 and separator.json["error"]["message"] == "alasan wajib diisi"
    control = admin.post("/instances", {"definition": "laporan", "title": "Monev\x05"})
    assert control.status_code == 422 and control.json["error"]["details"][0]["path"] == "title"
    nul = admin.post("/instances", {"definition": "laporan", "title": "a\x00b"})
    assert nul.status_code == 422 and nul.json["error"]["details"][0] == {
        "path": "title", "code": "nul_character", "params": {}, "message": "tidak boleh memuat karakter NUL"}
    with factory() as session:
        assert session.query(Instance).count() == 0
