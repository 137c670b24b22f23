"""Users, their hashed passwords and roles, and the Actor value engine functions receive."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from engine.db import execute, utcnow
from engine.errors import BadRequest, NotFound
from engine.models import ApiToken, User
from engine.people.passwords import check_policy
from engine.people.roles import ROLES, may_visit

SYSTEM = "sistem"


@dataclass(frozen=True)
class Actor:
    """Who acts: a username and the roles that decide what they may do."""

    username: str
    roles: frozenset[str]

    @classmethod
    def of(cls, user: User) -> Actor:
        """The actor for a stored user."""
        return cls(user.username, frozenset(user.roles or ()))


SYSTEM_ACTOR = Actor(SYSTEM, frozenset())


def create_user(session: Session, username: str, password: str, roles: list[str], *,
                name: str = "", nip: str = "", rank: str = "", position: str = "") -> User:
    """Add a user with a hashed password; unknown roles, weak passwords and duplicates are refused."""
    username = username.strip().lower()
    unknown = sorted(set(roles) - set(ROLES))
    if not username or len(username) > 64:
        raise BadRequest("username_required", limit=64)
    if unknown:
        raise BadRequest("unknown_roles", roles=unknown)
    check_policy(username, password)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise BadRequest("user_exists", username=username)
    user = User(username=username, name=name or username, password_hash=hash_password(password),
                roles=sorted(set(roles)), nip=nip, rank=rank, position=position)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User:
    """An active user by username."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        raise NotFound("user_not_found", username=username)
    return user


def list_users(session: Session, *, role: str | None = None, active: bool = True) -> list[User]:
    """Users by username, optionally only those holding a role."""
    users = session.scalars(select(User).where(User.active.is_(active)).order_by(User.username))
    return [u for u in users if role is None or role in (u.roles or [])]


def visitors(session: Session) -> list[User]:
    """The active people who may be named for a visit (lead or member of a team), by name."""
    return [user for user in session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
            if may_visit(frozenset(user.roles or []))]


def display_names(session: Session, usernames: set[str]) -> dict[str, str]:
    """The full names of the named users that exist (any status), by username; a blank name gives the username."""
    names = sorted({u.strip().lower() for u in usernames if u and u.strip()})
    if not names:
        return {}
    found = session.execute(select(User.username, User.name).where(User.username.in_(names)))
    return {username: (name or "").strip() or username for username, name in found}


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None; unknown users cost the same hash work."""
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    # Hashing against a dummy of the same cost keeps the answer time from telling who exists.
    matches = check_password(user.password_hash if user is not None else _dummy_hash(), password or "")
    if user is None or not user.active or not matches:
        return None
    return user


def set_password(session: Session, username: str, password: str) -> User:
    """Give an active user a new password (policy checked); their sessions and API tokens end."""
    user = get_user(session, username)
    check_policy(user.username, password)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    end_sessions(session, user.id)
    for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                        ApiToken.revoked_at.is_(None))):
        token.revoked_at = utcnow()
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """End every browser session of a user: a session counts only while it holds the current generation."""
    session.execute(update(User).where(User.id == user_id)
                    .values(session_generation=User.session_generation + 1))


def issue_token(session: Session, user: User, *, lifetime: timedelta = timedelta(hours=12)) -> str:
    """A new bearer token for the user; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + lifetime))
    return token


@dataclass(frozen=True)
class TokenUser:
    """The person a live bearer token belongs to, as read for one request."""

    id: int
    username: str
    name: str
    roles: frozenset[str]


# Every API call looks its token up, so this is one prepared statement on plain columns: the unique
# index on token_hash finds the row, and no ORM objects are built. It is read on every request
# (never cached), so a revoked token or a deactivated user is refused on the very next call.
_tokens, _users = ApiToken.__table__.c, User.__table__.c
_TOKEN_LOOKUP = (select(_users.id, _users.username, _users.name, _users.roles, _users.active,
                        _tokens.expires_at, _tokens.revoked_at)
                 .select_from(ApiToken.__table__.join(User.__table__, _users.id == _tokens.user_id))
                 .where(_tokens.token_hash == bindparam("token_hash")))


def user_for_token(session: Session, token: str, now: datetime | None = None) -> TokenUser | None:
    """The user a live token belongs to, or None when unknown, expired or revoked."""
    found = execute(session, _TOKEN_LOOKUP, {"token_hash": _digest(token)}).first()
    if found is None:
        return None
    user_id, username, name, roles, active, expires_at, revoked_at = found
    if revoked_at is not None or expires_at <= (now or utcnow()) or not active:
        return None
    return TokenUser(user_id, username, name, frozenset(roles or ()))


def revoke_token(session: Session, token: str) -> bool:
    """Revoke a token; True when it existed."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None:
        return False
    row.revoked_at = row.revoked_at or utcnow()
    return True


# scrypt from the standard library: memory-hard, no extra dependency, and no web framework in engine/.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """A salted scrypt hash of the password, self-describing for later parameter changes."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(stored: str, password: str) -> bool:
    """True when the password matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def _dummy_hash() -> str:
    """A stored-hash string of today's cost that no password matches."""
    zeros = _b64(bytes(16))
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${zeros}${zeros}"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
