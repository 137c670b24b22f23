"""Human tasks: complete, claim, unclaim, assign, drafts, and the inbox / queue / archive queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.db import utcnow
from engine.definitions import contract, derived, forms, rules, versions
from engine.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationFailed, field_error
from engine.libraries import instrument_forms, instruments, registry
from engine.models import AuditEvent, Definition, Instance, InstanceStatus, Task, TaskStatus, User
from engine.notify import triggers
from engine.people import roles, scope
from engine.people.users import Actor

# The lists live in engine.task_lists; these names stay importable from here for their callers.
from engine.task_lists import TaskRow as TaskRow
from engine.task_lists import archive as archive
from engine.task_lists import in_scope as in_scope
from engine.task_lists import inbox as inbox
from engine.task_lists import queue as queue
from engine.workflow import action, runtime, steps, teams
from engine.workflow.runtime import Limits


@dataclass
class Completion:
    """What a completion led to: the instance's status and the tasks it opened."""

    instance_id: int
    status: str
    next_tasks: list[Task] = field(default_factory=list)
    incident: str | None = None


def get(session: Session, task_id: str, actor: Actor | None = None) -> Task:
    """A task row; with an actor, one they may see (others are reported as not found)."""
    task = session.get(Task, str(task_id)) if task_id else None
    if task is None or (actor is not None and not can_view(session, actor, task)):
        raise NotFound("task_not_found")
    return task


def can_view(session: Session, actor: Actor, task: Task) -> bool:
    """Supervisors see every task; others tasks of their lanes and tasks they hold, did or are on the team of.

    A library's or an institution's task is seen only by its own pustakawan or mitra (`engine.people.scope`).
    """
    if actor.username in (task.assignee, task.completed_by) or roles.is_supervisor(actor.roles):
        return True
    if roles.may_work_lane(actor.roles, task.lane) and scope.sees_task(session, scope.of(session, actor), task):
        return True
    return teams.is_member(session, task.id, actor.username)


def form_of(session: Session, task: Task) -> dict[str, Any] | None:
    """The JSON Schema pinned with the task's definition version, or None for a task without form.

    A form offering instruments by library type gets the one the workflow chose for the task's
    library (`instrumen` in its data), so the page, the API and the validation all see the same.
    """
    if not task.form:
        return None
    instance = session.get(Instance, task.instance_id)
    assert instance is not None
    definition = runtime.get_definition(session, instance.definition_id)
    schema = versions.forms_of(definition).get(task.form)
    if schema is None or not instrument_forms.variants(schema):
        return schema
    chosen = data_of(session, task).get(instruments.CHOICE_VARIABLE)
    kept = derived.validators(definition.hash, f"{task.form}#{chosen}")
    if "schema" not in kept:
        try:
            kept["schema"] = instrument_forms.variant(schema, str(chosen))
        except instruments.InstrumentError as exc:
            raise BadRequest(exc.code, **exc.params) from exc
    return cast("dict[str, Any]", kept["schema"])


def form_key(form: str, schema: dict[str, Any] | None) -> str:
    """Where a task form's validators are kept: per instrument for a form offering several."""
    chosen = (schema or {}).get(instruments.CHOSEN_KEYWORD)
    return f"{form}#{chosen}" if chosen else form


def data_of(session: Session, task: Task) -> dict[str, Any]:
    """The data a task sees in the workflow (its item, earlier answers, script results), JSON-safe."""
    instance = session.get(Instance, task.instance_id)
    assert instance is not None
    with runtime.reading(session, instance) as workflow:
        spiff_task = runtime.find_task(workflow, task.id)
        return steps.plain(spiff_task.data) if spiff_task is not None else {}


@dataclass(frozen=True)
class Prefill:
    """What an open task's form starts from: earlier values from the workflow and a note to show above it."""

    values: dict[str, Any]
    note: str | None


PREFILL_PROPERTY = "prefillFromData"
NOTE_PROPERTY = "noteVariable"


def prefill_of(session: Session, task: Task, schema: dict[str, Any] | None) -> Prefill:
    """The task's `prefillFromData` values (its form's fields only) and its `noteVariable` text, if any.

    A step done again (the letter after the partners asked for a correction) comes back with what
    the workflow holds now (the letter and its schedule) and the correction note on top.
    """
    if task.status != TaskStatus.OPEN:
        return Prefill({}, None)
    instance = session.get(Instance, task.instance_id)
    assert instance is not None
    with runtime.reading(session, instance) as workflow:
        spiff_task = runtime.find_task(workflow, task.id)
        if spiff_task is None:
            return Prefill({}, None)
        props = runtime.properties(spiff_task)
        data = steps.plain(spiff_task.data)
    names = [name.strip() for name in props.get(PREFILL_PROPERTY, "").split(",") if name.strip()]
    values = contract.declared_only(schema, {name: data[name] for name in names if name in data})
    note: Any = data
    for part in props.get(NOTE_PROPERTY, "").split(".") if props.get(NOTE_PROPERTY) else []:
        note = note.get(part) if isinstance(note, dict) else None
    return Prefill(values, note.strip() or None if isinstance(note, str) else None)


def events_of(session: Session, task: Task) -> list[AuditEvent]:
    """The history entries of one task, oldest first."""
    return [event for event in audit.history(session, task.instance_id) if event.task_id == task.id]


def values_of(task: Task, events: list[AuditEvent]) -> dict[str, Any]:
    """What a task's form shows: the data last submitted for a completed task, else its draft."""
    submitted = next((event.data for event in reversed(events) if event.action == "complete"), None)
    return (submitted or {}) if task.status == TaskStatus.COMPLETED else (task.draft or {})


def of_instance(session: Session, instance_id: int, *, status: str | None = None) -> list[Task]:
    """Every task row of an instance (optionally of one status), oldest first."""
    query = select(Task).where(Task.instance_id == instance_id)
    if status is not None:
        query = query.where(Task.status == status)
    return list(session.scalars(query.order_by(Task.created_at, Task.id)))


# A task with its instance and definition version: what every task action reads first, in one go.
_WORKABLE = (select(Task, Instance, Definition).join(Instance, Instance.id == Task.instance_id)
             .join(Definition, Definition.id == Instance.definition_id).where(Task.id == bindparam("task_id")))


def _workable(session: Session, task_id: str, actor: Actor) -> tuple[Task, Instance]:
    """The open task and its running instance, if the actor may work on it now.

    A task of another lane is Forbidden here, not NotFound: the API contract answers 403 for
    "not my lane" on task actions (viewing such a task is still a 404).
    """
    found = session.execute(_WORKABLE, {"task_id": str(task_id)}).first() if task_id else None
    if found is None:
        raise NotFound("task_not_found")
    task, instance = found[0], found[1]  # the definition stays in the session for the action
    # A visit team's members work its task whatever their lane (a subkoor named for a visit, say); asked
    # only when the lane or the holder would refuse, so a plain completion costs no extra query.
    in_lane = roles.may_work_lane(actor.roles, task.lane)
    member = (not in_lane or task.assignee not in (None, actor.username)) and \
        teams.is_member(session, task.id, actor.username)
    if not member and not in_lane:
        raise Forbidden("not_your_lane")
    if not member and not scope.sees_task(session, scope.of(session, actor), task):
        raise NotFound("task_not_found")
    if task.status != TaskStatus.OPEN:
        raise Conflict("task_completed" if task.status == TaskStatus.COMPLETED else "task_cancelled")
    if task.assignee and task.assignee != actor.username and not member:
        raise Conflict("task_claimed", holder=task.assignee,
                       details=[field_error("assignee", "task_claimed", holder=task.assignee)])
    if instance.status != InstanceStatus.RUNNING:
        raise Conflict("instance_not_running", status=InstanceStatus(instance.status).value)
    return task, instance


def may_work(task: Task, instance: Instance, actor: Actor, *, member: bool = False) -> bool:
    """True when the actor may claim, draft or complete the task now (what `_workable` refuses otherwise).

    `member`: the actor is on the task's team (`engine.workflow.teams.is_member`).
    """
    if task.status != TaskStatus.OPEN or instance.status != InstanceStatus.RUNNING:
        return False
    if member:
        return True
    return roles.may_work_lane(actor.roles, task.lane) and task.assignee in (None, actor.username)


def may_unclaim(task: Task, actor: Actor) -> bool:
    """True when the task is open and held, and the actor is its holder or a supervisor."""
    return (task.status == TaskStatus.OPEN and task.assignee is not None
            and (task.assignee == actor.username or roles.is_supervisor(actor.roles)))


def complete(session: Session, task_id: str, actor: Actor, data: dict[str, Any], *,
             limits: Limits, today: date | None = None) -> Completion:
    """Validate the submission, run the task and the engine, and record it, in the caller's transaction.

    Only what the task's form declares enters the workflow (`engine.definitions.contract`), and only
    when it keeps the form's reference and plausibility rules (`engine.definitions.rules`).

    A lost race on the instance row surfaces as StaleState from the flush; the caller's unit of
    work (`engine.db.run_in_transaction`) runs this again, and then the task is either still
    READY (another task of the instance won: we succeed) or done (this task won: Conflict).
    `today` is the day date rules count from (the demo's seeding records earlier cycles with it).
    """
    task, instance = _workable(session, task_id, actor)
    schema = form_of(session, task)
    definition = runtime.get_definition(session, instance.definition_id)
    kept = derived.validators(definition.hash, form_key(task.form, schema)) if schema and task.form else None
    forms.validate(schema, data, kept=kept)
    loaded = runtime.load(session, instance, limits)
    spiff_task = runtime.find_task(loaded.workflow, task.id)
    if spiff_task is None or not spiff_task.task_spec.manual or spiff_task.state != runtime.TaskState.READY:
        raise Conflict("task_not_ready")
    data = contract.admit(schema, data, spiff_task.data, kept=kept)
    rules.check(session, schema, data, spiff_task.data, today, kept=kept)
    data = registry.resolve_sources(session, schema, data, kept=kept)
    outcome = action.act(session, loaded, actor, limits,
                         completing=action.Completing(spiff_task, task.id, task.name, actor.username, data))
    return Completion(instance.id, instance.status, outcome.opened, outcome.incident)


def claim(session: Session, task_id: str, actor: Actor) -> Task:
    """Take an unclaimed task of one's lane (or a team task one is on); a task someone else holds is a Conflict."""
    task, _ = _workable(session, task_id, actor)
    holder = task.assignee
    result = session.execute(
        update(Task).where(Task.id == task.id, Task.status == TaskStatus.OPEN,
                           or_(Task.assignee.is_(None), Task.assignee == actor.username,
                               Task.assignee == holder))
        .values(assignee=actor.username, claimed_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("task_taken", code="task_claimed")
    session.refresh(task)
    audit.record(session, actor.username, "claim", instance_id=task.instance_id, task_id=task.id,
                 task_name=task.name)
    return task


def unclaim(session: Session, task_id: str, actor: Actor) -> Task:
    """Give a held task back to the queue (its holder or a supervisor)."""
    task = get(session, task_id, actor)
    if task.status != TaskStatus.OPEN:
        raise Conflict("task_not_open")
    if task.assignee != actor.username and not roles.is_supervisor(actor.roles):
        raise Forbidden("holder_only")
    task.assignee = None
    task.claimed_at = None
    audit.record(session, actor.username, "unclaim", instance_id=task.instance_id, task_id=task.id,
                 task_name=task.name)
    return task


def assign(session: Session, task_id: str, actor: Actor, username: str, reason: str) -> Task:
    """A supervisor hands an open task to a person whose roles fit its lane, with a reason."""
    if not roles.is_supervisor(actor.roles):
        raise Forbidden("supervisors_only")
    if not (reason or "").strip():
        raise BadRequest("reason_required")
    task = get(session, task_id)
    if task.status != TaskStatus.OPEN:
        raise Conflict("task_not_open")
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None or not user.active:
        raise ValidationFailed("unknown_user", username=username,
                               details=[field_error("username", "unknown_user", username=username)])
    # A team task (a visit) may go to anyone who may do visits; the new lead joins its team.
    team_task = bool(teams.teams_of(session, [task.id]))
    if not roles.may_work_lane(frozenset(user.roles), task.lane) and not (
            team_task and roles.may_visit(frozenset(user.roles))):
        raise ValidationFailed("user_not_in_lane", username=user.username,
                               details=[field_error("username", "user_not_in_lane", username=user.username)])
    previous = task.assignee
    task.assignee = user.username
    task.claimed_at = utcnow()
    if team_task:
        teams.add_member(session, task.id, user.username)
    audit.record(session, actor.username, "assign", instance_id=task.instance_id, task_id=task.id,
                 task_name=task.name, reason=reason, data={"from": previous, "to": user.username})
    if previous != user.username:
        triggers.assigned(session, task, actor)
    return task


def save_draft(session: Session, task_id: str, actor: Actor, data: dict[str, Any]) -> Task:
    """Keep unfinished form values on the task, with who saved them and when; they are not validated."""
    task, _ = _workable(session, task_id, actor)
    forms.check_shape(data)
    task.draft = data
    task.draft_by = actor.username
    task.draft_at = utcnow()
    return task


def comment(session: Session, task_id: str, actor: Actor, text: str) -> None:
    """Add a comment to a task's instance history."""
    task = get(session, task_id, actor)
    text = (text or "").strip()
    if not text or len(text) > 5000:
        raise BadRequest("comment_required", limit=5000)
    audit.record(session, actor.username, "comment", instance_id=task.instance_id, task_id=task.id,
                 task_name=task.name, reason=text)


def open_tasks(session: Session, instance_id: int) -> list[Task]:
    """The open tasks of one instance, by due date."""
    return list(session.scalars(select(Task).where(Task.instance_id == instance_id,
                                                   Task.status == TaskStatus.OPEN)
                                .order_by(Task.due_at.is_(None), Task.due_at, Task.created_at)))
