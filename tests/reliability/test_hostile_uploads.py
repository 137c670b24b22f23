"""Hostile BPMN through the HTTP upload: a clear error for each, and nothing stored."""

from __future__ import annotations

import io

import pytest

from tests.web.helpers import FIXTURES, with_forms

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p" name="&xxe;"
 isExecutable="true"/></bpmn:definitions>"""
XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&lol5;</bpmn:definitions>"""
LAPORAN = (FIXTURES / "laporan.bpmn").read_bytes()


def upload(caller, content: bytes, name: str = "upload.bpmn"):
    return caller.post("/definitions", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", json=None)


@pytest.mark.parametrize("content", [
    XXE, XXE_PARAMETER, LAUGHS,
    b'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>'.decode().encode("utf-16"),
], ids=["xxe", "xxe-parameter-entity", "billion-laughs", "doctype-utf16"])
def test_entity_tricks_are_refused_with_a_named_problem(api, stored, content):
    admin = api("admin")
    before = stored()
    response = upload(admin, content)
    assert response.status_code == 422, response.text
    error = response.json["error"]
    assert error["code"] == "invalid_definition"
    assert any("DOCTYPE" in d["message"] for d in error["details"]), error
    assert "root:" not in response.text  # no line of /etc/passwd came back
    assert stored() == before


@pytest.mark.parametrize("content", [
    b"",
    b"\x00\xff\xfe garbage",
    b"<?xml version='1.0'?>\n<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>\n<a>",
    LAPORAN[: len(LAPORAN) // 2],
    b"<" * 100_000,
    b"<a>" * 50_000 + b"</a>" * 50_000,
], ids=["empty", "binary", "unclosed", "truncated", "angle-brackets", "deeply-nested"])
def test_malformed_xml_is_refused_and_stores_nothing(api, stored, content):
    admin = api("admin")
    before = stored()
    response = upload(admin, content)
    assert response.status_code in (400, 422), response.text
    assert response.json["error"]["code"] in ("invalid_request", "invalid_definition")
    assert response.json["error"]["message"]
    assert stored() == before


def test_oversized_upload_through_the_page_and_the_api_stores_nothing(api, web, stored):
    admin = api("admin")
    before = stored()
    huge = LAPORAN + b"<!--" + b"x" * (6 * 1024 * 1024) + b"-->"
    response = upload(admin, huge)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    page = web("admin").post("/definitions", data={"file": (io.BytesIO(huge), "besar.bpmn")},
                             content_type="multipart/form-data")
    assert page.status_code == 413
    assert stored() == before


def test_valid_upload_still_works_after_the_hostile_ones(api, stored):
    admin = api("admin")
    for content in (XXE, LAUGHS, b"<a>"):
        upload(admin, content)
    response = admin.post("/definitions", data={"file": with_forms(LAPORAN, "laporan.bpmn")},
                          content_type="multipart/form-data", json=None)
    assert response.status_code == 201 and response.json["key"] == "laporan"
