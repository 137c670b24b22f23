"""The one small exception tree of the engine; the web layer maps each class to an HTTP status once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SenapasError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "error"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(SenapasError):
    """The object does not exist or the caller may not see it."""

    code = "not_found"


class Forbidden(SenapasError):
    """The caller's roles do not allow the action."""

    code = "forbidden"


class Conflict(SenapasError):
    """The action lost a race or does not fit the object's current state."""

    code = "conflict"


class ValidationFailed(SenapasError):
    """Submitted data fails its schema; `details` lists `{"path", "message"}` per field."""

    code = "invalid_data"


class BadRequest(SenapasError):
    """The request itself is malformed (wrong types, oversized, unparsable)."""

    code = "bad_request"


@dataclass(frozen=True)
class Problem:
    """One finding about a BPMN file: where it is and what is wrong."""

    message: str
    file: str = ""
    line: int | None = None
    element: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape used in API error details."""
        return {"path": self.element or "", "message": self.message, "file": self.file,
                "line": self.line, "element": self.element}


@dataclass
class InvalidDefinition(SenapasError):
    """A BPMN upload failed parsing, XSD validation or our lint."""

    problems: list[Problem] = field(default_factory=list)
    code = "invalid_definition"

    def __post_init__(self) -> None:
        text = "; ".join(_describe(p) for p in self.problems) or "definisi tidak valid"
        SenapasError.__init__(self, text, [p.as_dict() for p in self.problems])

    def __str__(self) -> str:
        return self.message


def _describe(p: Problem) -> str:
    where = p.file or "?"
    if p.line:
        where += f":{p.line}"
    if p.element:
        where += f" ({p.element})"
    return f"{where}: {p.message}"


class StaleState(Exception):
    """Internal: the instance row changed since it was read; the unit of work is retried."""


class EngineFailure(Exception):
    """Internal: the workflow engine raised while running; the instance becomes an incident."""

    def __init__(self, message: str, task_name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.task_name = task_name
