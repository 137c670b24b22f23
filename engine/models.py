"""The core tables: users, definitions, instances, the task projection and the audit trail."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, intpk, utcnow


class InstanceStatus(enum.StrEnum):
    """Where an instance is in its life; `engine.status.transition` guards every change."""

    RUNNING = "running"
    SUSPENDED = "suspended"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ERROR = "error"


class TaskStatus(enum.StrEnum):
    """A projected human task: open until completed, or cancelled when the engine drops it."""

    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class User(Base):
    """A person who logs in; roles are role keys from `engine.roles.ROLES`."""

    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[Any]] = mapped_column(default=list)
    nip: Mapped[str] = mapped_column(String(32), default="")
    rank: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # A pustakawan belongs to one library, a mitra to one institution; each sees only what concerns it.
    library_id: Mapped[int | None] = mapped_column(ForeignKey("libraries.id", ondelete="SET NULL"))
    institution: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A browser session holds the generation it began in; logout and a password change raise it,
    # so every session cookie issued before (copies included) stops counting.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set when an administrator resets the password: the pages ask for a new one before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Definition(Base):
    """One deployed, immutable BPMN version; the spec is serialized here once, not per instance."""

    __tablename__ = "definitions"
    # At most one version per key is current: the one new instances start on.
    __table_args__ = (UniqueConstraint("key", "version"), UniqueConstraint("key", "hash"),
                      Index("uq_definitions_current", "key", unique=True, sqlite_where=text("status = 'current'"),
                            postgresql_where=text("status = 'current'")))

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))
    # The large columns load only when read: a completion needs the spec only on a cache miss.
    bpmn: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    files: Mapped[dict[str, Any]] = mapped_column(default=dict, deferred=True)
    forms: Mapped[dict[str, Any]] = mapped_column(default=dict, deferred=True)
    spec: Mapped[str] = mapped_column(Text, deferred=True)
    start_roles: Mapped[list[Any]] = mapped_column(default=list)
    deployed_at: Mapped[datetime] = mapped_column(default=utcnow)
    deployed_by: Mapped[str] = mapped_column(String(64))
    # draft | current | available | retired (`engine.definitions.lifecycle`).
    status: Mapped[str] = mapped_column(String(16), default="current", server_default="available")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class Instance(Base):
    """One run of a definition: what lists and the timer worker need; its state is in `InstancePart` rows."""

    __tablename__ = "instances"
    __table_args__ = (Index("ix_instances_due", "status", "next_due_at"),)

    id: Mapped[intpk]
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"), index=True)
    definition_key: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16), default=InstanceStatus.RUNNING, index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = mapped_column(default=1)
    started_by: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    next_due_at: Mapped[datetime | None]
    open_tasks: Mapped[int] = mapped_column(default=0)
    incident: Mapped[dict[str, Any] | None] = mapped_column(default=None)

    __mapper_args__ = {"version_id_col": row_version}


class InstancePart(Base):
    """The stored text of an instance's top workflow (part "top") or of one of its subprocesses.

    Kept apart so that a save writes only the texts that changed, not every library's track of a
    cycle again, and not the instance row's large state with its small counters.
    """

    __tablename__ = "instance_parts"

    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[str] = mapped_column(String(36), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class Task(Base):
    """Projection of one human task, refreshed in the same transaction as every engine step."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_queue", "status", "lane", "assignee", "due_at"),
        Index("ix_tasks_inbox", "assignee", "status", "due_at"),
        Index("ix_tasks_archive", "completed_by", "completed_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    definition_key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.OPEN)
    assignee: Mapped[str | None] = mapped_column(String(64))
    form: Mapped[str | None] = mapped_column(String(300))
    item_key: Mapped[str | None] = mapped_column(String(200))
    item_label: Mapped[str | None] = mapped_column(String(300))
    # The library the task works on (its multi-instance item names it), for the task lists' filters. No
    # foreign key: a schedule naming an unregistered id must not stop the projection, hence the engine.
    library_id: Mapped[int | None]
    draft: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    draft_by: Mapped[str | None] = mapped_column(String(64))
    draft_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(64))


class TaskMember(Base):
    """A member of the team a task is for (its BPMN `team` property): sees the task and may work it."""

    __tablename__ = "task_members"

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    # The inbox reads a person's team tasks by username.
    username: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


# The inbox and queue in the order they are shown (soonest due first, undated last), with the lane
# at the end so a queue of several lanes filters inside the index: a page reads its rows in order
# and stops after them, instead of reading and sorting every open task of the lanes.
Index("ix_tasks_by_due", Task.status, Task.assignee, Task.due_at.is_(None), Task.due_at, Task.created_at, Task.id,
      Task.lane)
# The supervisors' overview counts ranges of these instead of reading every open or finished task:
# overdue and due today (per holder), and what was completed in the SLA period (by whom, in time).
Index("ix_tasks_open_due", Task.status, Task.due_at, Task.assignee)
Index("ix_tasks_done_at", Task.status, Task.completed_at, Task.completed_by, Task.due_at)
# One library's tasks in the same order (a queue or inbox filtered by library reads only its rows, in order).
Index("ix_tasks_library", Task.library_id, Task.status, Task.due_at.is_(None), Task.due_at, Task.created_at, Task.id)
# Every open task in that order, for a supervisor's list of all open tasks.
Index("ix_tasks_open_by_due", Task.status, Task.due_at.is_(None), Task.due_at, Task.created_at, Task.id)


class AuditEvent(Base):
    """Something a person (or the timer worker) did: who, when, what, why, and the data submitted."""

    __tablename__ = "audit_events"

    id: Mapped[intpk]
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"),
                                                    index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    task_name: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any] | None] = mapped_column(default=None)
