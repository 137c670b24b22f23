"""What the public may see of a complaint: its status, steps and reply, to whoever knows reference and contact."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import audit
from engine.complaints import PROCESS, REFERENCE_CODE
from engine.errors import NotFound
from engine.models import Instance, InstanceStatus, Task, TaskStatus

REFERENCE = re.compile(rf"{REFERENCE_CODE}-\d{{4}}-\d{{6}}")
RECEIVED, IN_HANDLING, ANSWERED, CLOSED = "received", "in_handling", "answered", "closed"
STATUSES = (RECEIVED, IN_HANDLING, ANSWERED, CLOSED)


@dataclass(frozen=True)
class Step:
    """One step of a complaint as the public sees it: a task's title (or `received`) and when it was done."""

    title: str
    done_at: datetime | None
    key: str = ""


@dataclass(frozen=True)
class ComplaintStatus:
    """A complaint's public status: received, in handling, answered (with the reply) or closed without one."""

    reference: str
    status: str
    received_at: datetime
    steps: list[Step] = field(default_factory=list)
    reply: str | None = None


def normal_contact(text: str) -> str:
    """A contact as compared: case, spaces and phone punctuation ignored, +62 read as a leading 0."""
    text = (text or "").strip().casefold()
    if "@" in text:
        return text
    text = re.sub(r"[\s\-().]", "", text)
    return "0" + text[3:] if text.startswith("+62") else text


def lookup(session: Session, reference: str, contact: str) -> ComplaintStatus:
    """The status of the complaint with this reference, when `contact` is the one given with it.

    A wrong reference and a wrong contact are the same NotFound, so the answer tells nothing about
    which references exist.
    """
    reference = (reference or "").strip().upper()
    missing = NotFound("complaint_not_found")
    if not REFERENCE.fullmatch(reference) or not (contact or "").strip():
        raise missing
    candidates = session.scalars(select(Instance).where(
        Instance.definition_key == PROCESS,
        or_(Instance.title == reference, Instance.search_text.like(f"%{reference.lower()}%")))
        .order_by(Instance.id))
    for instance in candidates:
        events = audit.history(session, instance.id)
        submitted = next((e.data or {} for e in events if e.action == "start"), {})
        if submitted.get("reference") != reference:
            continue
        given = normal_contact(str(submitted.get("contact") or ""))
        if not given or not hmac.compare_digest(given.encode(), normal_contact(contact).encode()):
            raise missing
        return _status(session, instance, reference, events)
    raise missing


def _status(session: Session, instance: Instance, reference: str, events: list[Any]) -> ComplaintStatus:
    tasks = list(session.scalars(select(Task).where(Task.instance_id == instance.id,
                                                    Task.status != TaskStatus.CANCELLED)
                                 .order_by(Task.completed_at.is_(None), Task.completed_at, Task.created_at)))
    steps = [Step("", instance.started_at, RECEIVED)]
    steps += [Step(task.title, task.completed_at if task.status == TaskStatus.COMPLETED else None) for task in tasks]
    reply = None
    if instance.status == InstanceStatus.COMPLETED:
        status = ANSWERED
        reply = next((_reply_of(e.data) for e in reversed(events) if e.action == "complete" and _reply_of(e.data)),
                     None)
    elif instance.status == InstanceStatus.CANCELLED:
        status = CLOSED
    else:
        status = IN_HANDLING if any(task.status == TaskStatus.COMPLETED for task in tasks) else RECEIVED
    return ComplaintStatus(reference, status, instance.started_at, steps, reply)


def _reply_of(data: dict[str, Any] | None) -> str | None:
    """The reply text a completion carried (the reply task's `balasan.isi`), if any."""
    reply = (data or {}).get("balasan")
    text = reply.get("isi") if isinstance(reply, dict) else None
    return text.strip() if isinstance(text, str) and text.strip() else None
