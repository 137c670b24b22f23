"""The database as the web layer sees it: one session per request, and retried units of work in it.

A request uses one session on `g`, opened on first use and closed when the request ends. A
mutation runs in `transact`, i.e. `engine.db.run_in_session` on that session: what the request
read first (who is calling) and what the unit of work reads and writes are one transaction,
committed once; a stale-write conflict rolls it back and runs the unit again, reading afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, g
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Context, Settings
from engine.db import run_in_session
from engine.workflow.runtime import Limits
from web.ratelimit import Window

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class WebState:
    """What the web layer keeps per app: settings, the engine context and the rate limiters."""

    settings: Settings
    context: Context
    complaints: Window
    logins: Window

    @property
    def factory(self) -> sessionmaker[Session]:
        """The app's session factory (the engine context's)."""
        return self.context.factory


def state(app: Flask | None = None) -> WebState:
    """The Senapas state of the current (or given) app."""
    return (app or current_app).extensions["senapas"]


def session() -> Session:
    """The request's session."""
    if "db" not in g:
        g.db = state().factory()
    return g.db


def transact(work: Callable[[Session], T]) -> T:
    """Run one unit of work in the request's session, committed once, run again after a stale write."""
    return run_in_session(session(), work)


def limits() -> Limits:
    """The engine limits every engine call of this app receives (the engine context's)."""
    return state().context.limits


def close_session(_exc: BaseException | None = None) -> None:
    """Close the request's session (teardown); a connection that died is dropped from the pool.

    Closing rolls back, which fails on a connection the server terminated; the request has already
    chosen its answer (a 503), so the failure must not turn into a raw error here.
    """
    db: Any = g.pop("db", None)
    if db is None:
        return
    try:
        db.close()
    except DBAPIError as exc:
        log.warning("request session closed on a broken connection: %s", exc.orig)
        db.invalidate()
