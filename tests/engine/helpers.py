"""Small helpers for engine tests: actors, deploying fixtures, finding tasks."""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import instances, tasks
from engine.config import Context
from engine.db import run_in_transaction
from engine.definitions import lint, versions
from engine.models import Definition, Instance, Task, TaskStatus
from engine.people.users import Actor
from engine.workflow.runtime import Limits

BPMN = Path(__file__).parent.parent / "fixtures" / "bpmn"
ADMIN = Actor("admin", frozenset({"admin"}))
KABID = Actor("kabid", frozenset({"kabid"}))
PETUGAS = Actor("petugas", frozenset({"petugas"}))
PETUGAS2 = Actor("petugas2", frozenset({"petugas"}))
MITRA = Actor("mitra", frozenset({"mitra"}))
LIMITS = Limits()


def library() -> dict[str, bytes]:
    """Every fixture BPMN file, for resolving call activities."""
    return {p.name: p.read_bytes() for p in BPMN.glob("*.bpmn")}


def deploy(factory: sessionmaker[Session], name: str) -> Definition:
    """Deploy one fixture file as admin."""
    content = (BPMN / name).read_bytes()
    return run_in_transaction(factory, lambda s: versions.deploy(
        s, content, name, ADMIN, processes_dir=BPMN, library=library())).definition


def context(factory: sessionmaker[Session]) -> Context:
    """The engine context of a test database (the fixture processes, the default limits)."""
    return Context(factory, LIMITS, BPMN)


def deploy_before_the_policy(factory: sessionmaker[Session], name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deploy as a release whose lint only parsed scripts did: the run-time check is the one left."""
    with monkeypatch.context() as patched:
        patched.setattr(lint, "check", lambda code, mode: ast.parse(code, mode=mode))
        deploy(factory, name)


def start(factory: sessionmaker[Session], key: str, actor: Actor = ADMIN,
          data: dict[str, Any] | None = None, *, limits: Limits = LIMITS, **kwargs: Any) -> int:
    """Start an instance and return its id."""
    return run_in_transaction(factory, lambda s: instances.start(s, key, actor, data, limits=limits, **kwargs).id)


def open_task(factory: sessionmaker[Session], instance_id: int, name: str) -> str:
    """The id of the open task with this BPMN id in an instance."""
    with factory() as s:
        ids = s.scalars(select(Task.id).where(Task.instance_id == instance_id, Task.name == name,
                                              Task.status == TaskStatus.OPEN)).all()
    assert len(ids) == 1, f"expected one open {name}, found {len(ids)}"
    return ids[0]


def complete(factory: sessionmaker[Session], task_id: str, actor: Actor,
             data: dict[str, Any] | None = None, *, limits: Limits = LIMITS) -> tasks.Completion:
    """Complete a task in its own retried unit of work."""
    return run_in_transaction(factory, lambda s: tasks.complete(s, task_id, actor, data or {}, limits=limits))


def instance(factory: sessionmaker[Session], instance_id: int) -> Instance:
    """A fresh copy of an instance row."""
    with factory() as s:
        row = s.get(Instance, instance_id)
        assert row is not None
        return row


def open_names(factory: sessionmaker[Session], instance_id: int) -> list[str]:
    """BPMN ids of an instance's open tasks, sorted."""
    with factory() as s:
        return sorted(s.scalars(select(Task.name).where(Task.instance_id == instance_id,
                                                        Task.status == TaskStatus.OPEN)))


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same moment; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results

