"""API: the agency settings section by section, for administrators, all or nothing."""

from __future__ import annotations

import io

from PIL import Image

from engine import settings


def test_settings_are_read_and_replaced_by_section(api, factory):
    admin = api("admin")
    current = admin.get("/settings").json
    assert current["agency_emblem"] is None and current["letter_numbering"] == "per_code"
    response = admin.client.put("/api/v1/settings/calendar", headers=admin.headers, json={
        "start": "07:00", "end": "15:30", "working_days": [1, 2, 3, 4, 5],
        "days_off": [{"date": "2027-12-24", "note": "Cuti bersama"}]})
    assert response.status_code == 200, response.text
    assert response.json["changed"] == ["office_hours", "days_off"]
    with factory() as s:
        assert settings.get(s, "office_hours") == {"start": "07:00", "end": "15:30"}


def test_a_wrong_section_is_422_per_field_and_stores_nothing(api, factory):
    admin = api("admin")
    values = {k: v for k, v in admin.get("/settings").json.items() if k.startswith(("agency_", "letter_"))}
    values.update(agency_name="", letter_number_pattern="{seq}")
    response = admin.client.put("/api/v1/settings/letterhead", headers=admin.headers, json=values)
    assert response.status_code == 422
    assert {d["path"]: d["code"] for d in response.json["error"]["details"]} == {
        "agency_name": "required", "letter_number_pattern": "number_pattern_invalid"}
    bad_shape = admin.client.put("/api/v1/settings/grade_bands", headers=admin.headers,
                                 json={"grade_bands": "A 91", "not_accredited_label": "x"})
    assert bad_shape.status_code == 400 and bad_shape.json["error"]["code"] == "invalid_request"
    assert admin.client.put("/api/v1/settings/kop", headers=admin.headers, json={}).status_code == 404
    with factory() as s:
        assert settings.stored(s) == {}


def test_the_emblem_is_uploaded_checked_and_removed(api):
    admin = api("admin")
    picture = io.BytesIO()
    Image.new("RGB", (100, 120), (0, 0, 200)).save(picture, format="JPEG")
    picture.seek(0)
    saved = admin.client.put("/api/v1/settings/emblem", headers=admin.headers,
                             data={"file": (picture, "lambang.jpg")}, content_type="multipart/form-data")
    assert saved.status_code == 200
    assert admin.get("/settings").json["agency_emblem"]["sha256"] == saved.json["sha256"]
    refused = admin.client.put("/api/v1/settings/emblem", headers=admin.headers,
                               data={"file": (io.BytesIO(b"GIF89a"), "x.gif")}, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert admin.delete("/settings/emblem").status_code == 200
    assert admin.get("/settings").json["agency_emblem"] is None


def test_only_admins_touch_settings(api):
    kabid = api("kabid")
    assert kabid.get("/settings").status_code == 403
    assert kabid.client.put("/api/v1/settings/calendar", headers=kabid.headers, json={}).status_code == 403
    assert kabid.delete("/settings/emblem").status_code == 403
