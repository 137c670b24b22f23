"""The OpenAPI document describes every API route and method."""

from __future__ import annotations

import re


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
        if "{action}" in path:
            expanded = [path.replace("{action}", a) for a in ("suspend", "resume", "cancel", "retry")]
        else:
            expanded = [path]
        for one in expanded:
            assert one in paths, one
            assert methods <= set(paths[one]), (one, methods)


def test_every_operation_has_responses_and_refs_resolve(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    refs = set(re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', str(document).replace("'", '"')))
    for section, name in refs:
        assert name in document["components"][section], name
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (path, method)
