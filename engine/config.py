"""Configuration: read once from the environment, then passed on as arguments.

SENAPAS_DATABASE_URL    SQLAlchemy URL; default a SQLite file in ./instance
SENAPAS_SECRET_KEY      signs sessions and CSRF tokens; default a random key per start (dev only)
SENAPAS_PROCESSES_DIR   bundle folders (BPMN, DMN, forms, instruments); default ./processes of the project
SENAPAS_SCRIPT_TIME_LIMIT  seconds one script or expression may run (default 2)
SENAPAS_MAX_ENGINE_STEPS   engine steps one action may take (default 500)
SENAPAS_DB_POOL_SIZE    PostgreSQL connections each process keeps open (twice as many more on a burst; default 5)
SENAPAS_SMTP_URL        where `senapas worker` sends notification emails (smtp://host:port); unset: no email
SENAPAS_MAIL_FROM       the sender of those emails (default Senapas <senapas@localhost>)
SENAPAS_BASE_URL        the address people open Senapas at, for links in emails (default none)
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from engine.workflow.runtime import Limits

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a Senapas process."""

    database_url: str
    secret_key: str
    processes_dir: Path
    instance_dir: Path
    limits: Limits = field(default_factory=Limits)
    db_pool_size: int = 5
    smtp_url: str | None = None
    mail_from: str = "Senapas <senapas@localhost>"
    base_url: str = ""


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings from environment variables, with defaults for a local checkout."""
    env = dict(os.environ if environ is None else environ)
    instance_dir = Path(env.get("SENAPAS_INSTANCE_DIR", PROJECT_DIR / "instance"))
    return Settings(
        database_url=env.get("SENAPAS_DATABASE_URL") or f"sqlite:///{instance_dir / 'senapas.db'}",
        secret_key=env.get("SENAPAS_SECRET_KEY") or secrets.token_hex(32),
        processes_dir=Path(env.get("SENAPAS_PROCESSES_DIR", PROJECT_DIR / "processes")),
        instance_dir=instance_dir,
        limits=Limits(max_engine_steps=int(env.get("SENAPAS_MAX_ENGINE_STEPS", 500)),
                      script_time_limit=float(env.get("SENAPAS_SCRIPT_TIME_LIMIT", 2.0))),
        db_pool_size=int(env.get("SENAPAS_DB_POOL_SIZE", 5)),
        smtp_url=env.get("SENAPAS_SMTP_URL") or None,
        mail_from=env.get("SENAPAS_MAIL_FROM") or "Senapas <senapas@localhost>",
        base_url=(env.get("SENAPAS_BASE_URL") or "").rstrip("/"),
    )


@dataclass(frozen=True)
class Context:
    """What engine work runs with, made once per process: where sessions come from, the limits, the processes.

    Made where the session factory is made (the web app, the worker, the demo, the bench) and
    passed on, so that no engine action runs with limits other than the configured ones.
    """

    factory: sessionmaker[Session]
    limits: Limits
    processes_dir: Path


def context(settings: Settings, factory: sessionmaker[Session]) -> Context:
    """The engine context of these settings around a session factory."""
    return Context(factory, settings.limits, settings.processes_dir)
