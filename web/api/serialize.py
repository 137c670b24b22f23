"""Rows as the JSON shapes of the API contract (`/work/shared/api.md` → docs in openapi.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.definitions.lifecycle import VersionInfo
from engine.models import AuditEvent, Definition, Instance, Task
from engine.task_lists import TaskRow
from engine.workflow import runtime


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with time zone, or None."""
    return value.isoformat() if value is not None else None


def definition_item(definition: Definition, latest: bool) -> dict[str, Any]:
    """A definition version."""
    return {"key": definition.key, "name": definition.name, "version": definition.version,
            "hash": definition.hash, "deployed_at": iso(definition.deployed_at), "latest": latest,
            "filename": definition.filename, "deployed_by": definition.deployed_by,
            "start_roles": list(definition.start_roles or []), "status": definition.status,
            "note": definition.note or ""}


def version_item(info: VersionInfo) -> dict[str, Any]:
    """A version of one key with its life and its instances."""
    definition = info.definition
    return {"version": definition.version, "hash": definition.hash, "status": definition.status,
            "note": definition.note or "", "deployed_by": definition.deployed_by,
            "deployed_at": iso(definition.deployed_at), "filename": definition.filename,
            "instances": {"running": info.running, "completed": info.completed}}


def instance_item(session: Session, instance: Instance) -> dict[str, Any]:
    """An instance as listed."""
    definition = runtime.get_definition(session, instance.definition_id)
    return {"id": instance.id, "definition": instance.definition_key, "version": definition.version,
            "status": instance.status, "title": instance.title, "started_by": instance.started_by,
            "started_at": iso(instance.started_at), "ended_at": iso(instance.ended_at),
            "open_tasks": instance.open_tasks, "incident": (instance.incident or {}).get("message")}


def task_item(task: Task | TaskRow) -> dict[str, Any]:
    """A task as listed; a list row also carries its instance's title and its library's name and kecamatan."""
    item = {"id": task.id, "instance_id": task.instance_id, "definition": task.definition_key,
            "name": task.name, "title": task.title, "lane": task.lane, "status": task.status,
            "assignee": task.assignee, "created_at": iso(task.created_at), "due_at": iso(task.due_at),
            "item": task.item_label, "item_key": task.item_key, "completed_at": iso(task.completed_at),
            "completed_by": task.completed_by, "library_id": task.library_id}
    if isinstance(task, TaskRow):
        item.update(instance_title=task.instance_title, library_name=task.library_name, kecamatan=task.kecamatan)
    return item


def event_item(event: AuditEvent) -> dict[str, Any]:
    """One history entry."""
    details: dict[str, Any] = {}
    if event.reason:
        details["reason"] = event.reason
    if event.data is not None:
        details["data"] = event.data
    return {"at": iso(event.at), "actor": event.actor, "action": event.action, "task": event.task_name,
            "task_id": event.task_id, "details": details}


def document_item(document: Any) -> dict[str, Any]:
    """A generated document's listing entry."""
    def get(key: str) -> Any:
        return document.get(key) if isinstance(document, dict) else getattr(document, key, None)
    created = get("created_at")
    return {"id": get("id"), "kind": get("kind"), "title": get("title"), "number": get("number"),
            "created_at": iso(created) if isinstance(created, datetime) else created,
            "replaced_by": get("replaced_by")}
