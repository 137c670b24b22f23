"""Flask extension objects shared by the app factory and the blueprints."""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
