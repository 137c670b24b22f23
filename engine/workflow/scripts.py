"""The allow-listed script environment: what BPMN scripts, conditions, timers and DMN rules may use.

SpiffWorkflow evaluates every expression with plain `eval`/`exec` and full builtins, and its
deserializer attaches a fresh unrestricted engine; `engine.workflow.spiff` attaches this one after every
load. Restricting builtins blocks `import` and `open`; BPMN authors (admins) are still trusted,
because dunder tricks can escape any pure-Python sandbox. The time limit turns an endless loop
into an incident instead of a hung worker.
"""

from __future__ import annotations

import builtins
import functools
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from types import CodeType, FrameType
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.libraries import instruments

SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "format", "frozenset",
    "int", "isinstance", "len", "list", "map", "max", "min", "next", "range", "repr", "reversed", "round",
    "set", "slice", "sorted", "str", "sum", "tuple", "zip", "ArithmeticError", "Exception", "KeyError",
    "IndexError", "TypeError", "ValueError", "ZeroDivisionError",
)
SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in SAFE_BUILTIN_NAMES}

DEFAULT_TIME_LIMIT = 2.0


class ScriptTimeout(Exception):
    """A script or expression ran past its time limit."""


def helpers() -> dict[str, Any]:
    """The globals every script sees: date and time types and Senapas's own small helpers."""
    return {
        "__builtins__": SAFE_BUILTINS,
        "datetime": datetime,
        "timedelta": timedelta,
        "date": date,
        "timezone": timezone,
        "monev_score": instruments.monev_score,
    }


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data environment with allow-listed globals and a wall-clock limit per evaluation."""

    def __init__(self, time_limit: float = DEFAULT_TIME_LIMIT) -> None:
        super().__init__(helpers())
        self.time_limit = time_limit

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        return _with_deadline(self.time_limit,
                              lambda: super(RestrictedEnvironment, self).evaluate(
                                  compiled(expression, "eval"), context, external_context))

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        return bool(_with_deadline(self.time_limit,
                                   lambda: super(RestrictedEnvironment, self).execute(
                                       compiled(script, "exec"), context, external_context)))

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise PermissionError("service tasks are not enabled in Senapas")


class RestrictedScriptEngine(PythonScriptEngine):
    """Script engine over the restricted environment; reports service failures truthfully."""

    def __init__(self, time_limit: float = DEFAULT_TIME_LIMIT) -> None:
        super().__init__(environment=RestrictedEnvironment(time_limit))

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # The library's version reports every failure as "name 'script' is not defined".
        return self.environment.call_service(task.data, **kwargs)


@functools.lru_cache(maxsize=1024)
def compiled(source: str, mode: str) -> CodeType:
    """A script ("exec") or expression ("eval") compiled once, as `exec` and `eval` would compile it.

    A definition's scripts, conditions and due dates are fixed text evaluated again on every pass;
    errors still carry the `<string>` file name the library reads line numbers from.
    """
    # eval() of a string skips leading spaces and tabs; compile() would call them an indent.
    return compile(source.lstrip(" \t") if mode == "eval" else source, "<string>", mode)


def _with_deadline(limit: float, run: Callable[[], Any]) -> Any:
    """Run `run` with a per-thread trace hook that raises once the deadline passes."""
    deadline = time.monotonic() + limit
    counter = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal counter
        counter += 1
        if counter % 64 == 0 and time.monotonic() > deadline:
            raise ScriptTimeout(f"skrip melewati batas waktu {limit:g} detik")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return run()
    finally:
        sys.settrace(previous)
