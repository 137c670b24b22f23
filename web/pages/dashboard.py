"""The supervisors' overview page and its CSV; the API twin is `web/api/dashboard.py`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from engine import oversight
from web import db
from web.api.dashboard import dashboard_csv
from web.callers import current_actor

bp = Blueprint("dashboard", __name__)

STAGE_LABELS: dict[str, Any] = {"monev": _l("Monev"), "selection": _l("Pemilihan"), "coaching": _l("Pembinaan"),
                                "accreditation": _l("Akreditasi")}
STAGE_SHORT: dict[str, Any] = {"monev": _l("Mon"), "selection": _l("Pil"), "coaching": _l("Bin"),
                               "accreditation": _l("Akr")}
CELL_LABELS: dict[str, Any] = {"": _l("belum"), "open": _l("berjalan"), "overdue": _l("terlambat"),
                               "done": _l("selesai"), "skipped": _l("tidak dipilih"), "withdrawn": _l("ditarik")}
CELL_MARKS = {"": "·", "open": "●", "overdue": "!", "done": "✓", "skipped": "–", "withdrawn": "×"}


@bp.get("/dashboard")
@login_required
def show() -> Any:
    """Open, overdue and due-today tasks, workload, SLA and the running cycles, with SVG charts."""
    found = oversight.dashboard(db.session(), current_actor())
    widest = max([w.open for w in found.workload] + [w.completed_30d for w in found.workload] + [1])
    return render_template("dashboard.html", d=found, widest=widest, stages=oversight.STAGES,
                           stage_labels=STAGE_LABELS, stage_short=STAGE_SHORT, cell_labels=CELL_LABELS,
                           cell_marks=CELL_MARKS)


@bp.get("/dashboard.csv")
@login_required
def csv() -> Response:
    """The overview's numbers as CSV."""
    return dashboard_csv()
