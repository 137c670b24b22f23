"""Serving the app with gunicorn from the `senapas serve` command."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from web.db import state


class SenapasServer(BaseApplication):
    """A gunicorn application around an already built Flask app (built once, then forked)."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = {**options, "post_fork": self.post_fork}
        super().__init__()

    def load_config(self) -> None:
        """Apply the options gunicorn knows."""
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key.lower(), value)

    def load(self) -> Flask:
        """The WSGI app."""
        return self.application

    def post_fork(self, _server: Any, _worker: Any) -> None:
        """A forked worker must not share the parent's pooled connections: start with an empty pool."""
        state(self.application).factory.kw["bind"].dispose(close=False)
