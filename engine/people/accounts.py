"""Administering people: create users, change their roles and details, deactivate them, reset passwords.

Every function here is for administrators only and leaves an audit event (who, when, what changed).
Invalid input is refused as a whole with one detail per field, before anything is stored.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.db import utcnow
from engine.errors import Forbidden, NotFound, ValidationFailed, field_error
from engine.libraries import registry
from engine.libraries.registry import Library
from engine.models import ApiToken, AuditEvent, Task, TaskStatus, User
from engine.paging import Page, clamp
from engine.people import users
from engine.people.passwords import check_policy
from engine.people.roles import ROLES
from engine.people.users import Actor

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Loose on purpose: one @, something before it, a dot in the domain; the mail server is the real check.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NIP = re.compile(r"^\d{18}$")
LIMITS = {"name": 200, "email": 254, "nip": 32, "rank": 100, "position": 200}
# Words a generated password is made of: easy to read aloud and to type on a phone.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass
class Profile:
    """What an administrator sets on a person, besides the username and password."""

    name: str = ""
    roles: tuple[str, ...] = ()
    email: str = ""
    nip: str = ""
    rank: str = ""
    position: str = ""
    library_id: int | None = None
    institution: str = ""

    def changes(self, user: User) -> dict[str, list[Any]]:
        """The fields this profile would change on `user`, as {field: [old, new]}."""
        found = {}
        for f in fields(self):
            old, new = _stored(getattr(user, f.name)), _stored(getattr(self, f.name))
            if f.name == "roles":
                old, new = sorted(old or []), sorted(new or [])
            if old != new:
                found[f.name] = [old, new]
        return found


def _stored(value: Any) -> Any:
    if isinstance(value, tuple):
        return sorted(value)
    return None if value == "" else value


def require_admin(actor: Actor) -> None:
    """Refuse anyone but administrators."""
    if "admin" not in actor.roles:
        raise Forbidden("admins_only")


def institutions(session: Session) -> dict[str, str]:
    """The institutions a mitra may belong to: key → name (a setting)."""
    return dict(settings.get(session, "institutions"))


def check_profile(session: Session, profile: Profile, details: list[dict[str, Any]] | None = None) -> None:
    """Refuse a profile with a wrong value (ValidationFailed, one detail per field)."""
    found = details if details is not None else []
    profile.name = profile.name.strip()
    profile.email = profile.email.strip().lower()
    profile.nip = re.sub(r"\s+", "", profile.nip)
    profile.rank, profile.position, profile.institution = (
        profile.rank.strip(), profile.position.strip(), profile.institution.strip())
    if not profile.name:
        found.append(field_error("name", "required"))
    for name, limit in LIMITS.items():
        if len(getattr(profile, name)) > limit:
            found.append(field_error(name, "max_length", limit=limit))
    if not profile.roles:
        found.append(field_error("roles", "min_items", limit=1))
    elif unknown := sorted(set(profile.roles) - set(ROLES)):
        found.append(field_error("roles", "unknown_roles_field", roles=unknown))
    if profile.email and not _EMAIL.match(profile.email):
        found.append(field_error("email", "invalid_email"))
    if profile.nip and not _NIP.match(profile.nip):
        found.append(field_error("nip", "nip_format"))
    if profile.library_id is not None:
        if "pustakawan" not in profile.roles:
            found.append(field_error("library_id", "library_needs_pustakawan"))
        else:
            try:
                registry.get(session, profile.library_id)
            except NotFound:
                found.append(field_error("library_id", "unknown_library"))
    if profile.institution:
        known = institutions(session)
        if "mitra" not in profile.roles:
            found.append(field_error("institution", "institution_needs_mitra"))
        elif profile.institution not in known:
            found.append(field_error("institution", "unknown_institution", choices=sorted(known)))
    if found and details is None:
        raise ValidationFailed("form_invalid", details=found)


def generate_password() -> str:
    """A random password of 14 easy-to-read characters in groups (about 69 bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(14))
    return "-".join((raw[:5], raw[5:10], raw[10:]))


def create(session: Session, actor: Actor, username: str, profile: Profile) -> tuple[User, str]:
    """Add a person with a generated password (shown once; they choose their own at first login)."""
    require_admin(actor)
    username = username.strip().lower()
    details: list[dict[str, Any]] = []
    if not _USERNAME.match(username):
        details.append(field_error("username", "username_format"))
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        details.append(field_error("username", "username_taken", username=username))
    check_profile(session, profile, details)
    if details:
        raise ValidationFailed("form_invalid", details=details)
    password = generate_password()
    check_policy(username, password)
    user = User(username=username, password_hash=users.hash_password(password), must_change_password=True,
                **_values(profile))
    session.add(user)
    session.flush()
    audit.record(session, actor.username, "user_create", reason=username,
                 data={"username": username, **{k: v for k, v in _values(profile).items() if v not in (None, "")}})
    return user, password


def update(session: Session, actor: Actor, username: str, profile: Profile) -> dict[str, list[Any]]:
    """Change a person's name, roles, contact and affiliation; returns what changed (audited)."""
    require_admin(actor)
    user = get(session, actor, username)
    check_profile(session, profile)
    if user.username == actor.username and "admin" not in profile.roles:
        raise ValidationFailed("form_invalid", details=[field_error("roles", "own_admin_role")])
    changes = profile.changes(user)
    if not changes:
        return {}
    for key, value in _values(profile).items():
        setattr(user, key, value)
    if "roles" in changes:
        # Roles are read when a session or token is checked; ending them makes the new roles count at once.
        _end_access(session, user)
    audit.record(session, actor.username, "user_update", reason=user.username, data={"changes": changes})
    return changes


def set_active(session: Session, actor: Actor, username: str, active: bool, reason: str = "") -> User:
    """Deactivate (every session and token ends, login is refused) or reactivate a person; audited."""
    require_admin(actor)
    user = get(session, actor, username)
    if user.username == actor.username and not active:
        raise ValidationFailed("form_invalid", details=[field_error("active", "deactivate_self")])
    if user.active == active:
        return user
    user.active = active
    if not active:
        _end_access(session, user)
    audit.record(session, actor.username, "user_activate" if active else "user_deactivate",
                 reason=user.username, data={"username": user.username, "note": reason.strip()})
    return user


def reset_password(session: Session, actor: Actor, username: str) -> str:
    """A new generated password for an active person, to be replaced at their next login; audited.

    Their sessions and API tokens end: whoever held the old password is out.
    """
    require_admin(actor)
    user = get(session, actor, username)
    if user.username == actor.username:  # it would end the caller's own access; their own page changes it
        raise ValidationFailed("form_invalid", details=[field_error("username", "reset_own_password")])
    if not user.active:
        raise ValidationFailed("form_invalid", details=[field_error("active", "user_inactive")])
    password = generate_password()
    user.password_hash = users.hash_password(password)
    user.must_change_password = True
    _end_access(session, user)
    audit.record(session, actor.username, "password_reset", reason=user.username, data={"username": user.username})
    return password


def get(session: Session, actor: Actor, username: str) -> User:
    """Any person by username, active or not (administrators only)."""
    require_admin(actor)
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound("user_not_found", username=username)
    return user


def search(session: Session, actor: Actor, *, q: str = "", role: str = "", active: bool | None = None,
           page: Any = 1, per_page: Any = 50) -> Page[User]:
    """People by username, filtered by a text (username, name, email), a role and whether active."""
    require_admin(actor)
    number, size = clamp(page, per_page)
    query = select(User)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(User.username.like(like), func.lower(User.name).like(like),
                                func.lower(func.coalesce(User.email, "")).like(like)))
    if active is not None:
        query = query.where(User.active.is_(active))
    people = list(session.scalars(query.order_by(User.username)))
    if role:
        people = [u for u in people if role in (u.roles or [])]
    # The agency has tens of people, not thousands: filtering roles (a JSON list) in Python is fine.
    return Page(items=people[(number - 1) * size:number * size], total=len(people), page=number, per_page=size)


def audit_trail(session: Session, actor: Actor, username: str, limit: int = 50) -> list[Any]:
    """The administrative events about one person, newest first (their `reason` is the username)."""
    require_admin(actor)
    actions = ("user_create", "user_update", "user_activate", "user_deactivate", "password_reset")
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions),
                                                         AuditEvent.reason == username)
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))


def open_tasks_held(session: Session, actor: Actor, username: str) -> int:
    """How many open tasks a person holds: a deactivated person's tasks wait until a supervisor reassigns them."""
    require_admin(actor)
    return int(session.scalar(select(func.count()).select_from(Task).where(
        Task.assignee == username, Task.status == TaskStatus.OPEN)) or 0)


def _values(profile: Profile) -> dict[str, Any]:
    return {"name": profile.name, "roles": sorted(set(profile.roles)), "email": profile.email or None,
            "nip": profile.nip, "rank": profile.rank, "position": profile.position,
            "library_id": profile.library_id, "institution": profile.institution or None}


def _end_access(session: Session, user: User) -> None:
    users.end_sessions(session, user.id)
    for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                        ApiToken.revoked_at.is_(None))):
        token.revoked_at = utcnow()


def library_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "name · kecamatan") of every active library, for linking a pustakawan to one."""
    rows = session.execute(select(Library.id, Library.name, Library.kecamatan).where(Library.active.is_(True))
                           .order_by(Library.name, Library.id))
    return [(library_id, f"{name} · {kecamatan}") for library_id, name, kecamatan in rows]


@dataclass(frozen=True)
class Affiliation:
    """What a person belongs to: a pustakawan's library, a mitra's institution (None when unset)."""

    library: tuple[int, str] | None
    institution: tuple[str, str] | None


def affiliation(session: Session, user: User) -> Affiliation:
    """The library and institution of a person, with their names."""
    library = None
    if user.library_id is not None:
        name = session.scalar(select(Library.name).where(Library.id == user.library_id))
        library = (user.library_id, name) if name is not None else None
    institution = None
    if user.institution:
        institution = (user.institution, institutions(session).get(user.institution, user.institution))
    return Affiliation(library, institution)


def own_account(session: Session, actor: Actor) -> tuple[User, Affiliation]:
    """The caller's own account and affiliation (every person may read their own)."""
    user = users.get_user(session, actor.username)
    return user, affiliation(session, user)
