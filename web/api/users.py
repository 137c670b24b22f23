"""API: the caller (`/me`) and, for administrators, people: list, create, change, deactivate, reset."""

from __future__ import annotations

from typing import Any

from flask import g, request

from engine.errors import BadRequest
from engine.models import User
from engine.people import accounts
from engine.people.accounts import Affiliation, Profile
from web import db
from web.api.base import bp, json_body, listing, page_args
from web.api.serialize import iso
from web.callers import current_actor

PROFILE_FIELDS = ("name", "email", "nip", "rank", "position", "institution")


def affiliation_json(found: Affiliation) -> dict[str, Any]:
    """`library` and `institution` as the contract names them."""
    return {"library": {"id": found.library[0], "name": found.library[1]} if found.library else None,
            "institution": {"key": found.institution[0], "name": found.institution[1]} if found.institution
            else None}


def user_item(user: User, found: Affiliation) -> dict[str, Any]:
    """A person as administrators see them (never the password hash)."""
    return {"username": user.username, "name": user.name, "roles": sorted(user.roles or []), "email": user.email,
            "nip": user.nip, "rank": user.rank, "position": user.position, **affiliation_json(found),
            "active": user.active, "must_change_password": user.must_change_password,
            "created_at": iso(user.created_at)}


@bp.get("/me")
def me() -> Any:
    """The caller: username, name, roles, email, and the library or institution they belong to."""
    user, found = accounts.own_account(db.session(), g.api_user.actor)
    return {"username": user.username, "name": user.name, "roles": sorted(user.roles or []), "email": user.email,
            **affiliation_json(found)}


@bp.get("/users")
def list_users() -> Any:
    """People (administrators), searched with `q`, filtered by `role` and `active`."""
    session = db.session()
    active = {"true": True, "false": False}.get((request.args.get("active") or "").lower())
    page, per_page = page_args()
    result = accounts.search(session, current_actor(), q=request.args.get("q") or "",
                             role=request.args.get("role") or "", active=active, page=page, per_page=per_page)
    return listing(result, lambda user: user_item(user, accounts.affiliation(session, user)))


@bp.post("/users")
def create_user() -> Any:
    """Add a person; the answer carries their generated password, once."""
    body = json_body()
    actor = current_actor()
    accounts.require_admin(actor)
    profile = _profile(body, Profile())

    def work(session: Any) -> dict[str, Any]:
        user, password = accounts.create(session, actor, _text(body, "username"), profile)
        return {**user_item(user, accounts.affiliation(session, user)), "password": password}
    return db.transact(work), 201


@bp.get("/users/<username>")
def get_user(username: str) -> Any:
    """One person."""
    session = db.session()
    user = accounts.get(session, current_actor(), username)
    return user_item(user, accounts.affiliation(session, user))


@bp.patch("/users/<username>")
def update_user(username: str) -> Any:
    """Change the fields sent (name, roles, email, nip, rank, position, library_id, institution)."""
    body = json_body()
    actor = current_actor()

    def work(session: Any) -> dict[str, Any]:
        user = accounts.get(session, actor, username)
        current = Profile(name=user.name, roles=tuple(user.roles or ()), email=user.email or "", nip=user.nip,
                          rank=user.rank, position=user.position, library_id=user.library_id,
                          institution=user.institution or "")
        changes = accounts.update(session, actor, username, _profile(body, current))
        return {**user_item(user, accounts.affiliation(session, user)), "changes": changes}
    return db.transact(work)


@bp.post("/users/<username>/deactivate")
def deactivate_user(username: str) -> Any:
    """Deactivate: login is refused and every session and token ends (`reason` is kept in the audit)."""
    return _set_active(username, False, json_body(required=False))


@bp.post("/users/<username>/activate")
def activate_user(username: str) -> Any:
    """Allow a deactivated person to log in again."""
    return _set_active(username, True, json_body(required=False))


@bp.post("/users/<username>/password")
def reset_user_password(username: str) -> Any:
    """A new generated password (returned once), to be replaced at the next login."""
    actor = current_actor()
    password = db.transact(lambda s: accounts.reset_password(s, actor, username))
    return {"username": username.strip().lower(), "password": password, "must_change_password": True}


def _set_active(username: str, active: bool, body: dict[str, Any]) -> Any:
    actor = current_actor()
    reason = body.get("reason") or ""
    if not isinstance(reason, str):
        raise BadRequest("text_required", field="reason")

    def work(session: Any) -> dict[str, Any]:
        user = accounts.set_active(session, actor, username, active, reason)
        return user_item(user, accounts.affiliation(session, user))
    return db.transact(work)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest("text_required", field=key)
    return value


def _profile(body: dict[str, Any], current: Profile) -> Profile:
    """The profile in the body over the current one; wrong JSON types are a 400, wrong values a 422."""
    values: dict[str, Any] = {f: (_text(body, f) if f in body else getattr(current, f)) for f in PROFILE_FIELDS}
    roles = body.get("roles", list(current.roles))
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise BadRequest("roles_list")
    library = body.get("library_id", current.library_id)
    if library is not None and (isinstance(library, bool) or not isinstance(library, int)):
        raise BadRequest("library_id_integer")
    return Profile(roles=tuple(roles), library_id=library, **values)
