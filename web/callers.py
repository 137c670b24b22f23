"""Who is calling, for the pages and the API alike: the logged-in person or a bearer token's, and how
often one client address may try the public doors (login, complaints)."""

from __future__ import annotations

from flask import g, request, session
from flask_login import LoginManager, current_user
from sqlalchemy.orm import Session

from engine.errors import Forbidden
from engine.models import User
from engine.people import roles, users
from web import db
from web.errors import RateLimited
from web.ratelimit import Window

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = ""
login_manager.session_protection = "basic"
GENERATION = "generation"  # the session key holding the user's session generation at login


class SessionUser:
    """The logged-in person as the pages see them (a snapshot of the user row)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: User | users.TokenUser) -> None:
        self.id = str(user.id)
        self.username = user.username
        self.name = user.name
        self.roles = frozenset(user.roles or ())
        self.must_change_password = bool(getattr(user, "must_change_password", False))

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session cookie."""
        return self.id

    @property
    def actor(self) -> users.Actor:
        """The engine actor for this person."""
        return users.Actor(self.username, self.roles)

    @property
    def is_supervisor(self) -> bool:
        """True for kabid, subkoor and admin."""
        return roles.is_supervisor(self.roles)

    @property
    def is_admin(self) -> bool:
        """True for process owners."""
        return "admin" in self.roles


@login_manager.user_loader
def load_user(user_id: str) -> SessionUser | None:
    """The active user behind a session cookie, or None (which logs the session out).

    A session began before the user's last logout or password change carries an older generation.
    """
    if not user_id.isdigit():
        return None
    user = db.session().get(User, int(user_id))
    if user is None or not user.active or session.get(GENERATION) != user.session_generation:
        drop_session()  # an ended session is dropped, never refreshed
        return None
    return SessionUser(user)


def drop_session() -> None:
    """Empty the session cookie but keep the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_actor() -> users.Actor:
    """The actor of the logged-in person (pages) or of the bearer token (API)."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user.actor
    return current_user.actor


def require_admin() -> None:
    """Refuse anyone but process owners."""
    if "admin" not in current_actor().roles:
        raise Forbidden("admins_only")


def client_key() -> str:
    """The address the rate limits count (the proxy-corrected remote address)."""
    return request.remote_addr or "unknown"


def check_credentials(db_session: Session, username: str, password: str) -> User | None:
    """Check credentials under the login limit: failures count per client address and per username.

    Successful logins never count, so people behind one address are not locked out by their own
    colleagues; the refusal says how long to wait.
    """
    limiter = db.state().logins
    keys = (f"address:{client_key()}", f"user:{(username or '').strip().lower()}")
    wait = max(limiter.wait(key) for key in keys)
    if wait:
        raise RateLimited("too_many_logins", seconds=wait)
    user = users.authenticate(db_session, username, password)
    if user is None:
        for key in keys:
            limiter.add(key)
    return user


def check_lookup_rate() -> None:
    """Refuse a client whose complaint status lookups failed too often (a wrong reference or contact).

    Failed lookups count like complaints, under their own key, so guessing contacts is as slow as
    sending complaints; a lookup that finds its complaint never counts.
    """
    limiter = db.state().complaints
    wait = limiter.wait(f"lookup:{client_key()}")
    if wait:
        raise RateLimited("too_many_lookups", seconds=wait)


def count_failed_lookup() -> None:
    """Count one complaint status lookup that found nothing for this client."""
    limiter = db.state().complaints
    limiter.add(f"lookup:{client_key()}")


def check_complaint_rate() -> None:
    """Count one complaint for this client; over the limit is a RateLimited error (429)."""
    limiter: Window = db.state().complaints
    wait = limiter.hit(client_key())
    if wait:
        raise RateLimited("too_many_complaints", seconds=wait)
