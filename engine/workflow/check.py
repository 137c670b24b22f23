"""Consistency check: each instance's state against its task projection and its audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, Instance, InstanceStatus, Task, TaskStatus
from engine.workflow import runtime


@dataclass(frozen=True)
class Finding:
    """One inconsistency, named by instance and (where it applies) task."""

    instance_id: int
    message: str
    task_id: str | None = None

    def __str__(self) -> str:
        where = f"instance {self.instance_id}" + (f", tugas {self.task_id}" if self.task_id else "")
        return f"{where}: {self.message}"


def check(session: Session, instance_ids: list[int] | None = None) -> list[Finding]:
    """Every disagreement between workflow state, open task rows, instance counters and audit events."""
    query = select(Instance).order_by(Instance.id)
    if instance_ids is not None:
        query = query.where(Instance.id.in_(instance_ids))
    findings: list[Finding] = []
    for instance in session.scalars(query):
        findings.extend(check_instance(session, instance))
    return findings


def check_instance(session: Session, instance: Instance) -> list[Finding]:
    """The findings for one instance."""
    found: list[Finding] = []
    rows = list(session.scalars(select(Task).where(Task.instance_id == instance.id)))
    open_rows = {r.id for r in rows if r.status == TaskStatus.OPEN}
    completed_events = set(session.scalars(select(AuditEvent.task_id).where(
        AuditEvent.instance_id == instance.id, AuditEvent.action == "complete")))
    try:
        workflow = runtime.restore(session, instance).workflow
    except Exception as exc:
        return [Finding(instance.id, f"status tidak dapat dimuat: {exc}")]
    ready = {str(t.id) for t in runtime.all_tasks(workflow)
             if t.state == TaskState.READY and t.task_spec.manual}
    if instance.status in (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.ERROR):
        for task_id in sorted(ready - open_rows):
            found.append(Finding(instance.id, "tugas siap di mesin tanpa baris tugas terbuka", task_id))
        for task_id in sorted(open_rows - ready):
            found.append(Finding(instance.id, "baris tugas terbuka yang tidak siap di mesin", task_id))
        if instance.open_tasks != len(open_rows):
            found.append(Finding(instance.id, f"penghitung tugas terbuka {instance.open_tasks} ≠ {len(open_rows)}"))
    elif open_rows:
        found.append(Finding(instance.id, f"instance berstatus {instance.status} masih punya tugas terbuka"))
    if instance.status == InstanceStatus.COMPLETED and not workflow.is_completed():
        found.append(Finding(instance.id, "instance berstatus selesai tetapi alurnya belum selesai"))
    for row in rows:
        if row.status == TaskStatus.COMPLETED and row.completed_by and row.id not in completed_events:
            found.append(Finding(instance.id, "tugas selesai tanpa peristiwa audit", row.id))
        if row.id in completed_events and row.status != TaskStatus.COMPLETED:
            found.append(Finding(instance.id, "peristiwa audit penyelesaian untuk tugas yang belum selesai", row.id))
    known = {r.id for r in rows}
    for event_task in completed_events:
        if event_task is not None and event_task not in known:
            found.append(Finding(instance.id, "peristiwa audit untuk tugas yang tidak dikenal", event_task))
    return found
