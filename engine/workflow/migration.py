"""Moving running instances to another version of their definition, with SpiffWorkflow's spec diff.

A change ahead of every token migrates: the tasks not yet reached are predicted again from the new
version. A change to a task that is running (started) or done, or a removed task the instance has
reached, is a problem: the instance is left as it was. Changes that do not touch what already ran
(names, documentation, the flows after a task) do not block. An instance stopped by an incident is
rescued by migrating it to a fixed version: what failed runs again on the new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.definitions import lifecycle, versions
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from engine.models import Definition, Instance, InstanceStatus, Task, TaskStatus
from engine.people import roles
from engine.people.users import Actor
from engine.workflow import action, runtime, spiff, state_text
from engine.workflow.runtime import Limits, Loaded

MIGRATABLE = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.ERROR)
# Spec attributes whose change does not touch work already done or under way.
HARMLESS = frozenset({"bpmn_name", "description", "documentation", "outputs", "inputs", "lane", "manual",
                      "extensions"})
REACHED = TaskState.STARTED | TaskState.COMPLETED | TaskState.ERROR
MAX_REASON = 2000


@dataclass
class Plan:
    """What migrating one instance would do: whether it can, the problems that block it, the changes."""

    instance_id: int
    from_version: int
    to_version: int
    problems: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def migratable(self) -> bool:
        """No problem blocks it."""
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """The API shape."""
        return {"instance_id": self.instance_id, "from_version": self.from_version, "to_version": self.to_version,
                "migratable": self.migratable, "problems": self.problems, "changes": self.changes}


def migrate_instance(session: Session, instance_id: int, to_version: int, actor: Actor, *, dry_run: bool,
                     reason: str, limits: Limits) -> Plan:
    """Dry-run or migrate one instance; a blocked one is a Conflict carrying its problems."""
    _require_admin(actor)
    instance = session.scalar(select(Instance).where(Instance.id == instance_id).with_for_update())
    if instance is None:
        raise NotFound("instance_not_found", id=instance_id)
    target = _target(session, instance.definition_key, to_version)
    plan, loaded = _plan(session, instance, target, limits)
    if not dry_run:
        if not plan.migratable:
            raise Conflict("migration_blocked", details=plan.problems, id=instance_id)
        _apply(session, loaded, target, actor, reason, plan, limits)
    return plan


def migrate_all(session: Session, key: str, from_version: int, to_version: int, actor: Actor, *,
                dry_run: bool, reason: str, limits: Limits) -> dict[str, Any]:
    """Dry-run or migrate every running, suspended or stopped instance of one version; blocked ones stay."""
    _require_admin(actor)
    source = versions.get_version(session, key, from_version)
    target = _target(session, key, to_version)
    if source.id == target.id:
        raise ValidationFailed("migration_same_version", version=to_version, details=[
            field_error("to_version", "migration_same_version", version=to_version)])
    rows = list(session.scalars(select(Instance).where(Instance.definition_id == source.id,
                                                       Instance.status.in_([str(s) for s in MIGRATABLE]))
                                .order_by(Instance.id).with_for_update()))
    migrated, migratable, blocked = [], [], []
    for instance in rows:
        plan, loaded = _plan(session, instance, target, limits)
        if not plan.migratable:
            blocked.append({"id": instance.id, "problems": plan.problems})
            continue
        migratable.append(instance.id)
        if not dry_run:
            _apply(session, loaded, target, actor, reason, plan, limits)
            migrated.append(instance.id)
    return {"migrated": migrated, "migratable": migratable, "blocked": blocked}


def _require_admin(actor: Actor) -> None:
    if not roles.DEPLOY_ROLES & actor.roles:
        raise Forbidden("admins_only")


def _target(session: Session, key: str, version: int) -> Definition:
    target = versions.get_version(session, key, version)
    if target.status == lifecycle.RETIRED:
        raise Conflict("definition_retired", key=key, version=version)
    return target


def _plan(session: Session, instance: Instance, target: Definition, limits: Limits) -> tuple[Plan, Loaded]:
    """Restore the instance and compare it with the target version; nothing is changed yet."""
    source = runtime.get_definition(session, instance.definition_id)
    plan = Plan(instance.id, source.version, target.version)
    if instance.status not in MIGRATABLE:
        plan.problems.append({"code": "instance_not_running", "element": None, "params": {"status": instance.status}})
    if source.id == target.id:
        plan.problems.append({"code": "migration_same_version", "element": None, "params": {}})
    loaded = runtime.restore(session, instance, limits)
    if plan.problems:
        return plan, loaded
    spec, subprocess_specs = spiff.specs_for(target.hash, lambda: target.spec)
    registry = spiff.serializer().registry
    top, subs = diff_workflow(registry, loaded.workflow, spec, subprocess_specs)
    _judge(top, plan, loaded.workflow.spec.name)
    for key, sub_diff in subs.items():
        sub = loaded.workflow.subprocesses[key]
        if sub_diff is None:
            if not sub.is_completed():
                plan.problems.append({"code": "called_process_removed", "element": sub.spec.name, "params": {}})
            continue
        _judge(sub_diff, plan, sub.spec.name)
    plan.changes = _unique(plan.changes)
    return plan, loaded


def _judge(diff: WorkflowDiff, plan: Plan, process: str) -> None:
    """Add the problems and changes one (sub)workflow's diff shows."""
    for task in diff.removed:
        element = task.task_spec.bpmn_id or task.task_spec.name
        if task.state & REACHED or (task.state & TaskState.READY and task.task_spec.manual):
            plan.problems.append({"code": "task_removed_reached", "element": element,
                                  "params": {"process": process, "state": TaskState.get_name(task.state)}})
        plan.changes.append({"element": element, "process": process, "change": "removed", "fields": []})
    for task in diff.changed:
        spec_diff = diff.alignment.get(task)
        fields = sorted(_changed_fields(task, spec_diff))
        element = task.task_spec.bpmn_id or task.task_spec.name
        if not fields:
            continue
        plan.changes.append({"element": element, "process": process, "change": "changed", "fields": fields})
        touched = [f for f in fields if f not in HARMLESS]
        if touched and task.state & REACHED:
            plan.problems.append({"code": "task_changed_reached", "element": element,
                                  "params": {"process": process, "state": TaskState.get_name(task.state),
                                             "fields": touched}})


def _changed_fields(task: Any, new_spec: Any) -> set[str]:
    if new_spec is None:
        return set()
    registry = spiff.serializer().registry
    old, new = registry.convert(task.task_spec), registry.convert(new_spec)
    if old.get("typename") != new.get("typename"):
        return {"typename"}
    return {key for key, value in old.items() if new.get(key) != value}


def _unique(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for change in changes:
        seen.setdefault((change["process"], change["element"], change["change"]), change)
    return [seen[k] for k in sorted(seen)]


def _apply(session: Session, loaded: Loaded, target: Definition, actor: Actor, reason: str, plan: Plan,
           limits: Limits) -> None:
    """Move the restored workflow onto the target's specs, run what is due, save, audit."""
    workflow = loaded.workflow
    spec, subprocess_specs = spiff.specs_for(target.hash, lambda: target.spec)
    registry = spiff.serializer().registry
    top, subs = diff_workflow(registry, workflow, spec, subprocess_specs)
    migrate_workflow(top, workflow, spec)
    for key, sub_diff in subs.items():
        sub = workflow.subprocesses[key]
        if sub_diff is not None:
            migrate_workflow(sub_diff, sub, subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = subprocess_specs
    for part in (workflow, *workflow.subprocesses.values()):
        _repredict(part)
    state_text.forget(workflow)  # every part is written again, on the new specs
    instance = loaded.instance
    instance.definition_id = target.id
    moved = Loaded(instance, target, workflow)
    audit.record(session, actor.username, "migrate", instance_id=instance.id,
                 reason=(reason or "").strip()[:MAX_REASON],
                 data={"definition": target.key, "from_version": plan.from_version, "to_version": target.version,
                       "changes": plan.changes})
    _refresh_open_rows(session, moved)
    stopped = instance.status == InstanceStatus.ERROR
    if stopped:
        _replay(session, moved, actor, limits)
    elif instance.status == InstanceStatus.SUSPENDED:
        runtime.save(session, moved)
    else:
        action.act(session, moved, actor, limits)


def _repredict(workflow: Any) -> None:
    """Tasks under way whose flows changed get the new version's next tasks (their old ones are dropped)."""
    for task in list(workflow.tasks.values()):
        if not task.has_state(TaskState.STARTED | TaskState.ERROR) or task.id not in workflow.tasks:
            continue
        outputs = list(task.task_spec.outputs)
        inner = getattr(task.task_spec, "task_spec", None)  # a multi-instance's own instances stay
        stale = [child for child in task.children if child.task_spec not in outputs and child.task_spec.name != inner
                 and not child.triggered and child.has_state(TaskState.NOT_FINISHED_MASK)]
        present = [child.task_spec for child in task.children]
        missing = [spec for spec in outputs if spec not in present]
        if not stale and not (missing and present):
            continue
        for child in stale:
            workflow._remove_task(child.id)
        for spec in missing:
            spec._predict(task._add_child(spec, TaskState.FUTURE), mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)


def _replay(session: Session, loaded: Loaded, actor: Actor, limits: Limits) -> None:
    """Run again, on the new version, what stopped the instance (its incident's completion or engine steps)."""
    instance = loaded.instance
    replay = dict(instance.incident or action.STEPS)
    completing = None
    if replay.get("action") == "complete":
        task = runtime.find_task(loaded.workflow, str(replay.get("task_id")))
        if task is not None and task.task_spec.manual and task.state == TaskState.READY:
            completing = action.Completing(task, str(replay["task_id"]), replay.get("task_name"),
                                           str(replay.get("actor") or actor.username), dict(replay.get("data") or {}))
    action.act(session, loaded, actor, limits, completing=completing)


def _refresh_open_rows(session: Session, loaded: Loaded) -> None:
    """Open task rows take their titles, lanes and forms from the new version's specs."""
    workflow: BpmnWorkflow = loaded.workflow
    for row in session.scalars(select(Task).where(Task.instance_id == loaded.instance.id,
                                                  Task.status == TaskStatus.OPEN)):
        task = runtime.find_task(workflow, row.id)
        if task is None:
            continue
        spec = task.task_spec
        props = runtime.properties(task)
        session.execute(update(Task).where(Task.id == row.id).values(
            title=spec.bpmn_name or spec.bpmn_id or spec.name, lane=spec.lane,
            form=props.get("formJsonSchemaFilename")).execution_options(synchronize_session="fetch"))
