"""The REST API under /api/v1: one module per noun, all on one blueprint."""

from web.api import auth, dashboard, definitions, documents, instances, libraries, openapi, public, tasks
from web.api.base import bp

__all__ = ["auth", "bp", "definitions", "documents", "instances", "libraries", "openapi", "public", "tasks",
           "dashboard"]
