"""Instances: start one, see it, and the supervisor actions that change its status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from engine import audit
from engine.db import utcnow
from engine.definitions import contract, derived, elements, forms, versions
from engine.definitions import diagram as diagrams
from engine.errors import BadRequest, Conflict, Forbidden, NotFound
from engine.models import Instance, InstanceStatus, Task, TaskStatus
from engine.notify import triggers
from engine.notify.notices import Kind
from engine.paging import MAX_PER_PAGE, Page, clamp, like_pattern, paginate
from engine.people import roles, scope
from engine.people.users import Actor
from engine.status import STATUS_WORDS as STATUS_WORDS  # the words callers of this module show
from engine.status import transition
from engine.workflow import action, runtime, scripts, spiff, steps, storage
from engine.workflow.runtime import Limits, Loaded

S = InstanceStatus
# Which supervisor actions each status offers (the others are refused by `transition` or `retry`).
OFFERED: dict[InstanceStatus, tuple[str, ...]] = {
    S.RUNNING: ("suspend", "cancel"),
    S.SUSPENDED: ("resume", "cancel"),
    S.ERROR: ("retry", "cancel"),
}


def start(session: Session, key: str, actor: Actor, data: dict[str, Any] | None = None, *,
          limits: Limits, public: bool = False, assigned: dict[str, Any] | None = None,
          title: str | None = None) -> Instance:
    """Start the current version of a definition; only its start lane's roles (or the public form) may.

    `data` is the submission, held to the start event's form (none: no data); `assigned` holds the
    values the system sets itself, such as a complaint's reference (its form marks them read-only).
    `title` names the instance (a cycle's "Monev Perpustakaan 2027 Tahap I"); without one it is
    named after its definition and id until its data gives it a title.
    """
    data = dict(data or {})
    title = (title or "").strip() or None
    if title is not None and (len(title) > 300 or any(ord(ch) < 32 for ch in title)):
        raise BadRequest("invalid_title", limit=300)
    forms.check_shape(data)
    definition = versions.latest(session, key)
    form = elements.elements(definition).get(f"start:{definition.key}")
    schema = versions.forms_of(definition).get(form.form or "") if form is not None else None
    allowed = frozenset(definition.start_roles)
    if public:
        if allowed:
            raise Forbidden("start_needs_login", process=key)
    elif not allowed & actor.roles:
        raise Forbidden("start_not_allowed", process=key)
    kept = derived.validators(definition.hash, form.form) if schema and form and form.form else None
    forms.validate(schema, data, kept=kept)
    data = {**contract.admit(schema, data, kept=kept), **(assigned or {})}
    spec, subprocess_specs = spiff.specs_for(definition.hash, lambda: definition.spec)
    workflow = spiff.new_workflow(spec, subprocess_specs, limits.script_time_limit)
    scripts.bind(workflow.script_engine, session)
    workflow.task_tree.data.update(data)
    for task in workflow.task_tree.children:
        task.data.update(data)
    instance = Instance(definition_id=definition.id, definition_key=definition.key, started_by=actor.username,
                        title=definition.name)
    session.add(instance)
    session.flush()
    storage.add(session, instance, workflow)
    instance.title = title or f"{definition.name} #{instance.id}"
    if title:
        instance.search_text = title.lower()
    audit.record(session, actor.username, "start", instance_id=instance.id, data=data)
    action.act(session, Loaded(instance, definition, workflow), actor, limits, submitted=data)
    return instance


@dataclass(frozen=True)
class Progress:
    """Where an instance stands: its business data and the BPMN elements done and active."""

    data: dict[str, Any]
    done: frozenset[str]
    active: frozenset[str]
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)


def progress(session: Session, instance: Instance) -> Progress:
    """Read an instance's current data and element states (one load of its state: detail views only)."""
    with runtime.reading(session, instance) as workflow:
        done, active = steps.element_states(workflow)
        return Progress(steps.current_data(workflow), done, active, steps.instance_counts(workflow))


def diagram(session: Session, instance: Instance, state: Progress | None = None, *, inline: bool = False) -> str:
    """The SVG diagram of an instance with the steps that ran and the ones open or waiting marked."""
    definition = runtime.get_definition(session, instance.definition_id)
    state = state or progress(session, instance)
    return diagrams.render_svg(definition.bpmn, process_id=definition.key, done=state.done, active=state.active,
                               inline=inline, counts=state.counts)


def get(session: Session, instance_id: int, actor: Actor | None = None) -> Instance:
    """An instance; with an actor, one they may see (others are reported as not found)."""
    instance = session.get(Instance, instance_id)
    if instance is None or (actor is not None and not can_view(session, actor, instance)):
        raise NotFound("instance_not_found", id=instance_id)
    return instance


def can_view(session: Session, actor: Actor, instance: Instance) -> bool:
    """Supervisors see every instance; others those they started or whose tasks are theirs.

    A pustakawan or mitra sees only the cycles addressed to its institution (`engine.people.scope`):
    a cycle's data names every library of it.
    """
    if roles.is_supervisor(actor.roles) or instance.started_by == actor.username:
        return True
    seen = scope.of(session, actor)
    if not seen.staff:
        return seen.institution is not None and instance.id in scope.addressed_instances(session, seen.institution)
    return bool(session.scalar(select(exists().where(Task.instance_id == instance.id, _involves(actor)))))


def _involves(actor: Actor) -> Any:
    lanes = [lane for lane, lane_roles in roles.LANE_ROLES.items() if lane_roles & actor.roles]
    return or_(Task.lane.in_(lanes), Task.completed_by == actor.username, Task.assignee == actor.username)


def list_instances(session: Session, actor: Actor, *, definition: str | None = None,
                   status: str | None = None, q: str | None = None, page: Any = 1,
                   per_page: Any = 50) -> Page[Instance]:
    """Instances the actor may see, newest first, filtered by definition, status and business text."""
    page_n, per_page_n = clamp(page, per_page)
    query = select(Instance).order_by(Instance.started_at.desc(), Instance.id.desc())
    if definition:
        query = query.where(Instance.definition_key == definition)
    if status:
        if status not in {s.value for s in S}:
            raise BadRequest("unknown_status", value=status)
        query = query.where(Instance.status == status)
    like = like_pattern(q)
    if like:
        query = query.where(or_(Instance.search_text.like(like, escape="\\"),
                                Instance.title.ilike(like, escape="\\")))
    seen = scope.of(session, actor)
    if not seen.staff:
        addressed = sorted(scope.addressed_instances(session, seen.institution)) if seen.institution else []
        query = query.where(or_(Instance.started_by == actor.username, Instance.id.in_(addressed)))
    elif not roles.is_supervisor(actor.roles):
        involved = exists().where(Task.instance_id == Instance.id, _involves(actor))
        query = query.where(or_(Instance.started_by == actor.username, involved))
    return paginate(session, query, page_n, per_page_n)


def all_instances(session: Session, actor: Actor, *, definition: str | None = None, status: str | None = None,
                  q: str | None = None, limit: int = 10_000) -> list[Instance]:
    """The filtered list of `list_instances` walked page by page, up to `limit` rows (for exports)."""
    found: list[Instance] = []
    page = 1
    while len(found) < limit:
        batch = list_instances(session, actor, definition=definition, status=status, q=q, page=page,
                               per_page=MAX_PER_PAGE)
        found.extend(batch.items)
        if page >= batch.pages:
            break
        page += 1
    return found[:limit]


def _supervise(session: Session, instance_id: int, actor: Actor, reason: str) -> Instance:
    if not roles.is_supervisor(actor.roles):
        raise Forbidden("supervisors_only")
    if not (reason or "").strip():
        raise BadRequest("reason_required")
    return get(session, instance_id)


def suspend(session: Session, instance_id: int, actor: Actor, reason: str) -> Instance:
    """Pause an instance: its tasks stay listed but cannot be completed, its timers wait."""
    instance = _supervise(session, instance_id, actor, reason)
    transition(instance, S.SUSPENDED)
    audit.record(session, actor.username, "suspend", instance_id=instance.id, reason=reason)
    triggers.stopped(session, instance, Kind.SUSPENDED, actor, reason, triggers.holders(session, instance.id))
    return instance


def resume(session: Session, instance_id: int, actor: Actor, reason: str) -> Instance:
    """Let a suspended instance run again."""
    instance = _supervise(session, instance_id, actor, reason)
    transition(instance, S.RUNNING)
    audit.record(session, actor.username, "resume", instance_id=instance.id, reason=reason)
    return instance


def cancel(session: Session, instance_id: int, actor: Actor, reason: str) -> Instance:
    """End an instance for good; its open tasks are withdrawn."""
    instance = _supervise(session, instance_id, actor, reason)
    transition(instance, S.CANCELLED)
    held_by = triggers.holders(session, instance.id)
    instance.open_tasks = 0
    for task in session.scalars(select(Task).where(Task.instance_id == instance.id,
                                                   Task.status == TaskStatus.OPEN)):
        task.status = TaskStatus.CANCELLED
        task.completed_at = utcnow()
    audit.record(session, actor.username, "cancel", instance_id=instance.id, reason=reason)
    triggers.stopped(session, instance, Kind.CANCELLED, actor, reason, held_by)
    return instance


def retry(session: Session, instance_id: int, actor: Actor, reason: str, *, limits: Limits) -> Instance:
    """Run again what failed (a completion or engine steps); a new failure stays an incident."""
    instance = _supervise(session, instance_id, actor, reason)
    if instance.status != S.ERROR:
        raise Conflict("retry_needs_incident")
    replay = dict(instance.incident or action.STEPS)
    audit.record(session, actor.username, "retry", instance_id=instance.id, reason=reason)
    loaded = runtime.load(session, instance, limits)
    completing = None
    if replay.get("action") == "complete":
        task = runtime.find_task(loaded.workflow, str(replay.get("task_id")))
        if task is None or not task.task_spec.manual:
            raise Conflict("failed_task_gone")
        completing = action.Completing(task, str(replay["task_id"]), replay.get("task_name"),
                                       str(replay.get("actor") or actor.username), dict(replay.get("data") or {}))
    action.act(session, loaded, actor, limits, completing=completing)
    return instance


def offered(instance: Instance, actor: Actor) -> tuple[str, ...]:
    """The supervisor actions to offer this actor on this instance (none to non-supervisors)."""
    return OFFERED.get(InstanceStatus(instance.status), ()) if roles.is_supervisor(actor.roles) else ()


def check_action(session: Session, instance_id: int, actor: Actor, name: str, reason: str) -> Instance:
    """Refuse a supervisor action as `supervise` would, without taking it (to ask for a confirmation first)."""
    instance = _supervise(session, instance_id, actor, reason)
    if name not in offered(instance, actor):
        target = {"suspend": S.SUSPENDED, "cancel": S.CANCELLED}.get(name, S.RUNNING)
        raise Conflict("invalid_transition", status=InstanceStatus(instance.status).value, target=target.value)
    return instance


def supervise(session: Session, instance_id: int, actor: Actor, name: str, reason: str, *,
              limits: Limits) -> Instance:
    """Run a supervisor action by name (suspend, resume, cancel, retry); each needs a supervisor and a reason."""
    if name == "retry":
        return retry(session, instance_id, actor, reason, limits=limits)
    if name not in _STATUS_ACTIONS:
        raise BadRequest("unknown_action", action=name)
    return _STATUS_ACTIONS[name](session, instance_id, actor, reason)


_STATUS_ACTIONS = {"suspend": suspend, "resume": resume, "cancel": cancel}
