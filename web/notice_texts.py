"""The words of notifications: one Indonesian sentence per kind (English in the catalog), and their emails.

Pages and the API show a notice in the reader's language; `senapas worker` composes emails outside
any request, so they are in Indonesian, the agency's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from babel.dates import format_datetime
from flask_babel import lazy_gettext as _l

from engine.config import Settings
from engine.notify import mailer
from engine.notify.notices import Notification
from engine.workflow.runtime import WIB

TEXTS: dict[str, Any] = {
    "assigned": _l("Tugas \u201c%(task)s\u201d (%(instance)s) diserahkan kepada Anda oleh %(by)s."),
    "due_soon": _l("Tugas \u201c%(task)s\u201d (%(instance)s) jatuh tempo %(due)s."),
    "overdue": _l("Tugas \u201c%(task)s\u201d (%(instance)s) terlambat; tenggatnya %(due)s."),
    "suspended": _l("%(instance)s ditangguhkan oleh %(by)s. Alasan: %(reason)s"),
    "cancelled": _l("%(instance)s dibatalkan oleh %(by)s. Alasan: %(reason)s"),
}
SUBJECTS: dict[str, Any] = {
    "assigned": _l("Tugas baru untuk Anda"),
    "due_soon": _l("Tugas segera jatuh tempo"),
    "overdue": _l("Tugas terlambat"),
    "suspended": _l("Proses ditangguhkan"),
    "cancelled": _l("Proses dibatalkan"),
}


def _due(value: Any, locale: str) -> str:
    if not isinstance(value, str) or not value:
        return "–"
    return format_datetime(datetime.fromisoformat(value), "d MMM yyyy, HH.mm 'WIB'", tzinfo=WIB,
                           locale=locale)


def text(notification: Notification, locale: str = "id") -> str:
    """The sentence of one notification, in the current request's language (Indonesian outside one)."""
    params: Mapping[str, Any] = notification.params or {}
    task = str(params.get("task") or "")
    if params.get("item"):
        task = f"{task} \u2014 {params['item']}"
    values = {"task": task, "instance": params.get("instance") or "", "by": params.get("by") or "",
              "reason": params.get("reason") or "", "due": _due(params.get("due_at"), locale)}
    return str(TEXTS.get(notification.kind, notification.kind)) % values


def link(notification: Notification, base_url: str) -> str:
    """Where the notice leads: its task, else its instance (a path, or an address with `base_url`)."""
    if notification.task_id:
        path = f"/tasks/{notification.task_id}"
    elif notification.instance_id:
        path = f"/instances/{notification.instance_id}"
    else:
        path = "/notifications"
    return base_url + path


def composer(settings: Settings) -> Callable[[Notification], EmailMessage]:
    """The outbox's composer for these settings: a plain-text email with the notice and a link."""
    def compose(notification: Notification) -> EmailMessage:
        body = text(notification) + "\n"
        if settings.base_url:
            body += f"\n{link(notification, settings.base_url)}\n"
        body += "\n-- \nSenapas, Dinas Perpustakaan dan Kearsipan Kabupaten Sukoharjo\n"
        subject = f"[Senapas] {SUBJECTS.get(notification.kind, notification.kind)}"
        return mailer.message(settings.mail_from, str(notification.email), subject, body,
                              mailer.message_id(notification.id, settings.mail_from))
    return compose
