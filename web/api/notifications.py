"""API: my notifications and marking one read (the twin of the notifications page)."""

from __future__ import annotations

from typing import Any

from flask import request

from engine.notify import notices
from engine.notify.notices import Notification
from web import db, notice_texts
from web.api import declare
from web.api.base import bp, listing, page_args
from web.api.schemas import PAGING, list_of, query, ref
from web.api.serialize import iso
from web.callers import current_actor
from web.errors import locale


def notification_item(notification: Notification) -> dict[str, Any]:
    """A notification as the contract lists it (its text in the caller's language)."""
    return {"id": notification.id, "kind": notification.kind, "text": notice_texts.text(notification, locale()),
            "task_id": notification.task_id, "instance_id": notification.instance_id,
            "created_at": iso(notification.created_at), "read_at": iso(notification.read_at)}


@declare.route(bp, "/notifications", "GET", summary="My notifications, newest first", tag="notifications",
               query=query({"unread": {"type": "boolean", "description": "true: the unread ones only"}, **PAGING}),
               responses={200: {"allOf": [list_of("Notification"), {"type": "object", "properties": {
                   "unread": {"type": "integer"}}}]}},
               links={200: {"Read": {"operationId": "read_notification",
                                     "parameters": {"notification_id": "$response.body#/items/0/id"}}}})
def list_notifications() -> Any:
    """My notifications, newest first; `unread=true` for the unread ones only."""
    page, per_page = page_args()
    unread = request.args.get("unread", "").lower() in ("1", "true")
    return listing(notices.for_user(db.session(), current_actor(), unread=unread, page=page, per_page=per_page),
                   notification_item) | {"unread": notices.unread_count(db.session(), current_actor())}


@declare.route(bp, "/notifications/<int:notification_id>/read", "POST", summary="Mark one of my notifications "
               "read", tag="notifications", responses={200: ref("Notification")})
def read_notification(notification_id: int) -> Any:
    """Mark one of my notifications read; 404 for someone else's."""
    return db.transact(lambda s: notification_item(notices.mark_read(s, notification_id, current_actor())))
