"""Injection-like, huge, negative and malformed paging and search parameters on every list endpoint."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.web.helpers import deploy, start

# /definitions is one short list without pages: its page arguments are ignored.
API_LISTS = ["/tasks?scope=inbox", "/tasks?scope=queue", "/tasks?scope=archive", "/instances", "/definitions",
             "/libraries"]
PAGES = ["/tasks?scope=inbox", "/tasks?scope=queue", "/tasks?scope=archive", "/instances", "/definitions",
         "/libraries"]
BAD_NUMBERS = ["-1", "0", "99999999999999999999999999", "1e3", "1.5", "1 OR 1=1", "1;DROP TABLE tasks", "", "NaN",
               "0x10", "%00", "\u0000", "1" * 5000]
TEXTS = ["' OR '1'='1", "%", "_", "\\", "%' UNION SELECT password_hash FROM users --", "\u202e\u200b😀",
         "<script>alert(1)</script>", "x" * 201, "x" * 100_000, "\u0001\u001f", "\u00ed\u00a0\u0080", "a\u0000b"]
FILTERS = {"/instances": ["q", "definition", "status"], "/libraries": ["q", "kecamatan", "library_type"],
           "/tasks?scope=queue": ["scope"]}


@pytest.fixture
def seeded(factory, people):
    deploy(factory, "laporan.bpmn")
    return start(factory, "laporan")


def with_param(path: str, name: str, value: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{name}={quote(value)}"


def test_paging_arguments_are_checked_on_every_api_list(api, seeded, stored):
    caller = api("kabid")
    before = stored()
    for path in API_LISTS:
        for name in ("page", "per_page"):
            for value in BAD_NUMBERS:
                response = caller.get(with_param(path, name, value))
                assert response.status_code in (200, 400), (path, name, value, response.status_code)
                if response.status_code == 400:
                    assert response.json["error"]["code"] == "invalid_request"
                elif "per_page" in response.json:  # a paged list lets only sane integers through
                    assert int(value) >= 1 and 1 <= response.json["per_page"] <= 200, (path, name, value)
    assert stored() == before


def test_per_page_is_capped_and_a_page_far_away_is_empty(api, seeded):
    caller = api("kabid")
    assert caller.get("/instances?per_page=201").status_code == 400
    far = caller.get("/instances?page=100000")
    assert far.status_code == 200 and far.json["items"] == [] and far.json["total"] == 1


def test_search_and_filter_text_is_data_never_sql(api, seeded, stored):
    caller = api("kabid")
    before = stored()
    for path, names in FILTERS.items():
        for name in names:
            for value in TEXTS:
                response = caller.get(with_param(path, name, value))
                assert response.status_code in (200, 400), (path, name, value[:40], response.status_code)
                if response.status_code == 200:
                    assert response.json["items"] == [], (path, name, value[:40])
                else:
                    assert response.json["error"]["message"]
    assert stored() == before
    assert caller.get("/instances?q=laporan").json["total"] == 1  # the one real match is still found


def test_every_list_page_survives_the_same_parameters(web, seeded, stored):
    before = stored()
    for path in PAGES:
        browser = web("admin" if path == "/definitions" else "kabid")
        for name, values in (("page", BAD_NUMBERS), ("per_page", BAD_NUMBERS), ("q", TEXTS), ("status", TEXTS)):
            for value in values:
                response = browser.get(with_param(path, name, value))
                assert response.status_code in (200, 400), (path, name, value[:40], response.status_code)
                assert "<script>alert(1)</script>" not in response.text
    assert stored() == before


@pytest.mark.parametrize("path", ["/api/v1/instances", "/instances"])
def test_a_nul_byte_in_the_search_text_is_refused(web, api, seeded, path):
    on_api = path.startswith("/api")
    caller = api("kabid") if on_api else web("kabid")
    response = caller.get(with_param(path.removeprefix("/api/v1") if on_api else path, "q", "\u0000"))
    assert response.status_code == 400
