"""Database plumbing: the declarative base, engines for SQLite and PostgreSQL, and the retried unit of work."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

from sqlalchemy import CursorResult, DateTime, Dialect, Engine, Executable, MetaData, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import JSON, TypeDecorator
from sqlalchemy.util.typing import TupleAny

from engine import json_text
from engine.errors import Conflict, StaleState

log = logging.getLogger(__name__)
T = TypeVar("T")
# Where a session keeps strong references to the objects it loaded (see make_session_factory).
_HELD = "senapas_held"
# Where a session keeps what runs once its transaction commits (see after_commit).
_AFTER_COMMIT = "senapas_after_commit"
# Where every session of one factory finds what the process keeps for that database (see kept).
_KEPT = "senapas_kept"
# Where a session notes the objects its transaction has written (see wrote).
_WRITTEN = "senapas_written"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on both databases (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if dialect.name == "postgresql" else value.astimezone(UTC).replace(
            tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], datetime | None] | None:
        """On SQLite, read the stored text straight into an aware datetime.

        The general path (parse a naive datetime, then `replace(tzinfo=UTC)`) costs several times
        more, and a task list reads hundreds of these; text that is not plain naive ISO takes it.
        """
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or general is None:
            return general

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            try:
                return datetime.fromisoformat(value + "+00:00")
            except (TypeError, ValueError):
                return general(value)

        return process


class Base(DeclarativeBase):
    """Declarative base of every Senapas table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


intpk = Annotated[int, mapped_column(primary_key=True)]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def execute(session: Session, statement: Executable, params: Any = None) -> CursorResult[*TupleAny]:
    """Run a prepared Core statement (on tables, not mapped classes) in the session's transaction.

    What `Session.execute` does for such a statement, pending ORM changes flushed first unless
    autoflush is off, without its per-call ORM bookkeeping, which costs about as much as SQLite's
    own work on the short statements of the completion path.
    """
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys, PostgreSQL uses psycopg 3.

    JSON columns are written with `engine.json_text`.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    kwargs.setdefault("json_serializer", json_text.dumps)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def unreachable(url: str, timeout: int = 3) -> str | None:
    """None when the database at `url` answers, else the first line of the reason it does not."""
    try:
        engine = make_engine(url, connect_args={"connect_timeout": timeout} if "postgresql" in url else {})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect is the answer here, not an error
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit and loaded while a transaction lasts.

    The identity map holds objects weakly: a row one step of an action dropped (the library a
    result was recorded for) would be read again by the next step (the letter that prints it).
    The session holds what it loaded until the transaction ends; the next transaction reads rows
    afresh, as before (holding them longer would keep values another transaction changed).
    The factory also runs what `after_commit` registered, notes what a transaction `wrote`, and
    gives its sessions one `kept` store.
    """
    factory = sessionmaker(engine, expire_on_commit=False, info={_KEPT: {}})
    for name in ("pending_to_persistent", "deleted_to_persistent", "detached_to_persistent",
                 "loaded_as_persistent"):
        event.listen(factory, name, _hold)
    for name in ("persistent_to_detached", "persistent_to_deleted", "persistent_to_transient"):
        event.listen(factory, name, _release)
    for name in ("after_commit", "after_rollback"):
        event.listen(factory, name, _release_all)
    event.listen(factory, "after_commit", _run_after_commit)
    event.listen(factory, "after_rollback", _drop_after_commit)
    event.listen(factory, "after_flush", _note_flushed)
    return factory


def after_commit(session: Session, key: Hashable, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's transaction commits (never if it rolls back).

    A later callback under the same key replaces the earlier one.
    """
    session.info.setdefault(_AFTER_COMMIT, {})[key] = callback


def kept(session: Session) -> dict[str, Any]:
    """What this process keeps for the session's database, shared by every session of its factory.

    One store per factory, and a factory per database: what is kept for one database is never
    seen by another that happens to hold rows with the same ids. A session made without
    `make_session_factory` gets an empty store of its own.
    """
    store: dict[str, Any] = session.info.setdefault(_KEPT, {})
    return store


def note_written(session: Session, obj: object) -> None:
    """Note that this transaction wrote `obj`'s row with a statement of its own (not a flush)."""
    session.info.setdefault(_WRITTEN, set()).add(obj)


def wrote(session: Session, obj: object) -> bool:
    """Whether this transaction has written `obj`'s row (flushed, or noted by `note_written`)."""
    return obj in session.info.get(_WRITTEN, ())


def _note_flushed(session: Session, _context: Any) -> None:
    session.info.setdefault(_WRITTEN, set()).update((*session.new, *session.dirty, *session.deleted))


def _run_after_commit(session: Session) -> None:
    for callback in (session.info.pop(_AFTER_COMMIT, None) or {}).values():
        callback()


def _drop_after_commit(session: Session, *_: Any) -> None:
    session.info.pop(_AFTER_COMMIT, None)


def open_database(url: str, pool_size: int | None = None) -> sessionmaker[Session]:
    """A session factory on a new engine for `url` (PostgreSQL: `pool_size` connections kept, twice as many more
    on a burst); a SQLite file's folder is created first."""
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    if pool_size and url.startswith("postgresql"):
        return make_session_factory(make_engine(url, pool_size=pool_size, max_overflow=2 * pool_size))
    return make_session_factory(make_engine(url))


def _hold(session: Session, instance: object) -> None:
    session.info.setdefault(_HELD, set()).add(instance)


def _release(session: Session, instance: object) -> None:
    session.info.get(_HELD, set()).discard(instance)


def _release_all(session: Session, *_: Any) -> None:
    session.info.pop(_HELD, None)
    session.info.pop(_WRITTEN, None)


def is_retryable(exc: BaseException) -> bool:
    """True for errors after which the whole unit of work may simply run again.

    A stale instance version means another transaction changed the instance after we read it.
    SQLite answers "database is locked" when a writer's read snapshot went stale (WAL mode gives
    SQLITE_BUSY_SNAPSHOT without waiting); PostgreSQL answers serialization failures (40001) and
    deadlocks (40P01). In every case the transaction was rolled back and nothing was written.
    """
    if isinstance(exc, StaleState | StaleDataError):
        return True
    if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
        return True
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None)
        return code in {"40001", "40P01"}
    return False


def run_in_transaction(factory: sessionmaker[Session], work: Callable[[Session], T], *,
                       attempts: int = 8) -> T:
    """Run `work` in one transaction of a new session and commit; retry the whole unit on a retryable conflict."""
    with factory() as session:
        return run_in_session(session, work, attempts=attempts)


def run_in_session(session: Session, work: Callable[[Session], T], *, attempts: int = 8) -> T:
    """Run `work` in the session's transaction and commit; after a retryable conflict roll back and run it again.

    The transaction may already hold the caller's reads (a web request reads who is calling
    first); they commit with the unit. The rollback expires every object the session holds, so a
    rerun reads them afresh. When every attempt lost its race, the caller gets a Conflict (HTTP
    409: try again), not the database's own error.
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work(session)
            session.commit()
            return result
        except Exception as exc:
            session.rollback()
            if not is_retryable(exc):
                raise
            if attempt == attempts:
                raise Conflict("stale") from exc
            log.debug("retrying unit of work after %s (attempt %d)", type(exc).__name__, attempt)
    raise AssertionError("unreachable")
