"""API: migrating running instances to another version of their definition (admins), one or all of a version."""

from __future__ import annotations

from typing import Any

from engine.errors import BadRequest
from engine.workflow import migration
from web import db, error_texts
from web.api import declare
from web.api.base import bp, json_body, text_field
from web.api.schemas import REASON, body, ref
from web.callers import current_actor


def _int(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    if isinstance(value, float) and value.is_integer():  # JSON does not tell 2 from 2.0
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadRequest("version_required", field=key)
    return value


def _dry_run(body: dict[str, Any]) -> bool:
    value = body.get("dry_run", False)
    if not isinstance(value, bool):
        raise BadRequest("dry_run_not_boolean")
    return value


VERSION = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
DRY_RUN = {"type": "boolean", "default": False}


@declare.route(bp, "/instances/<int:instance_id>/migrate", "POST", summary="Dry-run or migrate one instance to "
               "another version (admin); blocked: 409 with the problems", tag="migration",
               body=body({"to_version": VERSION, "dry_run": DRY_RUN, "reason": REASON}, ("to_version",)),
               blank={"to_version": "version_required"},
               responses={200: ref("MigrationPlan"), 403: None, 404: None, 409: ("migration_blocked", "stale")})
def migrate_instance(instance_id: int) -> Any:
    """Dry-run or migrate one instance; blocked: 409 with its problems, and it is left as it was."""
    actor = current_actor()
    body = json_body()
    to_version, dry_run, reason = _int(body, "to_version"), _dry_run(body), text_field(body, "reason", required=False)
    plan = db.transact(lambda s: migration.migrate_instance(s, instance_id, to_version, actor, dry_run=dry_run,
                                                            reason=reason, limits=db.limits()))
    answer = plan.as_dict()
    answer["problems"] = error_texts.details(answer["problems"])
    return answer


@declare.route(bp, "/definitions/<key>/migrate", "POST", summary="Dry-run or migrate every running, suspended or "
               "stopped instance of a version (admin)", tag="migration",
               path={"key": {"type": "string", "minLength": 1, "maxLength": 200,
                             "pattern": "^[A-Za-z_][A-Za-z0-9_.-]*$"}},
               body=body({"from_version": VERSION, "to_version": VERSION, "dry_run": DRY_RUN, "reason": REASON},
                         ("from_version", "to_version")),
               responses={200: {"type": "object", "properties": {
                   "migrated": {"type": "array", "items": {"type": "integer"}},
                   "migratable": {"type": "array", "items": {"type": "integer"}},
                   "blocked": {"type": "array", "items": {"type": "object", "properties": {
                       "id": {"type": "integer"}, "problems": {"type": "array", "items": {"type": "object"}}}}}}},
                   403: None, 409: ("migration_blocked", "stale")})
def migrate_definition(key: str) -> Any:
    """Dry-run or migrate every running, suspended or stopped instance of `from_version` to `to_version`."""
    actor = current_actor()
    body = json_body()
    from_version, to_version = _int(body, "from_version"), _int(body, "to_version")
    dry_run, reason = _dry_run(body), text_field(body, "reason", required=False)
    answer = db.transact(lambda s: migration.migrate_all(s, key, from_version, to_version, actor, dry_run=dry_run,
                                                         reason=reason, limits=db.limits()))
    for blocked in answer["blocked"]:
        blocked["problems"] = error_texts.details(blocked["problems"])
    return answer
