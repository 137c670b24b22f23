"""The admin pages: people and agency settings, for admins only, with precise errors and nothing stored on one."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from engine import settings
from engine.models import AuditEvent, User
from tests.web.helpers import Web


def _password(html: str) -> str:
    match = re.search(r'<code id="one-time-password">([^<]+)</code>', html)
    assert match, "the page shows the one-time password"
    return match.group(1)


def test_only_admins_reach_the_admin_pages(web):
    kabid = web("kabid")
    assert kabid.get("/admin/users").status_code == 403
    assert kabid.get("/admin/settings").status_code == 403
    assert kabid.post("/admin/users/new", {"username": "x", "name": "X", "roles": "admin"}).status_code == 403
    assert 'href="/admin/users"' not in kabid.get("/tasks").text
    assert 'href="/admin/users"' in web("admin").get("/tasks").text


def test_a_new_user_gets_a_password_once_then_must_choose_their_own(app, web, factory):
    admin = web("admin")
    response = admin.post("/admin/users/new", {"username": "Budi", "name": "Budi Santoso", "roles": ["petugas"],
                                               "email": "budi@contoh.id", "nip": "19900120 201503 1 001"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    password = _password(response.text)
    assert "budi" in admin.get("/admin/users?role=petugas").text

    budi = Web(app.test_client()).client
    login = budi.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', login.text).group(1)
    assert budi.post("/login", data={"username": "budi", "password": password, "csrf_token": token}).status_code == 303
    forced = budi.get("/tasks")
    assert forced.status_code == 303 and forced.headers["Location"].endswith("/account/password")
    token = re.search(r'name="csrf-token" content="([^"]+)"', budi.get("/account/password").text).group(1)
    changed = budi.post("/account/password", data={"password": password, "new_password": "kata-sandi-budi-baru",
                                                   "repeat_password": "kata-sandi-budi-baru", "csrf_token": token})
    assert changed.status_code == 303
    assert budi.get("/tasks").status_code == 200
    with factory() as s:
        user = s.scalar(select(User).where(User.username == "budi"))
        assert user.nip == "199001202015031001" and not user.must_change_password


def test_a_wrong_new_user_form_names_each_field_and_stores_nothing(web, factory):
    response = web("admin").post("/admin/users/new", {"username": "b u", "name": "", "email": "budi@",
                                                      "roles": ["petugas"], "institution": "dindikbud"})
    assert response.status_code == 422
    for message in ("hanya huruf kecil", "wajib diisi", "alamat email tidak valid",
                    "instansi hanya untuk pengguna berperan mitra"):
        assert message in response.text, message
    assert 'value="budi@"' in response.text, "what was typed stays in the form"
    with factory() as s:
        assert s.scalar(select(User).where(User.username.like("b%u"))) is None


def test_deactivating_ends_the_session_and_reactivating_allows_login_again(app, web):
    admin = web("admin")
    petugas = web("petugas")
    assert petugas.get("/tasks").status_code == 200
    assert admin.post("/admin/users/petugas/active", {"active": "0", "note": "mutasi"}).status_code == 303
    assert petugas.get("/tasks").status_code == 302, "the open session ends at once"
    page = admin.get("/admin/users/petugas").text
    assert "nonaktif" in page and "mutasi" in page
    assert "Memegang" not in page, "petugas holds no task in this test"
    admin.post("/admin/users/petugas/active", {"active": "1"})
    assert web("petugas").get("/tasks").status_code == 200


def test_a_reset_password_is_shown_once_and_the_old_one_stops(app, web):
    admin = web("admin")
    response = admin.post("/admin/users/mitra/password")
    assert response.status_code == 200
    password = _password(response.text)
    client = app.test_client()
    assert client.post("/api/v1/auth/token", json={"username": "mitra", "password": "rahasia-uji"}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"username": "mitra", "password": password}).status_code == 200


def test_editing_roles_and_library_link_is_audited(web, factory):
    admin = web("admin")
    response = admin.post("/admin/users/pustakawan", {"name": "Pustakawan Demo", "roles": ["pustakawan"],
                                                      "library_id": "999"})
    assert response.status_code == 422 and "perpustakaan tidak dikenal" in response.text
    response = admin.post("/admin/users/pustakawan", {"name": "Rina", "roles": ["pustakawan", "petugas"]})
    assert response.status_code == 303
    page = admin.get("/admin/users/pustakawan").text
    assert "mengubah pengguna" in page and "roles" in page
    with factory() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "user_update"))
        assert event.actor == "admin" and event.data["changes"]["name"] == ["Pustakawan Demo", "Rina"]


def test_settings_sections_save_or_show_their_errors(web, factory):
    admin = web("admin")
    page = admin.get("/admin/settings")
    assert page.status_code == 200 and "PEMERINTAH KABUPATEN SUKOHARJO" in page.text
    bad = admin.post("/admin/settings/grade_bands", {"grade_bands": "A 91\nB 95", "not_accredited_label": "Belum"})
    assert bad.status_code == 422 and "urut dari nilai tertinggi" in bad.text
    good = admin.post("/admin/settings/calendar", {"start": "07:30", "end": "15:30", "working_days": ["1", "2", "3",
                                                   "4", "5"], "days_off": "2027-12-24 Cuti bersama"})
    assert good.status_code == 303
    with factory() as s:
        assert settings.get(s, "grade_bands") == settings.DEFAULTS["grade_bands"]
        assert settings.get(s, "days_off") == [{"date": "2027-12-24", "note": "Cuti bersama"}]


def test_an_emblem_upload_is_checked(web, factory):
    admin = web("admin")
    refused = admin.post("/admin/settings/emblem", {"emblem": (io.BytesIO(b"<svg/>"), "lambang.svg")},
                         content_type="multipart/form-data")
    assert refused.status_code == 422 and "PNG atau JPEG" in refused.text
    picture = io.BytesIO()
    Image.new("RGB", (120, 160), (0, 90, 0)).save(picture, format="PNG")
    picture.seek(0)
    saved = admin.post("/admin/settings/emblem", {"emblem": (picture, "lambang.png")},
                       content_type="multipart/form-data")
    assert saved.status_code == 303
    with factory() as s:
        assert settings.get(s, "agency_emblem").startswith("data:image/png;base64,")
