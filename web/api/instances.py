"""API: start instances, list and read them, their diagram, and the supervisor actions."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from sqlalchemy.orm import Session

from engine import audit, instances, tasks, visits
from engine.definitions import scenario_capture
from engine.documents import documents
from engine.errors import BadRequest
from engine.models import Instance
from web import db
from web.api import declare
from web.api.base import bp, json_body, listing, page_args, text_field
from web.api.schemas import NEEDED_TEXT, PAGING, SEARCH, body, list_of, query, ref
from web.api.serialize import definition_item, document_item, event_item, instance_item, task_item
from web.callers import current_actor


def instance_detail(session: Session, instance: Instance) -> dict[str, Any]:
    """The listed fields plus open tasks, history, documents and business data."""
    events = audit.history(session, instance.id)
    return {**instance_item(session, instance),
            "tasks": [task_item(t) for t in tasks.open_tasks(session, instance.id)],
            "history": [event_item(e) for e in events],
            "documents": [document_item(d) for d in documents.list_for_instance(session, instance.id)],
            "data": instances.progress(session, instance).data}


STATUSES = ["running", "suspended", "completed", "cancelled", "error"]
KEY = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[A-Za-z_][A-Za-z0-9_.-]*$"}
FILTERS: dict[str, Any] = {"definition": {**KEY, "description": "a definition key"},
                           "status": {"type": "string", "enum": STATUSES},
                           "q": {**SEARCH, "description": "searches business data (library name, period)"}}
ON_INSTANCE = {"GetInstance": {"operationId": "get_instance", "parameters": {"instance_id": "$response.body#/id"}},
               "InstanceTasks": {"operationId": "list_tasks",
                                 "parameters": {"instance_id": "$response.body#/id", "scope": "all"}},
               "GetFirstTask": {"operationId": "get_task", "parameters": {"task_id": "$response.body#/tasks/0/id"}},
               "GetDocument": {"operationId": "get_document",
                               "parameters": {"document_id": "$response.body#/documents/0/id"}},
               "Diagram": {"operationId": "instance_diagram", "parameters": {"instance_id": "$response.body#/id"}}}
SUPERVISE_CONFLICTS = ("instance_not_running", "invalid_transition", "retry_needs_incident", "failed_task_gone",
                       "stale")


@declare.route(bp, "/instances", "POST", summary="Start the current version of a definition", tag="instances",
               body=body({"definition": KEY, "data": {"type": ["object", "null"], "description": "start form data"},
                          "title": {"type": ["string", "null"], "maxLength": 300,
                                    "pattern": "^[^\\x00-\\x1f]*$"}}, ("definition",)),
               responses={201: ref("InstanceDetail"), 403: None, 404: None, 409: ("definition_retired", "stale"),
                          422: ("invalid_data",)}, links={201: ON_INSTANCE})
def start_instance() -> Any:
    """Start the latest version of a definition with start data: 201 and the new instance."""
    body = json_body()
    key = text_field(body, "definition")
    data = body.get("data") if body.get("data") is not None else {}
    if not isinstance(data, dict):
        raise BadRequest("object_required", field="data")
    title = text_field(body, "title", required=False)
    actor = current_actor()

    def work(session: Session) -> dict[str, Any]:
        return instance_detail(session, instances.start(session, key, actor, data, limits=db.limits(),
                                                        title=title))

    return db.transact(work), 201


@declare.route(bp, "/instances", "GET", summary="Instances the caller may see", tag="instances",
               query=query({**FILTERS, **PAGING}), responses={200: list_of("Instance")},
               links={200: {"GetInstance": {"operationId": "get_instance",
                                            "parameters": {"instance_id": "$response.body#/items/0/id"}}}})
def list_instances() -> Any:
    """Instances the caller may see, filtered by definition, status and business text."""
    session = db.session()
    page, per_page = page_args()
    result = instances.list_instances(session, current_actor(), definition=request.args.get("definition") or None,
                                      status=request.args.get("status") or None,
                                      q=request.args.get("q") or None, page=page, per_page=per_page)
    return listing(result, lambda row: instance_item(session, row))


@declare.route(bp, "/instances/<int:instance_id>", "GET", summary="One instance: open tasks, history, documents, "
               "data", tag="instances", responses={200: ref("InstanceDetail")},
               links={200: {k: v for k, v in ON_INSTANCE.items() if k != "GetInstance"}})
def get_instance(instance_id: int) -> Any:
    """One instance with its open tasks, history, documents and data."""
    session = db.session()
    return instance_detail(session, instances.get(session, instance_id, current_actor()))


@declare.route(bp, "/instances/<int:instance_id>/diagram.svg", "GET", summary="The diagram, open tasks and "
               "completed steps marked", tag="instances", responses={200: ("image/svg+xml", {"type": "string"})})
def instance_diagram(instance_id: int) -> Any:
    """The BPMN diagram with open tasks and completed steps marked."""
    session = db.session()
    return Response(instances.diagram(session, instances.get(session, instance_id, current_actor())),
                    mimetype="image/svg+xml")


def _supervision(action: str, summary: str) -> Any:
    return declare.route(bp, f"/instances/<int:instance_id>/{action}", "POST", summary=summary, tag="instances",
                         body=body({"reason": NEEDED_TEXT}, ("reason",)), blank={"reason": "reason_required"},
                         responses={200: ref("Instance"), 403: None, 409: SUPERVISE_CONFLICTS})


@_supervision("suspend", "Suspend (supervisors)")
def suspend_instance(instance_id: int) -> Any:
    """Suspend: its tasks wait until it is resumed."""
    return supervise_instance(instance_id, "suspend")


@_supervision("resume", "Resume (supervisors)")
def resume_instance(instance_id: int) -> Any:
    """Resume a suspended instance."""
    return supervise_instance(instance_id, "resume")


@_supervision("cancel", "Cancel (supervisors); its open tasks are cancelled")
def cancel_instance(instance_id: int) -> Any:
    """Cancel for good."""
    return supervise_instance(instance_id, "cancel")


@_supervision("retry", "Retry the step an incident stopped (supervisors)")
def retry_instance(instance_id: int) -> Any:
    """Run the failed step again."""
    return supervise_instance(instance_id, "retry")


def supervise_instance(instance_id: int, action: str) -> Any:
    """Suspend, resume, cancel or retry (an incident), with a required reason."""
    reason = text_field(json_body(), "reason", required=False)
    actor = current_actor()

    def work(session: Session) -> dict[str, Any]:
        row = instances.supervise(session, instance_id, actor, action, reason, limits=db.limits())
        return instance_item(session, row)

    return db.transact(work)


SCENARIO_NAME = {"type": "string", "minLength": 1, "maxLength": 85,
                 "description": "file name under tests/: a letter or digit, then letters, digits, _ or - "
                                "(a trailing .json is accepted); another name is refused (422 "
                                "`scenario_name_invalid`)"}


@declare.route(bp, "/instances/<int:instance_id>/scenario", "POST", summary="Save the instance's path as a "
               "scenario test (admins): a new draft version with it, or the file", tag="instances", admin=True,
               body=body({"name": SCENARIO_NAME, "title": {"type": ["string", "null"], "maxLength": 300},
                          "note": {"type": ["string", "null"], "maxLength": 2000},
                          "save": {"type": ["string", "null"], "enum": ["draft", "download", None]}}, ("name",)),
               responses={201: {"type": "object", "properties": {"path": {"type": "string"},
                                                                 "scenario": {"type": "object"},
                                                                 "definition": ref("Definition")}},
                          200: ("application/json", {"type": "object"}), 403: None, 404: None,
                          409: ("scenario_name_taken", "scenario_instance_unfit", "scenario_not_reproduced",
                                "stale"),
                          413: ("scenario_too_large",), 422: ("scenario_name_invalid",)})
def save_scenario(instance_id: int) -> Any:
    """Write a scenario test from the instance's path (admins): a new draft version with it (201), or the file."""
    body = json_body()
    name = text_field(body, "name")
    note = text_field(body, "note", required=False)
    title = text_field(body, "title", required=False)
    mode = text_field(body, "save", required=False) or "draft"
    actor = current_actor()

    def work(session: Session) -> Any:
        captured = scenario_capture.save(session, instance_id, actor, name, limits=db.limits(), mode=mode,
                                         note=note, title=title)
        if captured.draft is None:
            return captured.text, None
        return {"path": captured.path, "scenario": captured.scenario,
                "definition": definition_item(captured.draft, latest=False)}, captured.path

    answer, saved = db.transact(work)
    if saved is None:
        filename = scenario_capture.check_name(name).removeprefix("tests/")
        return Response(answer, mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return answer, 201


def _visit_change(change: str, summary: str) -> Any:
    return declare.route(bp, f"/instances/<int:instance_id>/visits/<int:library_id>/{change}", "POST",
                         summary=summary, tag="instances",
                         description="`reason` is required; it is checked with the other fields, so a refusal "
                                     "(422 `form_invalid`) lists every problem at once.",
                         body=body(dict(visits.SCHEMAS[change]["properties"])),
                         responses={200: ref("InstanceDetail"), 403: None, 404: None,
                                    409: ("instance_not_running", "stale"), 422: ("form_invalid",)},
                         links={200: {k: v for k, v in ON_INSTANCE.items() if k != "GetInstance"}})


@_visit_change("withdraw", "Withdraw a library from the cycle (supervisors), with a reason")
def withdraw_visit(instance_id: int, library_id: int) -> Any:
    """Withdraw the library: its monev track ends without a result."""
    return change_visit(instance_id, library_id, "withdraw")


@_visit_change("reschedule", "Reschedule a library's open visit (supervisors): new date, maybe a new team")
def reschedule_visit(instance_id: int, library_id: int) -> Any:
    """Reschedule the open visit: it opens again on its new date, with a new surat tugas."""
    return change_visit(instance_id, library_id, "reschedule")


def change_visit(instance_id: int, library_id: int, change: str) -> Any:
    """A supervisor withdraws a library from the cycle, or reschedules its open visit (new date, maybe a new team).

    Body: `reason` (always), `visit_date`, `officer` and `members` (reschedule). The answer is the
    instance with its open tasks and documents, as `GET /instances/{id}` gives it.
    """
    body = json_body()
    actor = current_actor()

    def work(session: Session) -> dict[str, Any]:
        outcome = visits.change(session, instance_id, library_id, actor, change, body, limits=db.limits())
        detail = instance_detail(session, instances.get(session, instance_id, actor))
        if outcome.incident:
            detail["incident"] = outcome.incident
        return detail

    return db.transact(work)
