"""The REST API under /api/v1: one module per noun, all on one blueprint."""

from web.api import (
           auth,
           dashboard,
           definitions,
           documents,
           instances,
           libraries,
           notifications,
           openapi,
           public,
           settings,
           tasks,
           users,
)
from web.api.base import bp

__all__ = ["auth", "bp", "dashboard", "definitions", "documents", "instances", "libraries", "notifications",
           "openapi", "public", "settings", "tasks", "users"]
