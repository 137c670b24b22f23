"""The smallest Flask app, served by the same gunicorn setup as Senapas: the floor of the HTTP benchmark."""

from __future__ import annotations

from flask import Flask


def create_app() -> Flask:
    """An app with one trivial JSON endpoint."""
    app = Flask(__name__)
    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    return app
