"""API: the task lists, one task with its form, and claim / unclaim / draft / complete / assign."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy.orm import Session

from engine import instances, task_lists, tasks
from engine.documents import documents
from engine.errors import BadRequest
from engine.libraries import fields, self_assessment
from engine.workflow import runtime, teams
from web import bpmn_info, db
from web.api import declare
from web.api.base import bp, json_body, listing, page_args, text_field
from web.api.schemas import ID_MAX, NEEDED_TEXT, NOT_BLANK, PAGING, PLAIN, SEARCH, any_case, body, list_of, query, ref
from web.api.serialize import document_item, event_item, iso, task_item
from web.callers import current_actor


def _data(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise BadRequest("object_required", field="data")
    return data


TASK_ID = {"task_id": {"type": "string", "minLength": 1, "maxLength": 36, "pattern": "^[0-9a-f-]+$"}}
TASK_CONFLICTS = ("task_completed", "task_cancelled", "task_claimed", "task_not_open", "task_not_ready",
                  "instance_not_running", "stale")
DATA = body({"data": {"type": "object", "description": "the form's fields"}}, ("data",))
ON_TASK = {name: {"operationId": name, "parameters": {"task_id": "$response.body#/id"}}
           for name in ("get_task", "claim_task", "unclaim_task", "save_draft", "complete_task", "comment_task")}
FIRST_TASK = {"GetTask": {"operationId": "get_task", "parameters": {"task_id": "$response.body#/items/0/id"}},
              "ClaimTask": {"operationId": "claim_task", "parameters": {"task_id": "$response.body#/items/0/id"}},
              "CompleteTask": {"operationId": "complete_task",
                               "parameters": {"task_id": "$response.body#/items/0/id"}}}


@declare.route(bp, "/tasks", "GET", summary="Task list", tag="tasks", links={200: FIRST_TASK},
               responses={200: list_of("Task"), 403: None},
               query=query({"scope": {"type": "string", "enum": ["inbox", "queue", "archive", "all"],
                                      "description": "all: every open task (supervisors; others get 403)"},
                            "q": {**SEARCH, "description": "the task title, the instance title, the library name"},
                            "instance_id": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                            "library_id": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                            "kecamatan": {"type": "string", "enum": any_case(*fields.KECAMATAN),
                                          "description": "the library's kecamatan"},
                            "overdue": {"type": "boolean",
                                        "description": "true: open tasks past their due time (archive: done late)"},
                            "due": {"type": "string", "enum": ["today", "week", "none"],
                                    "description": "due today, within 7 days (WIB calendar days), or no due time"},
                            "sort": {"type": "string", "enum": ["due_at", "-due_at", "created_at", "-created_at"]},
                            **PAGING}))
def list_tasks() -> Any:
    """inbox (mine), queue (unclaimed, my lanes), archive (completed by me) or all (supervisors), filtered."""
    page, per_page = page_args()
    where = task_lists.filters(request.args)
    session = db.session()
    found = task_lists.in_scope(session, current_actor(), request.args.get("scope", "inbox"), page, per_page, where)
    team_of = teams.teams_of(session, [row.id for row in found.items])
    return listing(found, lambda row: {**task_item(row), "team": _team(team_of.get(row.id, []))})


@declare.route(bp, "/tasks/<task_id>", "GET", summary="One task with its form", tag="tasks", path=TASK_ID,
               responses={200: ref("TaskDetail")},
               links={200: {**{k: v for k, v in ON_TASK.items() if k != "get_task"},
                            "GetDocument": {"operationId": "get_document",
                                            "parameters": {"document_id": "$response.body#/documents/0/id"}},
                            "GetInstance": {"operationId": "get_instance",
                                            "parameters": {"instance_id": "$response.body#/instance_id"}}}})
def get_task(task_id: str) -> Any:
    """A task with its form (JSON Schema and UI schema), current values and instructions."""
    session = db.session()
    task = tasks.get(session, task_id, current_actor())
    instance = instances.get(session, task.instance_id)
    definition = runtime.get_definition(session, instance.definition_id)
    events = tasks.events_of(session, task)
    data = tasks.values_of(task, events)
    schema = tasks.form_of(session, task)
    prefill = tasks.prefill_of(session, task, schema)
    if not task.draft and prefill.values:
        data = prefill.values  # a step done again starts from what the workflow holds now
    return {**task_item(task), "instance_title": instance.title,
            "team": _team(teams.teams_of(session, [task.id]).get(task.id, [])), "note": prefill.note,
            "draft_saved": {"by": task.draft_by, "at": iso(task.draft_at)} if task.draft and task.draft_by else None,
            "documents": [document_item(d) for d in documents.concerning(session, task.id, task.instance_id,
                                                                         task.item_key)],
            "form": {"schema": schema, "ui_schema": bpmn_info.ui_schema(definition, task.name, task.form)}
            if schema is not None else None,
            "data": data, "instructions": bpmn_info.element_info(definition, task.name).instructions,
            "history": [event_item(e) for e in events],
            "self_assessment": _self_assessment(self_assessment.beside(session, task, schema))}


def _team(members: list[tuple[str, str]]) -> list[dict[str, str]]:
    """A visit team as the API shows it: username and full name of each member."""
    return [{"username": username, "name": name} for username, name in members]


def _self_assessment(found: self_assessment.SelfAssessment | None) -> dict[str, Any] | None:
    """The library's own answers to the instrument beside an officer's monev form (None: not given)."""
    if found is None:
        return None
    return {"task_id": found.task_id, "completed_by": found.completed_by, "completed_at": iso(found.completed_at),
            "instrument": found.instrument,
            "answers": [{"component": a.component, "indicator": a.indicator, "answer": a.letter, "option": a.option}
                        for a in found.answers]}


@declare.route(bp, "/tasks/<task_id>/claim", "POST", summary="Claim", tag="tasks", path=TASK_ID,
               responses={200: ref("Task"), 403: None, 409: TASK_CONFLICTS}, links={200: ON_TASK})
def claim_task(task_id: str) -> Any:
    """Take the task; 409 when someone else holds it."""
    return db.transact(lambda s: task_item(tasks.claim(s, task_id, current_actor())))


@declare.route(bp, "/tasks/<task_id>/unclaim", "POST", summary="Unclaim", tag="tasks", path=TASK_ID,
               responses={200: ref("Task"), 403: None, 409: TASK_CONFLICTS}, links={200: ON_TASK})
def unclaim_task(task_id: str) -> Any:
    """Give the task back to the queue."""
    return db.transact(lambda s: task_item(tasks.unclaim(s, task_id, current_actor())))


@declare.route(bp, "/tasks/<task_id>/draft", "POST", summary="Save a draft (not checked strictly)", tag="tasks",
               path=TASK_ID, body=DATA, responses={200: ref("Task"), 403: None, 409: TASK_CONFLICTS})
def save_draft(task_id: str) -> Any:
    """Keep unfinished values on the task (not validated against the schema)."""
    data = _data(json_body())
    return db.transact(lambda s: {**task_item(tasks.save_draft(s, task_id, current_actor(), data)), "data": data})


@declare.route(bp, "/tasks/<task_id>/complete", "POST", summary="Complete with the form's data", tag="tasks",
               path=TASK_ID, body=DATA, responses={200: ref("Completion"), 403: None, 409: TASK_CONFLICTS,
                                                   422: ("invalid_data",)},
               links={200: {"GetInstance": {"operationId": "get_instance",
                                            "parameters": {"instance_id": "$response.body#/instance/id"}},
                            "GetNextTask": {"operationId": "get_task",
                                            "parameters": {"task_id": "$response.body#/next_tasks/0/id"}}}})
def complete_task(task_id: str) -> Any:
    """Complete the task with its form data: the instance's status and the tasks that opened."""
    data = _data(json_body())
    actor = current_actor()

    def work(session: Session) -> dict[str, Any]:
        done = tasks.complete(session, task_id, actor, data, limits=db.limits())
        body: dict[str, Any] = {"instance": {"id": done.instance_id, "status": done.status},
                                "next_tasks": [task_item(t) for t in done.next_tasks]}
        if done.incident:
            body["incident"] = done.incident
        return body

    return db.transact(work)


@declare.route(bp, "/tasks/<task_id>/assign", "POST", summary="Hand to a person (supervisors)", tag="tasks",
               path=TASK_ID, body=body({"username": {**PLAIN, "minLength": 1, "pattern": NOT_BLANK},
                                        "reason": NEEDED_TEXT}, ("username", "reason")),
               blank={"reason": "reason_required"},
               responses={200: ref("Task"), 403: None, 409: TASK_CONFLICTS, 422: ("invalid_data",)})
def assign_task(task_id: str) -> Any:
    """A supervisor hands the task to a person whose roles fit its lane, with a reason."""
    body = json_body()
    username, reason = text_field(body, "username"), text_field(body, "reason", required=False)
    return db.transact(lambda s: task_item(tasks.assign(s, task_id, current_actor(), username, reason)))


@declare.route(bp, "/tasks/<task_id>/comment", "POST", summary="Comment in the task's history", tag="tasks",
               path=TASK_ID, body=body({"text": NEEDED_TEXT}, ("text",)),
               responses={201: {"type": "object", "properties": {"ok": {"type": "boolean"}}}, 403: None,
                          409: TASK_CONFLICTS})
def comment_task(task_id: str) -> Any:
    """Add a comment to the task's history: 201."""
    text = text_field(json_body(), "text", required=False)
    db.transact(lambda s: tasks.comment(s, task_id, current_actor(), text))
    return {"ok": True}, 201
