"""The allow-listed script environment: what BPMN scripts, conditions, timers and DMN rules may use.

SpiffWorkflow evaluates every expression with plain `eval`/`exec` and full builtins, and its
deserializer attaches a fresh unrestricted engine; `engine.workflow.spiff` attaches this one after every
load. Every text is compiled under `engine.workflow.script_policy` (the syntax that reaches the
interpreter's inside is refused, costly operators are guarded), runs with allow-listed builtins,
and stops at the time limit, so a hostile or endless script becomes an incident. The agency's
`Bounds` cap what a definition may make the engine create: instances of a multi-instance
activity and the firings of a timer cycle.
"""

from __future__ import annotations

import builtins
import functools
import sys
import time
import weakref
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from types import CodeType, FrameType
from typing import Any, cast

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine import settings
from engine.libraries import instruments
from engine.workflow import script_policy

SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "format", "frozenset",
    "int", "isinstance", "len", "list", "map", "max", "min", "next", "range", "repr", "reversed", "round",
    "set", "slice", "sorted", "str", "sum", "tuple", "zip", "ArithmeticError", "Exception", "KeyError",
    "IndexError", "TypeError", "ValueError", "ZeroDivisionError",
)
SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in SAFE_BUILTIN_NAMES}
# The guards live among the builtins, not the globals: globals are copied into task data and out
# again on every script run.
SAFE_BUILTINS.update(script_policy.BOUNDED_BUILTINS, **script_policy.GUARDS)

DEFAULT_TIME_LIMIT = 2.0


class ScriptTimeout(Exception):
    """A script or expression ran past its time limit."""


class BoundExceeded(ValueError):
    """A multi-instance or timer cycle computed at run time goes past the agency's bounds."""


@dataclass(frozen=True)
class Bounds:
    """The agency's caps on what a definition may make the engine create (settings with these names)."""

    multi_instance_max: int
    timer_cycle_min_minutes: float
    timer_cycle_max_repetitions: int

    def instances_problem(self, count: int) -> str | None:
        """Why `count` instances of one multi-instance activity are too many, or None."""
        if count > self.multi_instance_max:
            return (f"multi-instance {count} kali melebihi batas {self.multi_instance_max} "
                    f"(pengaturan multi_instance_max)")
        return None

    def cycle_problem(self, value: Any) -> str | None:
        """Why an ISO 8601 timer cycle (e.g. "R3/PT1H") repeats too often or without end, or None."""
        try:
            cycles, _start, interval = TimerEventDefinition.parse_iso_recurring_interval(str(value))
        except Exception:
            return f"siklus timer '{value}' bukan format ISO 8601 yang sah (mis. \"R3/P1D\")"
        if cycles < 0 or cycles > self.timer_cycle_max_repetitions:
            return (f"siklus timer '{value}' harus berulang paling banyak {self.timer_cycle_max_repetitions} kali "
                    f"(tulis jumlahnya: R3/...; pengaturan timer_cycle_max_repetitions)")
        if interval.total_seconds() < self.timer_cycle_min_minutes * 60:
            return (f"siklus timer '{value}' lebih rapat dari {self.timer_cycle_min_minutes:g} menit "
                    f"(pengaturan timer_cycle_min_minutes)")
        return None


def bounds_of(values: dict[str, Any]) -> Bounds:
    """The bounds from settings values (stored or default)."""
    return Bounds(int(values["multi_instance_max"]), float(values["timer_cycle_min_minutes"]),
                  int(values["timer_cycle_max_repetitions"]))


DEFAULT_BOUNDS = bounds_of(settings.DEFAULTS)


def agency_bounds(session: Session) -> Bounds:
    """The bounds the agency set (read through the session's per-transaction settings)."""
    return bounds_of({key: settings.get(session, key) for key in
                      ("multi_instance_max", "timer_cycle_min_minutes", "timer_cycle_max_repetitions")})


# The settings a process may read (`agency_setting('coaching_threshold')`): rules the agency sets once
# and that a decision table or script must not repeat as literals.
SCRIPT_SETTINGS = ("coaching_threshold", "grade_bands", "not_accredited_label")


def _setting_reader(read: Callable[[str], Any]) -> Callable[[str], Any]:
    def agency_setting(key: str) -> Any:
        if key not in SCRIPT_SETTINGS:
            raise ValueError(f"pengaturan '{key}' tidak dapat dibaca skrip (yang boleh: {', '.join(SCRIPT_SETTINGS)})")
        return read(key)
    return agency_setting


def _banded_score(read: Callable[[str], Any]) -> Callable[..., dict[str, Any]]:
    def monev_score(answers: dict[str, Any], instrument_id: str) -> dict[str, Any]:
        # The grade of a monev follows the agency's `grade_bands`, like the registry and the letters.
        return instruments.monev_score(answers, instrument_id, read("grade_bands"), read("not_accredited_label"))
    return monev_score


def _default_setting(key: str) -> Any:
    return settings.DEFAULTS[key]


def helpers() -> dict[str, Any]:
    """The globals every script sees: date and time types and Senapas's own small helpers."""
    return {
        "__builtins__": SAFE_BUILTINS,
        "datetime": datetime,
        "timedelta": timedelta,
        "date": date,
        "timezone": timezone,
        "monev_score": _banded_score(_default_setting),
        "instrument_for": instruments.instrument_for,
        "agency_setting": _setting_reader(_default_setting),
    }


def bind(engine: Any, session: Session) -> None:
    """Let a workflow's script engine read the agency's bounds and settings through this action's session."""
    # Weakly: a workflow kept in the cache must not keep the session of its last action alive
    # (each action binds its own session again before it runs anything).
    held = weakref.ref(session)
    engine.bounds = lambda: agency_bounds(cast(Session, held()))

    def read(key: str) -> Any:
        return settings.get(cast(Session, held()), key)

    engine.environment.globals["agency_setting"] = _setting_reader(read)
    engine.environment.globals["monev_score"] = _banded_score(read)


def expansion_problem(tasks: Iterable[Any], since: float, bounds: Callable[[], Bounds]) -> tuple[str, str] | None:
    """(problem, task name) for a multi-instance over a collection past the bounds, started since `since`.

    A cardinality is held to the bounds before its instances exist (`RestrictedScriptEngine`); a
    collection from task data only shows its size once the activity has started.
    """
    for task in tasks:
        spec = task.task_spec
        if (isinstance(spec, MultiInstanceTask) and spec.data_input is not None
                and task.last_state_change >= since and task.state == TaskState.STARTED):
            collection = spec.data_input.get(task)
            problem = bounds().instances_problem(len(collection) if isinstance(collection, Sized) else 0)
            if problem:
                return problem, spec.name
    return None


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
    """Script engine over the restricted environment; holds computed cardinalities and cycles to the bounds.

    `bounds` is read only when a cardinality or a timer cycle is evaluated (rarely), so an action
    that creates neither never reads the settings.
    """

    def __init__(self, time_limit: float = DEFAULT_TIME_LIMIT) -> None:
        super().__init__(environment=RestrictedEnvironment(time_limit))
        self.bounds: Callable[[], Bounds] = lambda: DEFAULT_BOUNDS

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        value = super().evaluate(task, expression, external_context)
        spec = task.task_spec
        if isinstance(spec, MultiInstanceTask) and expression == getattr(spec, "cardinality", None):
            problem = self.bounds().instances_problem(int(value))
        else:
            event = getattr(spec, "event_definition", None)
            if not isinstance(event, CycleTimerEventDefinition) or expression != event.expression:
                return value
            problem = self.bounds().cycle_problem(value)
        if problem is not None:
            raise WorkflowTaskException(problem, task=task, exception=BoundExceeded(problem))
        return value

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # The library's version reports every failure as "name 'script' is not defined".
        return self.environment.call_service(task.data, **kwargs)


# Keyed by the text alone: definitions share it, so it stays here rather than per definition hash.
@functools.lru_cache(maxsize=1024)
def compiled(source: str, mode: str) -> CodeType:
    """A script ("exec") or expression ("eval") checked against the script policy and compiled once.

    A definition's scripts, conditions and due dates are fixed text evaluated again on every pass;
    errors still carry the `<string>` file name the library reads line numbers from. A refused
    text raises `script_policy.ScriptRefused` each time it is asked for (errors are not cached).
    """
    return script_policy.compile_checked(source, mode)


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
