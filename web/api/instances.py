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
from web.api.base import bp, json_body, listing, page_args, text_field
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


@bp.post("/instances")
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


@bp.get("/instances")
def list_instances() -> Any:
    """Instances the caller may see, filtered by definition, status and business text."""
    session = db.session()
    page, per_page = page_args()
    result = instances.list_instances(session, current_actor(), definition=request.args.get("definition") or None,
                                      status=request.args.get("status") or None,
                                      q=request.args.get("q") or None, page=page, per_page=per_page)
    return listing(result, lambda row: instance_item(session, row))


@bp.get("/instances/<int:instance_id>")
def get_instance(instance_id: int) -> Any:
    """One instance with its open tasks, history, documents and data."""
    session = db.session()
    return instance_detail(session, instances.get(session, instance_id, current_actor()))


@bp.get("/instances/<int:instance_id>/diagram.svg")
def instance_diagram(instance_id: int) -> Any:
    """The BPMN diagram with open tasks and completed steps marked."""
    session = db.session()
    return Response(instances.diagram(session, instances.get(session, instance_id, current_actor())),
                    mimetype="image/svg+xml")


@bp.post("/instances/<int:instance_id>/<any(suspend, resume, cancel, retry):action>")
def supervise_instance(instance_id: int, action: str) -> Any:
    """Suspend, resume, cancel or retry (an incident), with a required reason."""
    reason = text_field(json_body(), "reason", required=False)
    actor = current_actor()

    def work(session: Session) -> dict[str, Any]:
        row = instances.supervise(session, instance_id, actor, action, reason, limits=db.limits())
        return instance_item(session, row)

    return db.transact(work)


@bp.post("/instances/<int:instance_id>/scenario")
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


@bp.post("/instances/<int:instance_id>/visits/<int:library_id>/withdraw", defaults={"change": "withdraw"})
@bp.post("/instances/<int:instance_id>/visits/<int:library_id>/reschedule", defaults={"change": "reschedule"})
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
