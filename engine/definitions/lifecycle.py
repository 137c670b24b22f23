"""The life of a version: draft -> current -> available -> retired; exactly one current version per key.

New instances start on the current version only. Activating a version (also the way back to an
older one) makes the previous current one available; retiring keeps a version's running instances
going but it can no longer be started or activated by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import Conflict, Forbidden, NotFound
from engine.models import Definition, Instance, InstanceStatus
from engine.people import roles
from engine.people.users import Actor

DRAFT, CURRENT, AVAILABLE, RETIRED = "draft", "current", "available", "retired"
STATUSES = (DRAFT, CURRENT, AVAILABLE, RETIRED)
MAX_REASON = 2000


@dataclass(frozen=True)
class VersionInfo:
    """One version with the count of its instances still running and completed."""

    definition: Definition
    running: int
    completed: int


def current_or_none(session: Session, key: str) -> Definition | None:
    """The current version of a key, if any version is current."""
    return session.scalar(select(Definition).where(Definition.key == key, Definition.status == CURRENT))


def lock_key(session: Session, key: str) -> None:
    """Lock every version row of a key (in id order), so two changes of its current version run one after the other."""
    session.execute(select(Definition.id).where(Definition.key == key).order_by(Definition.id).with_for_update())


def demote_current(session: Session, key: str) -> None:
    """The current version of a key becomes available (before another one becomes current)."""
    lock_key(session, key)
    session.execute(update(Definition).where(Definition.key == key, Definition.status == CURRENT)
                    .values(status=AVAILABLE).execution_options(synchronize_session="fetch"))
    session.flush()


def list_versions(session: Session, key: str) -> list[VersionInfo]:
    """Every version of a key, newest first, with its instances running and completed."""
    rows = list(session.scalars(select(Definition).where(Definition.key == key)
                                .order_by(Definition.version.desc())))
    if not rows:
        raise NotFound("definition_not_found", key=key)
    counts: dict[tuple[int, str], int] = {
        (definition_id, status): count for definition_id, status, count in session.execute(
            select(Instance.definition_id, Instance.status, func.count())
            .where(Instance.definition_id.in_([r.id for r in rows]))
            .group_by(Instance.definition_id, Instance.status))}
    running = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.ERROR)
    return [VersionInfo(row, sum(counts.get((row.id, str(s)), 0) for s in running),
                        counts.get((row.id, str(InstanceStatus.COMPLETED)), 0)) for row in rows]


def activate(session: Session, key: str, version: int, actor: Actor, reason: str) -> Definition:
    """Make a version current (a draft going live, or a rollback to an older one); audited."""
    definition = _version_for_change(session, key, version, actor)
    if definition.status == RETIRED:
        raise Conflict("definition_retired", key=key, version=version)
    previous = session.scalar(select(Definition).where(Definition.key == key, Definition.status == CURRENT)
                              .execution_options(populate_existing=True))
    if definition.status != CURRENT:
        demote_current(session, key)
        definition.status = CURRENT
        session.flush()
    audit.record(session, actor.username, "activate", data={
        "definition": key, "version": version, "previous": previous.version if previous else None,
        "reason": _reason(reason)})
    return definition


def retire(session: Session, key: str, version: int, actor: Actor, reason: str) -> Definition:
    """Stop a version from being started or activated; its running instances go on. Audited."""
    definition = _version_for_change(session, key, version, actor)
    if definition.status == CURRENT:
        raise Conflict("definition_current_retire", key=key, version=version)
    definition.status = RETIRED
    session.flush()
    audit.record(session, actor.username, "retire", data={"definition": key, "version": version,
                                                          "reason": _reason(reason)})
    return definition


def _version_for_change(session: Session, key: str, version: int, actor: Actor) -> Definition:
    if not roles.DEPLOY_ROLES & actor.roles:
        raise Forbidden("admins_only")
    lock_key(session, key)
    definition = session.scalar(select(Definition).where(Definition.key == key, Definition.version == version)
                                .execution_options(populate_existing=True))
    if definition is None:
        raise NotFound("definition_version_not_found", key=key, version=version)
    return definition


def _reason(reason: str) -> str:
    return (reason or "").strip()[:MAX_REASON]
