"""Notification pages: the list with mark-as-read, and the unread count every page's header shows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.notify import notices
from web import db, notice_texts
from web.callers import current_actor
from web.errors import locale, safe_next

bp = Blueprint("notifications", __name__)
PER_PAGE = 25


@bp.app_context_processor
def _header() -> dict[str, Any]:
    """`unread_notifications()` for the header: counted only when a page for a logged-in person asks."""
    def unread() -> int:
        if "unread_notifications" not in g:
            g.unread_notifications = (notices.unread_count(db.session(), current_actor())
                                      if current_user.is_authenticated else 0)
        return int(g.unread_notifications)
    return {"unread_notifications": unread}


@bp.get("/notifications")
@login_required
def index() -> Any:
    """My notifications, newest first (only the unread ones with ?unread=1)."""
    unread = request.args.get("unread") == "1"
    page = notices.for_user(db.session(), current_actor(), unread=unread, page=request.args.get("page", 1),
                            per_page=PER_PAGE)
    lang = locale()
    rows = [(n, notice_texts.text(n, lang), notice_texts.link(n, "")) for n in page.items]
    return render_template("notifications.html", page=page, rows=rows, unread=unread)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int) -> Any:
    """Mark one notification read, then go where it leads (`open`) or back to the list."""
    notice = db.transact(lambda s: notices.mark_read(s, notification_id, current_actor()))
    if request.form.get("open"):
        return redirect(notice_texts.link(notice, ""), 303)
    return redirect(safe_next(request.form.get("next")) or url_for("notifications.index"), 303)


@bp.post("/notifications/read-all")
@login_required
def read_all() -> Any:
    """Mark every notification of mine read."""
    db.transact(lambda s: notices.mark_all_read(s, current_actor()))
    return redirect(url_for("notifications.index"), 303)
