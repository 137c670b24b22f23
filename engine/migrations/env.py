"""Alembic environment: the URL comes from the caller's config, the metadata from engine.schema."""

from __future__ import annotations

from alembic import context

from engine.db import make_engine
from engine.schema import metadata

config = context.config


def run() -> None:
    """Run migrations online against the configured URL (or a connection handed in)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _migrate(conn)
    engine.dispose()


def _migrate(connection: object) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run()
