"""The OpenAPI document is exact: schemathesis, in process, finds no request or answer that departs from it.

The app runs on the living demo office (definitions deployed, cycles with tasks and documents,
complaints, libraries, people), called with an administrator-and-supervisor's bearer token so every
operation can be reached; the public ones ignore it. `SENAPAS_FUZZ_EXAMPLES` sets the examples per
operation (8 by default; the README's longer run uses 200).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from engine.config import PROJECT_DIR, Settings
from engine.db import run_in_transaction
from engine.people import users
from tests.web import fuzzing
from tests.web.sop_steps import DEMO_PASSWORD
from web import demo
from web.app import create_app

FUZZER = "zz-fuzz"  # listed last, so links from a list of people never lead the run to lock itself out


def office(factory: sessionmaker[Session], tmp_path: Path) -> tuple[Flask, str, str]:
    """The demo office's app, without the public rate limits' small windows, and two tokens of the fuzzer."""
    settings = Settings(database_url="sqlite:///unused", secret_key="test-secret",
                        processes_dir=PROJECT_DIR / "processes", instance_dir=tmp_path)
    demo.prepare(settings, factory, DEMO_PASSWORD, say=lambda _text: None)

    def tokens(session: Session) -> tuple[str, str]:
        user = users.create_user(session, FUZZER, DEMO_PASSWORD, ["admin", "kabid"], name="Fuzzer")
        return users.issue_token(session, user), users.issue_token(session, user)

    app = create_app(settings, {"TESTING": True, "SESSION_FACTORY": factory,
                                "COMPLAINT_RATE_LIMIT": (100_000, 600), "LOGIN_RATE_LIMIT": (100_000, 300)})
    token, spare = run_in_transaction(factory, tokens)
    return app, token, spare


def test_the_api_answers_as_its_document_says(factory, tmp_path):
    app, token, spare = office(factory, tmp_path)
    outcome = fuzzing.run(app, token, spare)
    print(f"fuzz: {outcome.cases} cases over {len(outcome.operations)} operations, phases {outcome.phases}")
    assert not outcome.errors, "\n".join(outcome.errors)
    assert not outcome.failures, f"{len(outcome.failures)} failures:\n" + "\n".join(outcome.failures)
    assert outcome.phases.get("stateful", 0) > 0 and len(outcome.operations) >= 50
    # the run was authenticated to the end (every answer could otherwise have been a documented 401)
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["username"] == FUZZER
