"""Exports: a cycle's monev results as CSV or XLSX, and the instance list as CSV."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import login_required

from web.files import instances_export, monev_export

bp = Blueprint("exports", __name__)


@bp.get("/instances/<int:instance_id>/monev.<any(csv, xlsx):fmt>")
@login_required
def monev(instance_id: int, fmt: str) -> Response:
    """Download a cycle's monev results."""
    return monev_export(instance_id, fmt)


@bp.get("/instances.csv")
@login_required
def instance_list() -> Response:
    """Download the filtered instance list."""
    return instances_export()
