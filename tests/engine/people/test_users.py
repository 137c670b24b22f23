"""Users: hashed passwords, roles, bearer tokens that expire and can be revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.db import run_in_transaction, utcnow
from engine.errors import BadRequest
from engine.people import users


def test_password_is_hashed_and_checked(factory):
    run_in_transaction(factory, lambda s: users.create_user(s, "Kabid", "rahasia-uji", ["kabid"], name="Bu Kabid"))
    with factory() as s:
        user = users.get_user(s, "kabid")
        assert user.password_hash.startswith("scrypt$") and "rahasia-uji" not in user.password_hash
        assert users.authenticate(s, "KABID ", "rahasia-uji") is not None
        assert users.authenticate(s, "kabid", "salah") is None
        assert users.authenticate(s, "tidakada", "rahasia-uji") is None
        assert users.Actor.of(user) == users.Actor("kabid", frozenset({"kabid"}))


@pytest.mark.parametrize("username,password,roles,case", [
    ("x", "rahasia-uji", ["raja"], "unknown_roles"),
    ("", "rahasia-uji", ["kabid"], "username_required"),
    ("y", "abc", ["kabid"], "password_too_short"),
])
def test_bad_users_are_refused(factory, username, password, roles, case):
    with pytest.raises(BadRequest, match=case):
        run_in_transaction(factory, lambda s: users.create_user(s, username, password, roles))


def test_duplicate_username_is_refused(factory):
    run_in_transaction(factory, lambda s: users.create_user(s, "budi", "rahasia-uji", ["petugas"]))
    with pytest.raises(BadRequest, match="user_exists"):
        run_in_transaction(factory, lambda s: users.create_user(s, "BUDI", "rahasia-uji", ["mitra"]))


def test_tokens_expire_and_can_be_revoked(factory):
    def issue(s):
        user = users.create_user(s, "budi", "rahasia-uji", ["petugas"])
        return users.issue_token(s, user, lifetime=timedelta(hours=1))
    token = run_in_transaction(factory, issue)
    with factory() as s:
        assert users.user_for_token(s, token).username == "budi"
        assert users.user_for_token(s, token, now=utcnow() + timedelta(hours=2)) is None
        assert users.user_for_token(s, token + "x") is None
    assert run_in_transaction(factory, lambda s: users.revoke_token(s, token))
    with factory() as s:
        assert users.user_for_token(s, token) is None



def test_token_of_a_deactivated_user_is_refused(factory):
    token = run_in_transaction(factory, lambda s: users.issue_token(
        s, users.create_user(s, "budi", "rahasia-uji", ["petugas", "mitra"], name="Budi")))
    with factory() as s:
        found = users.user_for_token(s, token)
        assert found is not None and (found.username, found.name, found.roles) == (
            "budi", "Budi", frozenset({"petugas", "mitra"}))
    with factory.begin() as s:
        users.get_user(s, "budi").active = False
    with factory() as s:
        assert users.user_for_token(s, token) is None

def test_list_users_by_role(factory):
    run_in_transaction(factory, lambda s: users.create_user(s, "budi", "rahasia-uji", ["petugas"]))
    run_in_transaction(factory, lambda s: users.create_user(s, "ani", "rahasia-uji", ["petugas", "kabid"]))
    run_in_transaction(factory, lambda s: users.create_user(s, "mita", "rahasia-uji", ["mitra"]))
    with factory() as s:
        assert [u.username for u in users.list_users(s, role="petugas")] == ["ani", "budi"]
        assert [u.username for u in users.list_users(s)] == ["ani", "budi", "mita"]
