"""API: the caller (`/me`) and, for administrators, people: list, create, change, deactivate, reset."""

from __future__ import annotations

from typing import Any

from flask import g, request

from engine.errors import BadRequest
from engine.models import User
from engine.people import accounts
from engine.people.accounts import Affiliation, Profile
from engine.people.roles import ROLES
from web import db
from web.api import declare
from web.api.base import bp, json_body, listing, page_args
from web.api.schemas import PAGING, REASON, SEARCH, body, list_of, query, ref
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


USERNAME = {"username": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9._-]+$"}}
ACCOUNT_FIELDS: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 200},
    "roles": {"type": "array", "items": {"type": "string"}, "description": "each one of " + ", ".join(ROLES)},
    "email": {"type": ["string", "null"], "maxLength": 254}, "nip": {"type": ["string", "null"], "maxLength": 32,
                                                                    "description": "18 digits"},
    "rank": {"type": ["string", "null"], "maxLength": 100}, "position": {"type": ["string", "null"], "maxLength": 200},
    "library_id": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1,
                   "description": "a pustakawan's library"},
    "institution": {"type": ["string", "null"], "maxLength": 200,
                    "description": "a mitra's institution key (setting `institutions`)"}}
ADMIN = {403: None}
REASON_BODY = body({"reason": {**REASON, "type": ["string", "null"]}})
CHANGED = {200: ref("Account"), 403: None, 422: ("invalid_data",)}
ON_USER = {"GetUser": {"operationId": "get_user", "parameters": {"username": "$response.body#/username"}}}


@declare.route(bp, "/me", "GET", summary="The caller, with the library or institution they belong to", tag="auth",
               responses={200: ref("Me")})
def me() -> Any:
    """The caller: username, name, roles, email, and the library or institution they belong to."""
    user, found = accounts.own_account(db.session(), g.api_user.actor)
    return {"username": user.username, "name": user.name, "roles": sorted(user.roles or []), "email": user.email,
            **affiliation_json(found)}


@declare.route(bp, "/users", "GET", summary="People (admin)", tag="users", responses={200: list_of("Account"), **ADMIN},
               query=query({"q": {**SEARCH, "description": "username, name or email"},
                            "role": {"type": "string", "enum": list(ROLES)}, "active": {"type": "boolean"},
                            **PAGING}),
               links={200: {"GetUser": {"operationId": "get_user",
                                        "parameters": {"username": "$response.body#/items/0/username"}}}})
def list_users() -> Any:
    """People (administrators), searched with `q`, filtered by `role` and `active`."""
    session = db.session()
    active = {"true": True, "false": False}.get((request.args.get("active") or "").lower())
    page, per_page = page_args()
    result = accounts.search(session, current_actor(), q=request.args.get("q") or "",
                             role=request.args.get("role") or "", active=active, page=page, per_page=per_page)
    return listing(result, lambda user: user_item(user, accounts.affiliation(session, user)))


@declare.route(bp, "/users", "POST", summary="Add a person (admin); the answer carries the generated password, once",
               tag="users", admin=True, body=body({"username": {"type": "string", "maxLength": 64}, **ACCOUNT_FIELDS},
                                      ("username", "name", "roles")),
               responses={201: {"allOf": [ref("Account"), {"type": "object", "properties": {
                   "password": {"type": "string"}}}]}, 403: None, 422: ("invalid_data",)}, links={201: ON_USER})
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


@declare.route(bp, "/users/<username>", "GET", summary="One person (admin)", tag="users", path=USERNAME,
               responses={200: ref("Account"), **ADMIN})
def get_user(username: str) -> Any:
    """One person."""
    session = db.session()
    user = accounts.get(session, current_actor(), username)
    return user_item(user, accounts.affiliation(session, user))


@declare.route(bp, "/users/<username>", "PATCH", summary="Change the fields sent (admin); audited", tag="users",
               path=USERNAME, body=body(ACCOUNT_FIELDS),
               responses={200: {"allOf": [ref("Account"), {"type": "object", "properties": {
                   "changes": {"type": "object"}}}]}, 403: None, 422: ("invalid_data",)})
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


@declare.route(bp, "/users/<username>/deactivate", "POST", summary="Deactivate (admin): login refused, sessions "
               "and tokens end", tag="users", path=USERNAME, body=REASON_BODY,
               body_required=False, responses=CHANGED)
def deactivate_user(username: str) -> Any:
    """Deactivate: login is refused and every session and token ends (`reason` is kept in the audit)."""
    return _set_active(username, False, json_body(required=False))


@declare.route(bp, "/users/<username>/activate", "POST", summary="Allow a deactivated person to log in again "
               "(admin)", tag="users", path=USERNAME, body=REASON_BODY,
               body_required=False, responses=CHANGED)
def activate_user(username: str) -> Any:
    """Allow a deactivated person to log in again."""
    return _set_active(username, True, json_body(required=False))


@declare.route(bp, "/users/<username>/password", "POST", summary="Reset the password (admin): a generated one, "
               "returned once, replaced at the next login", tag="users", path=USERNAME,
               responses={200: {"type": "object", "properties": {"username": {"type": "string"},
                                                                 "password": {"type": "string"},
                                                                 "must_change_password": {"type": "boolean"}}},
                          **ADMIN, 422: ("invalid_data",)})
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
    if isinstance(library, float) and library.is_integer():  # JSON does not tell 2 from 2.0
        library = int(library)
    if library is not None and (isinstance(library, bool) or not isinstance(library, int)):
        raise BadRequest("library_id_integer")
    return Profile(roles=tuple(roles), library_id=library, **values)
