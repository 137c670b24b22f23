"""API: `/me` as the contract states it, and people administered through `/users` (admins only)."""

from __future__ import annotations

from sqlalchemy import select

from engine.db import run_in_transaction
from engine.libraries import registry
from engine.models import AuditEvent
from engine.people.users import Actor

ADMIN = Actor("admin", frozenset({"admin"}))


def _library(factory) -> int:
    return run_in_transaction(factory, lambda s: registry.create_library(
        s, actor=ADMIN, name="Perpustakaan SD Negeri Uji 1", library_type="sekolah", subtype="SD",
        kecamatan="Baki")[0].id)


def test_me_names_the_library_of_a_pustakawan_and_the_institution_of_a_mitra(api, factory):
    library_id = _library(factory)
    admin = api("admin")
    assert admin.client.patch("/api/v1/users/pustakawan", json={"library_id": library_id, "email": "rina@contoh.id"},
                              headers=admin.headers).status_code == 200
    assert admin.client.patch("/api/v1/users/mitra", json={"institution": "kemenag"},
                              headers=admin.headers).status_code == 200
    assert api("pustakawan").get("/me").json == {
        "username": "pustakawan", "name": "Pustakawan Demo", "roles": ["pustakawan"], "email": "rina@contoh.id",
        "library": {"id": library_id, "name": "Perpustakaan SD Negeri Uji 1"}, "institution": None}
    assert api("mitra").get("/me").json["institution"] == {
        "key": "kemenag", "name": "Kantor Kementerian Agama Kabupaten Sukoharjo"}


def test_an_admin_creates_a_user_who_then_gets_a_token(api, app):
    response = api("admin").post("/users", {"username": "budi", "name": "Budi", "roles": ["petugas"],
                                            "email": "budi@contoh.id"})
    assert response.status_code == 201, response.text
    body = response.json
    assert body["must_change_password"] and body["roles"] == ["petugas"] and body["library"] is None
    token = app.test_client().post("/api/v1/auth/token", json={"username": "budi", "password": body["password"]})
    assert token.status_code == 200
    listed = api("admin").get("/users?role=petugas").json
    assert [u["username"] for u in listed["items"]] == ["budi", "petugas", "petugas2"]
    assert all("password" not in u and "password_hash" not in u for u in listed["items"])


def test_wrong_values_are_422_per_field_and_wrong_types_400(api):
    admin = api("admin")
    response = admin.post("/users", {"username": "x y", "name": "", "roles": ["raja"], "email": "x"})
    assert response.status_code == 422
    assert {d["path"]: d["code"] for d in response.json["error"]["details"]} == {
        "username": "username_format", "name": "required", "roles": "unknown_roles_field", "email": "invalid_email"}
    assert admin.post("/users", {"username": "budi", "name": "B", "roles": "petugas"}).status_code == 400
    assert admin.post("/users", {"username": "budi", "name": "B", "roles": ["petugas"],
                                 "library_id": "1"}).status_code == 400


def test_only_admins_administer_through_the_api(api):
    kabid = api("kabid")
    assert kabid.get("/users").status_code == 403
    assert kabid.post("/users", {"username": "budi", "name": "B", "roles": ["kabid"]}).status_code == 403
    assert kabid.post("/users/petugas/password").status_code == 403
    assert kabid.client.patch("/api/v1/users/petugas", json={"roles": ["admin"]},
                              headers=kabid.headers).status_code == 403


def test_deactivation_stops_the_tokens_at_once(api, factory):
    petugas = api("petugas")
    assert petugas.get("/me").status_code == 200
    response = api("admin").post("/users/petugas/deactivate", {"reason": "mutasi"})
    assert response.status_code == 200 and response.json["active"] is False
    assert petugas.get("/me").status_code == 401
    assert api("admin").post("/users/petugas/activate").json["active"] is True
    with factory() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "user_deactivate"))
        assert event.actor == "admin" and event.data["note"] == "mutasi"


def test_a_reset_password_is_returned_once_and_must_be_changed(api, app):
    response = api("admin").post("/users/kabid/password")
    assert response.status_code == 200 and response.json["must_change_password"]
    client = app.test_client()
    assert client.post("/api/v1/auth/token", json={"username": "kabid", "password": response.json["password"]}
                       ).status_code == 200
    assert api("admin").get("/users/kabid").json["must_change_password"] is True
