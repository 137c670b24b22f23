"""Administering people: create, change, deactivate, reset passwords; admins only, audited, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import run_in_transaction
from engine.errors import Forbidden, ValidationFailed
from engine.libraries import registry
from engine.models import AuditEvent, User
from engine.people import accounts, users
from engine.people.accounts import Profile
from engine.people.users import Actor

ADMIN = Actor("admin", frozenset({"admin"}))
KABID = Actor("kabid", frozenset({"kabid"}))


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "SCRYPT_N", 2**8)


@pytest.fixture
def admin(factory):
    run_in_transaction(factory, lambda s: users.create_user(s, "admin", "rahasia-uji", ["admin"]))


def _library(factory) -> int:
    return run_in_transaction(factory, lambda s: registry.create_library(
        s, actor=ADMIN, name="Perpustakaan SD Negeri Uji 1", library_type="sekolah", subtype="SD",
        kecamatan="Baki")[0].id)


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {d["path"]: d["code"] for d in exc.value.details}


def test_a_created_user_logs_in_with_the_generated_password_and_must_change_it(factory, admin):
    library_id = _library(factory)
    user, password = run_in_transaction(factory, lambda s: accounts.create(s, ADMIN, "Rina", Profile(
        name="Rina Wulandari", roles=("pustakawan",), email="Rina@Contoh.id", library_id=library_id)))
    assert user.username == "rina" and len(password) >= 14
    with factory() as s:
        found = users.authenticate(s, "rina", password)
        assert found is not None and found.must_change_password and found.library_id == library_id
        assert found.email == "rina@contoh.id"
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "user_create"))
        assert event.actor == "admin" and event.reason == "rina" and event.data["roles"] == ["pustakawan"]
        assert password not in str(event.data)
    run_in_transaction(factory, lambda s: users.set_password(s, "rina", "kata-sandi-rina-baru"))
    with factory() as s:
        assert not users.get_user(s, "rina").must_change_password


def test_a_wrong_profile_is_refused_field_by_field_and_nothing_is_stored(factory, admin):
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: accounts.create(s, ADMIN, "a b", Profile(
            name=" ", roles=("raja",), email="bukan-email", nip="123", library_id=999, institution="dindikbud")))
    assert _codes(refused) == {"username": "username_format", "name": "required", "roles": "unknown_roles_field",
                               "email": "invalid_email", "nip": "nip_format",
                               "library_id": "library_needs_pustakawan", "institution": "institution_needs_mitra"}
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: accounts.create(s, ADMIN, "agus", Profile(
            name="Agus", roles=("mitra", "pustakawan"), library_id=999, institution="dinas_lain")))
    assert _codes(refused) == {"library_id": "unknown_library", "institution": "unknown_institution"}
    with factory() as s:
        assert s.scalars(select(User.username)).all() == ["admin"]
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "user_create")) is None


def test_a_username_cannot_be_taken_twice(factory, admin):
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: accounts.create(s, ADMIN, "ADMIN", Profile(name="X", roles=("kabid",))))
    assert _codes(refused) == {"username": "username_taken"}


def test_only_admins_administer(factory, admin):
    with pytest.raises(Forbidden):
        run_in_transaction(factory, lambda s: accounts.create(s, KABID, "budi", Profile(name="B", roles=("kabid",))))
    with pytest.raises(Forbidden):
        run_in_transaction(factory, lambda s: accounts.reset_password(s, KABID, "admin"))


def test_changing_roles_is_audited_with_old_and_new_and_ends_the_sessions(factory, admin):
    run_in_transaction(factory, lambda s: accounts.create(s, ADMIN, "budi", Profile(name="Budi", roles=("petugas",))))
    with factory() as s:
        token = users.issue_token(s, users.get_user(s, "budi"))
        s.commit()
    changes = run_in_transaction(factory, lambda s: accounts.update(s, ADMIN, "budi", Profile(
        name="Budi", roles=("petugas", "subkoor"), institution="")))
    assert changes == {"roles": [["petugas"], ["petugas", "subkoor"]]}
    with factory() as s:
        assert users.get_user(s, "budi").roles == ["petugas", "subkoor"]
        assert users.user_for_token(s, token) is None
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "user_update"))
        assert event.data == {"changes": {"roles": [["petugas"], ["petugas", "subkoor"]]}}
    assert run_in_transaction(factory, lambda s: accounts.update(s, ADMIN, "budi", Profile(
        name="Budi", roles=("subkoor", "petugas")))) == {}


def test_an_admin_cannot_lock_themselves_out(factory, admin):
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: accounts.update(s, ADMIN, "admin", Profile(name="A", roles=("kabid",))))
    assert _codes(refused) == {"roles": "own_admin_role"}
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: accounts.set_active(s, ADMIN, "admin", False))
    assert _codes(refused) == {"active": "deactivate_self"}
    with pytest.raises(ValidationFailed) as refused:  # it would end their own sessions and tokens
        run_in_transaction(factory, lambda s: accounts.reset_password(s, ADMIN, "admin"))
    assert _codes(refused) == {"username": "reset_own_password"}


def test_a_deactivated_user_cannot_log_in_and_their_tokens_stop(factory, admin):
    _, password = run_in_transaction(factory, lambda s: accounts.create(s, ADMIN, "budi", Profile(
        name="Budi", roles=("petugas",))))
    with factory() as s:
        token = users.issue_token(s, users.get_user(s, "budi"))
        s.commit()
    run_in_transaction(factory, lambda s: accounts.set_active(s, ADMIN, "budi", False, "pindah tugas"))
    with factory() as s:
        assert users.authenticate(s, "budi", password) is None
        assert users.user_for_token(s, token) is None
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "user_deactivate"))
        assert event.data == {"username": "budi", "note": "pindah tugas"}
    run_in_transaction(factory, lambda s: accounts.set_active(s, ADMIN, "budi", True))
    with factory() as s:
        assert users.authenticate(s, "budi", password) is not None
        assert users.user_for_token(s, token) is None, "a token revoked at deactivation stays revoked"


def test_a_reset_password_replaces_the_old_one_and_is_shown_once(factory, admin):
    _, first = run_in_transaction(factory, lambda s: accounts.create(s, ADMIN, "budi", Profile(
        name="Budi", roles=("petugas",))))
    run_in_transaction(factory, lambda s: users.set_password(s, "budi", "kata-sandi-budi-1"))
    second = run_in_transaction(factory, lambda s: accounts.reset_password(s, ADMIN, "budi"))
    assert second != first
    with factory() as s:
        assert users.authenticate(s, "budi", "kata-sandi-budi-1") is None
        user = users.authenticate(s, "budi", second)
        assert user is not None and user.must_change_password
        trail = accounts.audit_trail(s, ADMIN, "budi")
        assert [e.action for e in trail] == ["password_reset", "user_create"]
        assert all(second not in str(e.data) for e in trail)


def test_search_finds_people_by_name_role_and_state(factory, admin):
    for username, roles in (("budi", ("petugas",)), ("sari", ("kabid",)), ("tono", ("petugas",))):
        run_in_transaction(factory, lambda s, u=username, r=roles: accounts.create(
            s, ADMIN, u, Profile(name=u.title() + " Contoh", roles=r)))
    run_in_transaction(factory, lambda s: accounts.set_active(s, ADMIN, "tono", False))
    with factory() as s:
        assert [u.username for u in accounts.search(s, ADMIN, role="petugas").items] == ["budi", "tono"]
        assert [u.username for u in accounts.search(s, ADMIN, role="petugas", active=True).items] == ["budi"]
        assert [u.username for u in accounts.search(s, ADMIN, q="SARI").items] == ["sari"]
