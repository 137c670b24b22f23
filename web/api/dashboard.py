"""API: the supervisors' overview (`GET /dashboard`) and the same numbers as CSV."""

from __future__ import annotations

from typing import Any

from flask import Response

from engine import oversight
from letters import exports
from web import db
from web.api import declare
from web.api.base import bp
from web.api.schemas import ref
from web.api.serialize import iso
from web.callers import current_actor
from web.files import attachment


def dashboard_json(found: oversight.Dashboard) -> dict[str, Any]:
    """The overview in the contract's shape, with a few extra fields beside the contract's."""
    return {
        "as_of": iso(found.as_of),
        "tasks": {"open": found.tasks.open, "overdue": found.tasks.overdue, "due_today": found.tasks.due_today,
                  "unclaimed": found.tasks.unclaimed},
        "sla": {"period_days": found.sla.period_days, "completed": found.sla.completed, "within": found.sla.within,
                "rate": found.sla.rate},
        "workload": [{"username": w.username, "name": w.name, "open": w.open, "overdue": w.overdue,
                      "completed_30d": w.completed_30d} for w in found.workload],
        "cycles": [{"instance_id": c.instance_id, "title": c.title, "status": c.status, "libraries": [
            {"library_id": lib.library_id, "name": lib.name, "kecamatan": lib.kecamatan, "stage": lib.stage,
             "overdue": lib.overdue, "stages": dict(lib.stages), "officer": lib.officer, "due_at": iso(lib.due_at)}
            for lib in c.libraries]} for c in found.cycles],
        "cycles_running": found.cycles_running,
    }


def dashboard_csv() -> Response:
    """The overview's numbers as a CSV download (pages and API alike)."""
    found = oversight.dashboard(db.session(), current_actor())
    return attachment(exports.dashboard_csv(dashboard_json(found)), "dasbor.csv", "text/csv")


@declare.route(bp, "/dashboard", "GET", summary="The supervisors' overview: open, overdue and due-today tasks, SLA, "
               "workload, running cycles", tag="oversight", responses={200: ref("Dashboard"), 403: None})
def get_dashboard() -> Any:
    """Open, overdue and due-today tasks, workload, SLA and the running cycles (supervisors)."""
    return dashboard_json(oversight.dashboard(db.session(), current_actor()))


@declare.route(bp, "/dashboard.csv", "GET", summary="The overview's numbers as CSV (supervisors)", tag="oversight",
               responses={200: ("text/csv", {"type": "string"}), 403: None})
def get_dashboard_csv() -> Response:
    """The overview's numbers as CSV (supervisors)."""
    return dashboard_csv()
