"""Task pages: the inbox / queue / archive lists and one task with its form, claim and comments."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import Session

from engine import audit, instances, task_lists, tasks
from engine.definitions import versions
from engine.documents import documents
from engine.errors import ValidationFailed
from engine.libraries import self_assessment
from engine.libraries.fields import KECAMATAN
from engine.models import InstanceStatus, Task, TaskStatus
from engine.people import roles
from engine.workflow import runtime, teams
from web import bpmn_info, db, error_texts, sources
from web.callers import current_actor
from web.errors import locale, safe_next
from web.forms import parse, render
from web.pages import history

bp = Blueprint("tasks", __name__)
PER_PAGE = 25
OFFICER_SOURCE = '"x-senapas-source": "officer"'


def is_overdue(task: Task) -> bool:
    """True for an open task past its due time."""
    return bool(task.status == TaskStatus.OPEN and task.due_at and task.due_at < datetime.now(UTC))


@bp.app_template_filter("overdue")
def _overdue_filter(task: Task) -> bool:
    return is_overdue(task)


@bp.get("/tasks")
@login_required
def index() -> Any:
    """The task lists with their counts, searched and filtered; the inbox first, the queue when it is empty."""
    session, actor = db.session(), current_actor()
    supervisor = roles.is_supervisor(actor.roles)
    names = [name for name in task_lists.SCOPES if supervisor or name != "all"]
    counts = {name: task_lists.in_scope(session, actor, name, 1, 1).total for name in names}
    where = task_lists.filters(request.args)
    scope = request.args.get("scope") or ("inbox" if counts["inbox"] or not counts["queue"] else "queue")
    page = task_lists.in_scope(session, actor, scope, request.args.get("page", 1),
                               request.args.get("per_page", PER_PAGE), where)
    cycles = instances.list_instances(session, actor, status=InstanceStatus.RUNNING.value, per_page=200).items
    team_of = teams.teams_of(session, [row.id for row in page.items])
    return render_template("tasks.html", scope=scope, page=page, counts=counts, where=where, cycles=cycles,
                           teams=team_of,
                           libraries=sources.library_options(session), kecamatan=KECAMATAN,
                           sorts=task_lists.SORTS)


def _context(session: Session, task: Task) -> dict[str, Any]:
    """Everything the task page shows besides the form values."""
    actor = current_actor()
    instance = instances.get(session, task.instance_id)
    definition = runtime.get_definition(session, instance.definition_id)
    events = tasks.events_of(session, task)
    team = teams.teams_of(session, [task.id]).get(task.id, [])
    workable = tasks.may_work(task, instance, actor, member=actor.username in {name for name, _ in team})
    suspended = audit.latest(session, instance.id, "suspend") if instance.status == InstanceStatus.SUSPENDED else None
    finished_by_me = task.status == TaskStatus.COMPLETED and task.completed_by == actor.username
    return {"task": task, "instance": instance, "definition": definition, "events": events,
            "suspension": suspended,
            "concerning": documents.concerning(session, task.id, task.instance_id, task.item_key),
            "next_tasks": task_lists.next_for(session, actor, task) if finished_by_me else [],
            "info": bpmn_info.element_info(definition, task.name), "workable": workable, "team": team,
            "can_claim": workable and task.assignee is None,
            "can_unclaim": tasks.may_unclaim(task, actor),
            "ui": bpmn_info.ui_schema(definition, task.name, task.form),
            "data": tasks.data_of(session, task),
            "titles": history.field_titles(versions.forms_of(definition), locale())}


def _render(task_id: str, values: dict[str, Any] | None = None, errors: list[dict[str, Any]] | None = None,
            status: int = 200) -> Any:
    session = db.session()
    task = tasks.get(session, task_id, current_actor())
    ctx = _context(session, task)
    fresh = values is None and task.status == TaskStatus.OPEN and not task.draft
    schema = tasks.form_of(session, task)
    prefill = tasks.prefill_of(session, task, schema)
    if values is None:
        values = prefill.values if fresh and prefill.values else tasks.values_of(task, ctx["events"])
    beside = self_assessment.beside(session, task, schema)
    form = render.build(self_assessment.annotated(schema, beside, _("Penilaian mandiri")) if schema else schema,
                        values, errors=errors, ui=ctx["ui"], lang=locale(),
                        libraries=sources.library_options(session) if _mentions(schema, "library") else [],
                        choices=sources.monitored_options(session, task.instance_id)
                        if _mentions(schema, "x-senapas-choices") else None,
                        officers=sources.officer_options(session) if _mentions(schema, OFFICER_SOURCE) else None,
                        defaults=fresh)
    return render_template("task.html", form=form, has_errors=bool(errors), problems=render.problems(form),
                           self_assessment=beside, note=prefill.note, **ctx), status


def _mentions(schema: dict[str, Any] | None, word: str) -> bool:
    """True when a schema mentions a keyword or value anywhere (to skip needless registry queries)."""
    return bool(schema) and word in json.dumps(schema)


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id: str) -> Any:
    """One task: instructions, its form (or what was submitted), claim buttons and comments."""
    return _render(task_id)


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str) -> Any:
    """Complete the task, save a draft, or add/remove a table row and show the form again."""
    session, actor = db.session(), current_actor()
    task = tasks.get(session, task_id, actor)
    schema = tasks.form_of(session, task)
    ui = bpmn_info.ui_schema(runtime.get_definition(session, instances.get(session, task.instance_id)
                                                      .definition_id), task.name, task.form)
    rows_changed = bool(request.form.get("_add") or request.form.get("_remove"))
    data = parse.parse(schema, request.form, ui=ui, libraries=True, keep_empty_rows=rows_changed)
    if parse.row_action(data, request.form):
        return _render(task_id, values=data)
    if request.form.get("_action") == "draft":
        db.transact(lambda s: tasks.save_draft(s, task_id, actor, data))
        flash(_("Draf disimpan."), "success")
        return redirect(url_for("tasks.show", task_id=task_id), 303)
    try:
        result = db.transact(lambda s: _complete(s, task_id, data))
    except ValidationFailed as exc:
        return _render(task_id, values=data, errors=error_texts.details(exc.details), status=422)
    if result["incident"]:
        flash(_("Tugas dikirim, tetapi proses berhenti karena insiden: %(message)s",
                message=result["incident"]), "error")
    elif result["next"]:
        flash(_("Tugas selesai. Berikutnya: %(tasks)s", tasks=", ".join(result["next"])), "success")
    else:
        flash(_("Tugas selesai."), "success")
    # The finished task's page: what was sent, the documents it made, and the person's next tasks.
    return redirect(url_for("tasks.show", task_id=task_id), 303)


def _complete(session: Session, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
    done = tasks.complete(session, task_id, current_actor(), data, limits=db.limits())
    return {"incident": done.incident, "next": [t.title for t in done.next_tasks]}


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> Any:
    """Take the task from the queue into my inbox."""
    db.transact(lambda s: tasks.claim(s, task_id, current_actor()))
    flash(_("Tugas diambil; sekarang ada di kotak masuk Anda."), "success")
    return redirect(url_for("tasks.show", task_id=task_id), 303)


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str) -> Any:
    """Give the task back to the queue."""
    db.transact(lambda s: tasks.unclaim(s, task_id, current_actor()))
    flash(_("Tugas dikembalikan ke antrean."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("tasks.index"), 303)


@bp.post("/tasks/<task_id>/comment")
@login_required
def comment(task_id: str) -> Any:
    """Add a comment to the task's history."""
    db.transact(lambda s: tasks.comment(s, task_id, current_actor(), request.form.get("text", "")))
    flash(_("Komentar ditambahkan."), "success")
    return redirect(url_for("tasks.show", task_id=task_id) + "#riwayat", 303)


@bp.post("/tasks/<task_id>/assign")
@login_required
def assign(task_id: str) -> Any:
    """A supervisor hands the task to someone else, with a reason."""
    username = request.form.get("username", "")
    db.transact(lambda s: tasks.assign(s, task_id, current_actor(), username, request.form.get("reason", "")))
    flash(_("Tugas ditugaskan kepada %(user)s.", user=username.strip().lower()), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("tasks.show", task_id=task_id), 303)
