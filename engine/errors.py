"""The one small exception tree of the engine; the web layer maps each class to an HTTP status once.

An error names what went wrong, never in words: `case` is a stable snake_case identifier of the
situation (`task_claimed`, `page_out_of_range`) and `params` the values its sentence needs. `code`
is what API clients branch on: the class's contract code (`not_found`, `forbidden`,
`invalid_request`, ...) or, for conflicts, the case itself. The web edge turns a case and its
params into a sentence in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SenapasError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "error"

    def __init__(self, case: str | None = None, /, *, code: str | None = None,
                 details: list[dict[str, Any]] | None = None, **params: Any) -> None:
        self.case = case or type(self).code
        if code or type(self).code == "error":
            self.code = code or self.case
        self.params = params
        self.details = details or []
        super().__init__(self.case)

    def __str__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.case}({params})" if params else self.case


class NotFound(SenapasError):
    """The object does not exist or the caller may not see it."""

    code = "not_found"


class Forbidden(SenapasError):
    """The caller's roles do not allow the action."""

    code = "forbidden"


class Conflict(SenapasError):
    """The action lost a race or does not fit the object's current state; its case is its code."""


class ValidationFailed(SenapasError):
    """Submitted data fails its schema; `details` lists `{"path", "code", "params"}` per field."""

    code = "invalid_data"


class BadRequest(SenapasError):
    """The request itself is malformed (wrong types, oversized, unparsable)."""

    code = "invalid_request"


class TooLarge(BadRequest):
    """The request is over a size or count cap (an upload, a bundle's files)."""

    code = "too_large"


def field_error(path: str, code: str, **params: Any) -> dict[str, Any]:
    """One entry of `ValidationFailed.details`: which field, what is wrong, the values the text needs."""
    return {"path": path, "code": code, "params": params}


@dataclass(frozen=True)
class Problem:
    """One finding about a BPMN file: where it is and what is wrong (`code` and its `params`)."""

    code: str
    file: str = ""
    line: int | None = None
    element: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape used in API error details (the web adds the message)."""
        return {"path": self.element or "", "code": self.code, "params": self.params, "file": self.file,
                "line": self.line, "element": self.element}

    def __str__(self) -> str:
        where = self.file or "?"
        if self.line:
            where += f":{self.line}"
        if self.element:
            where += f" ({self.element})"
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{where}: {self.code}" + (f" ({params})" if params else "")


class InvalidDefinition(SenapasError):
    """A BPMN upload failed parsing, XSD validation or our lint."""

    code = "invalid_definition"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(details=[p.as_dict() for p in problems])
        self.problems = problems

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems) or self.case


class StaleState(Exception):
    """Internal: the instance row changed since it was read; the unit of work is retried."""


class EngineFailure(Exception):
    """Internal: the workflow engine raised while running; the instance becomes an incident."""

    def __init__(self, message: str, task_name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.task_name = task_name
