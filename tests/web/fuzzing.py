"""Schemathesis in process against the app: the same engine and phases as `st run`, on the WSGI app.

`run` loads `/api/v1/openapi.json` from the app, runs the examples, coverage, fuzzing and stateful
phases (links from a started instance to its tasks and documents) with a fixed seed and a bounded
number of examples per operation, and returns what it tried and every failed check.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.transport.wsgi import WSGITransport

CONFIG = Path(__file__).with_name("schemathesis.toml")  # shared with the longer run against `senapas demo`
EXAMPLES = int(os.environ.get("SENAPAS_FUZZ_EXAMPLES", "8"))


@dataclass
class Outcome:
    """What a run tried and what failed."""

    cases: int = 0
    operations: set[str] = field(default_factory=set)
    phases: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def config(token: str, spare: str, examples: int = EXAMPLES) -> SchemathesisConfig:
    """`schemathesis.toml` with the two tokens filled in and `examples` per operation."""
    text = CONFIG.read_text().replace("${SENAPAS_FUZZ_TOKEN}", token).replace("${SENAPAS_FUZZ_SPARE_TOKEN}", spare)
    settings = tomllib.loads(text)
    settings["generation"]["max-examples"] = examples
    return SchemathesisConfig.from_dict(settings)


def run(app: Any, token: str, spare: str, examples: int = EXAMPLES) -> Outcome:
    """Fuzz every operation of the app's document; the outcome lists each failed check once."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config(token, spare, examples))
    outcome = Outcome()
    seen: set[str] = set()
    with _in_process_sends():
        for event in from_schema(schema).execute():
            _note(event, outcome, seen)
    return outcome


@contextmanager
def _in_process_sends() -> Iterator[None]:
    """The run engine passes socket settings (redirects, TLS) that a WSGI call has no use for: drop them."""
    send = WSGITransport.send

    def in_process(self: WSGITransport, case: Any, *, session: Any = None, **kwargs: Any) -> Any:
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    WSGITransport.send = in_process  # type: ignore[method-assign]
    try:
        yield
    finally:
        WSGITransport.send = send  # type: ignore[method-assign]


def _note(event: Any, outcome: Outcome, seen: set[str]) -> None:
    """Count a finished scenario's cases and keep each distinct failed check once."""
    if isinstance(event, events.ScenarioFinished):
        recorder = event.recorder
        outcome.cases += len(recorder.cases)
        outcome.phases[event.phase.value] = outcome.phases.get(event.phase.value, 0) + len(recorder.cases)
        if event.label:
            outcome.operations.add(event.label)
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.status != Status.FAILURE or check.failure_info is None:
                    continue
                case = recorder.cases[case_id].value if case_id in recorder.cases else None
                failure = check.failure_info.failure
                key = f"{event.label} {check.name} {failure.title}"
                if key not in seen:
                    seen.add(key)
                    outcome.failures.append(f"{key}\n  {failure.message}\n  {_request(case)}")
    elif isinstance(event, events.NonFatalError | events.FatalError):
        outcome.errors.append(str(getattr(event, "info", event)))


def _request(case: Any) -> str:
    if case is None:
        return ""
    return (f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r}"
            f"{' (' + str(case.meta.generation.mode.value) + ')' if case.meta else ''}")
