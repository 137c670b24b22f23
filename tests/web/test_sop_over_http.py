"""The whole KITAPUN SENAPAS SOP over HTTP as the demo users: once through the API alone, once
through the HTML forms alone, on a database prepared exactly as `senapas demo` prepares it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.datastructures import MultiDict

from tests.web.helpers import Api, Web
from tests.web.sop_steps import DEMO_PASSWORD, STEPS, callers, complete


def check_outcome(api: Callable[[str], Api], instance_id: int) -> None:
    """Completed, every document of the SOP listed with a unique number, and each PDF downloadable."""
    detail = api("kabid").get(f"/instances/{instance_id}").json
    assert detail["status"] == "completed" and detail["tasks"] == []
    kinds = sorted(d["kind"] for d in detail["documents"])
    # three monev visits, three coaching visits, two accompaniment visits; one summary per accreditation result
    assert kinds.count("surat_tugas") == 8 and kinds.count("monev_notification") == 2
    assert kinds.count("accreditation_summary") == 2
    assert {"monev_report", "monev_summary", "coaching_notification", "accreditation_summary"} <= set(kinds)
    numbers = [d["number"] for d in detail["documents"] if d["number"]]
    assert len(numbers) == len(set(numbers))
    pdf = api("kabid").get(f"/documents/{detail['documents'][0]['id']}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert detail["title"] == "Monev Perpustakaan 2027 Tahap I"
    outcome = {h["library"]: (h["status"], (h["akreditasi"] or {}).get("predikat")) for h in
               detail["data"]["hasil_pembinaan"]}
    assert outcome == {2: ("terakreditasi", "A"), 3: ("tidak_terakreditasi", "Tidak Terakreditasi")}
    library = api("kabid").get("/libraries/2").json
    [accredited] = [r for r in library["results"] if r["kind"] == "accreditation"]
    assert (accredited["score"], accredited["grade"], accredited["details"]["submission"]["sipapi"]) == (
        91.17, "A", "SIPAPI-2027-0001")


def test_the_whole_sop_through_the_api_alone(demo_app: Flask) -> None:
    api = callers(demo_app)

    started = api("subkoor").post("/instances", json={"definition": "kitapun_senapas", "data": {}})
    assert started.status_code == 201, started.json
    instance_id = started.json["id"]
    for username, name, library, data in STEPS:
        complete(api, username, instance_id, name, library, data)  # visits and monev are in their lead's inbox
    check_outcome(api, instance_id)


def form_fields(data: Any, prefix: str = "") -> MultiDict[str, str]:
    """The HTML form fields the task page posts for `data` (dotted names, table rows, checkboxes)."""
    fields: MultiDict[str, str] = MultiDict()
    if isinstance(data, dict):
        for key, value in data.items():
            for name, item in form_fields(value, f"{prefix}{key}.").items(multi=True):
                fields.add(name, item)
    elif isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        fields.add(f"{prefix[:-1]}.__rows", str(len(data)))
        for i, row in enumerate(data):
            for name, item in form_fields(row, f"{prefix}{i}.").items(multi=True):
                fields.add(name, item)
    elif isinstance(data, list):
        fields.add(f"{prefix[:-1]}.__present", "1")
        for item in data:
            fields.add(prefix[:-1], str(item))
    elif isinstance(data, bool):
        fields.add(prefix[:-1], "true" if data else "false")
    else:
        fields.add(prefix[:-1], str(data))
    return fields


def test_the_whole_sop_through_the_html_forms_alone(demo_app: Flask) -> None:
    browsers: dict[str, Web] = {}

    def web(username: str) -> Web:
        if username not in browsers:
            browsers[username] = Web(demo_app.test_client()).login(username, DEMO_PASSWORD)
        return browsers[username]

    start = web("subkoor").post("/instances", {"definition": "kitapun_senapas", "title": "Monev 2027"})
    assert start.status_code == 303
    instance_id = int(start.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    for username, name, library, data in STEPS:
        queue = "".join(web(username).get(f"/tasks?scope={scope}&per_page=200").text for scope in ("inbox", "queue"))
        links = set(re.findall(r'href="/tasks/([0-9a-f-]{36})"', queue))
        candidates = []
        for task_id in sorted(links):
            page = web(username).get(f"/tasks/{task_id}").text
            if f"/instances/{instance_id}" in page and f'data-task-name="{name}"' in page:
                candidates.append((task_id, page))
        if library is not None:
            wanted = f'data-item-key="{library}"'
            candidates = [(t, p) for t, p in candidates if wanted in p]
        assert len(candidates) == 1, (username, name, library, len(candidates))
        fields = form_fields(data)
        fields.add("csrf_token", web(username).token)  # a MultiDict: checkboxes send several values
        response = web(username).client.post(f"/tasks/{candidates[0][0]}", data=fields)
        assert response.status_code == 303, (name, re.findall(r'class="field-error[^"]*">([^<]+)<', response.text))

    check_outcome(callers(demo_app), instance_id)
    page = web("kabid").get(f"/instances/{instance_id}").text
    assert "91.17 · A" in page and "58.50 · Tidak Terakreditasi" in page, "each library's accreditation outcome"
    history = web("kabid").get("/libraries/2").text
    assert "SIPAPI-2027-0001" in history and "AKR/0001/2027" in history
