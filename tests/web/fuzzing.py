"""Schemathesis in process against the app: the same engine and phases as `st run`, on the WSGI app.

`run` loads `/api/v1/openapi.json` from the app, runs the examples, coverage, fuzzing and stateful
phases (links from a started instance to its tasks and documents) with a fixed seed and a bounded
number of examples per operation, and returns what it tried and every failed check.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.transport.wsgi import WSGITransport

SEED = 20261206
EXAMPLES = int(os.environ.get("SENAPAS_FUZZ_EXAMPLES", "8"))
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
          "response_headers_conformance", "positive_data_acceptance", "negative_data_rejection",
          "unsupported_method", "missing_required_header", "ignored_auth", "use_after_free",
          "ensure_resource_availability")
# A request the document allows may still name what does not exist or cannot be now (422, 409, ...), never be
# refused as malformed (400).
ACCEPTED = ["2xx", "401", "403", "404", "409", "413", "422", "429"]
# What an uploaded file holds (a BPMN file, a zip bundle, a picture) is more than its schema can say: a file of
# another kind is a malformed request there.
UPLOADS = ["upload_definition", "validate_definition", "put_emblem"]


@dataclass
class Outcome:
    """What a run tried and what failed."""

    cases: int = 0
    operations: set[str] = field(default_factory=set)
    phases: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def config(token: str, spare: str, examples: int = EXAMPLES, seed: int = SEED) -> SchemathesisConfig:
    """The run's settings: seed, examples per operation, every check, the bearer token.

    `spare` is the token `DELETE /auth/token` revokes, so the run goes on with its own.
    """
    checks: dict[str, Any] = {name: {"enabled": True} for name in CHECKS}
    checks["positive_data_acceptance"]["expected-statuses"] = ACCEPTED
    return SchemathesisConfig.from_dict({
        "seed": seed,
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"max-examples": examples, "mode": "all", "deterministic": True, "database": "none"},
        "checks": checks,
        "phases": {"stateful": {"max-steps": examples * 4}},
        "suppress-health-check": ["all"],
        "continue-on-failure": True,
        "operations": [
            {"include-operation-id": UPLOADS,
             "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}}},
            {"include-operation-id": "revoke_token", "headers": {"Authorization": f"Bearer {spare}"}},
        ],
    })


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
