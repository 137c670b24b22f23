"""JSON responses: Flask's output (keys sorted, dates as HTTP dates), written by `engine.json_text`."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

from engine import json_text


class JSONOutput(DefaultJSONProvider):
    """Compact responses through orjson; an indented one (debug mode) through Flask's own path."""

    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """`obj` as JSON text; options other than compact separators go to the standard library."""
        if set(kwargs) - {"separators"} or kwargs.get("separators", (",", ":")) != (",", ":"):
            return super().dumps(obj, **kwargs)
        return json_text.dumps(obj, self.default, sort_keys=self.sort_keys)
