"""The words and JSON shape of a complaint's public status, shared by its page and its API twin."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from engine.complaint_status import ANSWERED, CLOSED, IN_HANDLING, RECEIVED, ComplaintStatus, Step

STATUS_LABELS: dict[str, Any] = {
    RECEIVED: _l("Diterima, menunggu ditelaah"),
    IN_HANDLING: _l("Sedang ditangani"),
    ANSWERED: _l("Sudah dijawab"),
    CLOSED: _l("Ditutup tanpa jawaban"),
}
RECEIVED_STEP = _l("Pengaduan diterima")


def step_title(step: Step) -> str:
    """A step's title: the task's own, or the words for the complaint's arrival."""
    return str(RECEIVED_STEP) if step.key == RECEIVED else step.title


def status_item(found: ComplaintStatus) -> dict[str, Any]:
    """The API contract's shape of a complaint status."""
    return {"reference": found.reference, "status": found.status, "received_at": found.received_at.isoformat(),
            "steps": [{"title": step_title(step), "done_at": step.done_at.isoformat() if step.done_at else None}
                      for step in found.steps],
            "reply": found.reply}
