"""Instance pages: the filtered list, starting a process, one instance with its diagram and history,
and the supervisor actions (suspend, resume, cancel, retry an incident; withdraw or reschedule a visit)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from markupsafe import Markup

from engine import audit, instances, oversight, tasks, visits
from engine.definitions import scenario_capture, versions
from engine.documents import documents, issuing
from engine.errors import BadRequest, ValidationFailed
from engine.libraries import results as library_results
from engine.models import InstanceStatus
from engine.people import roles, users
from engine.workflow import runtime
from web import bpmn_info, db, error_texts, sources
from web.callers import current_actor
from web.errors import locale
from web.pages import history
from web.pages.dashboard import CELL_LABELS, STAGE_LABELS

bp = Blueprint("instances", __name__)
PER_PAGE = 25
# The visit change form's fields as its labels name them, for the messages of a refused change.
FIELD_WORDS: dict[str, Any] = {"reason": _l("Alasan"), "visit_date": _l("Tanggal kunjungan baru"),
                               "officer": _l("Ketua tim baru"), "members": _l("Anggota tim")}


@bp.get("/instances")
@login_required
def index() -> Any:
    """Instances the person may see, filtered by definition, status and business text."""
    session, actor = db.session(), current_actor()
    filters = {k: (request.args.get(k) or "").strip() for k in ("definition", "status", "q")}
    page = instances.list_instances(session, actor, definition=filters["definition"] or None,
                                    status=filters["status"] or None, q=filters["q"] or None,
                                    page=request.args.get("page", 1), per_page=request.args.get("per_page", PER_PAGE))
    version_of = {row.id: runtime.get_definition(session, row.definition_id).version for row in page.items}
    listed = versions.list_definitions(session)
    startable = [d for d, latest in listed if latest and set(d.start_roles) & actor.roles]
    keys = sorted({(d.key, d.name) for d, latest in listed if latest})
    return render_template("instances.html", page=page, filters=filters, versions=version_of,
                           startable=startable, keys=keys, statuses=[s.value for s in InstanceStatus])


@bp.post("/instances")
@login_required
def start() -> Any:
    """Start the latest version of a definition."""
    key = (request.form.get("definition") or "").strip()
    title = (request.form.get("title") or "").strip()
    if not key:
        raise BadRequest("process_required")
    if not title:
        raise BadRequest("title_required")
    instance_id = db.transact(lambda s: instances.start(s, key, current_actor(), {}, limits=db.limits(),
                                                        title=title).id)
    flash(_("Proses dimulai."), "success")
    return redirect(url_for("instances.show", instance_id=instance_id), 303)


@bp.get("/instances/<int:instance_id>")
@login_required
def show(instance_id: int) -> Any:
    """One instance for people: its libraries stage by stage, open tasks, documents, diagram with counts,
    history by name; the raw data only for admins, folded away."""
    session, actor = db.session(), current_actor()
    instance = instances.get(session, instance_id, actor)
    definition = runtime.get_definition(session, instance.definition_id)
    open_tasks = tasks.open_tasks(session, instance_id)
    every_task = tasks.of_instance(session, instance_id)
    events = audit.history(session, instance_id)
    state = instances.progress(session, instance)
    svg = Markup(instances.diagram(session, instance, state, inline=True))  # noqa: S704 - our own lxml serializer output
    supervisor = roles.is_supervisor(actor.roles)
    people = {u.username: u.name for u in users.list_users(session)}
    cycles = oversight.cycles(session, [instance_id])
    scores = {row["library"]: row for row in documents.cycle_results(session, instance_id)}
    # The latest coaching or accreditation outcome of each library (a drop-out, a result, one pending at Perpusnas).
    outcomes = {r.library_id: r for r in library_results.results_of_instance(session, instance_id) if r.kind != "monev"}
    planned = {str(row.get("library")): row.get("officer") for row in state.data.get("jadwal") or []
               if isinstance(row, dict)}
    return render_template(
        "instance.html", instance=instance, definition=definition, open_tasks=open_tasks, events=events,
        svg=svg, supervisor=supervisor, admin="admin" in actor.roles,
        submitted=next((e.data for e in events if e.action == "start" and e.data), None),
        titles=history.field_titles(versions.forms_of(definition), locale()),
        raw_data=json.dumps(state.data, ensure_ascii=False, indent=2, sort_keys=True, default=str),
        libraries=cycles[0].libraries if cycles else [], scores=scores, outcomes=outcomes, planned=planned,
        people=people,
        items={t.id: t.item_label for t in every_task if t.item_label},
        workable={t.id for t in open_tasks if tasks.may_work(t, instance, actor)},
        stage_labels=STAGE_LABELS, cell_labels=CELL_LABELS, counts=state.counts,
        documents=documents.list_for_instance(session, instance_id), names=bpmn_info.step_names(definition),
        offered=instances.offered(instance, actor), may_issue=issuing.may_issue(actor),
        may_capture="admin" in actor.roles and instance.status in scenario_capture.CAPTURABLE,
        open_visits=visits.open_visits(session, instance_id) if supervisor and instance.status == "running" else [],
        officers=sources.officer_options(session) if supervisor else [])


@bp.get("/instances/<int:instance_id>/diagram.svg")
@login_required
def diagram_svg(instance_id: int) -> Any:
    """The diagram alone, for viewing it full screen."""
    session = db.session()
    instance = instances.get(session, instance_id, current_actor())
    return Response(instances.diagram(session, instance), mimetype="image/svg+xml")


@bp.post("/instances/<int:instance_id>/<any(suspend, resume, cancel, retry):action>")
@login_required
def act(instance_id: int, action: str) -> Any:
    """A supervisor action with its required reason; cancelling asks to be confirmed first."""
    reason = request.form.get("reason", "")
    actor = current_actor()
    if action == "cancel" and request.form.get("confirmed") != "yes":
        instance = instances.check_action(db.session(), instance_id, actor, action, reason)
        return render_template("instance_cancel.html", instance=instance, reason=reason.strip())
    db.transact(lambda s: instances.supervise(s, instance_id, actor, action, reason, limits=db.limits()))
    flash(_("Tindakan dicatat."), "success")
    return redirect(url_for("instances.show", instance_id=instance_id), 303)


@bp.post("/instances/<int:instance_id>/scenario")
@login_required
def save_scenario(instance_id: int) -> Any:
    """"Simpan sebagai skenario uji": a new draft version with the instance's path as a scenario, or the file."""
    form = request.form
    name, mode = form.get("name", ""), form.get("save", "draft")
    actor = current_actor()
    captured = db.transact(lambda s: scenario_capture.save(
        s, instance_id, actor, name, limits=db.limits(), mode=mode, note=form.get("note", ""),
        title=form.get("title", "")))
    if captured.draft is None:
        filename = captured.path.removeprefix("tests/")
        return Response(captured.text, mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    draft = captured.draft
    flash(_("Skenario uji %(path)s disimpan dalam draf versi %(version)s.", path=captured.path,
            version=draft.version), "success")
    return redirect(url_for("definitions.version", key=draft.key, version=draft.version), 303)


@bp.post("/instances/<int:instance_id>/visits/<int:library_id>")
@login_required
def change_visit(instance_id: int, library_id: int) -> Any:
    """A supervisor withdraws a library from the cycle or reschedules its open visit, with a reason."""
    form = request.form
    change = form.get("change", "")
    data: dict[str, Any] = {"reason": form.get("reason", "").strip()} if form.get("reason", "").strip() else {}
    if change == "reschedule":
        data.update({key: form.get(key, "").strip() for key in ("visit_date", "officer") if form.get(key, "").strip()})
        members = [name for name in form.getlist("members") if name and name != data.get("officer")]
        if members:
            data["members"] = members
    try:
        db.transact(lambda s: visits.change(s, instance_id, library_id, current_actor(), change, data,
                                            limits=db.limits()))
    except ValidationFailed as exc:
        for detail in error_texts.details(exc.details):
            path = str(detail.get("path") or "")
            flash(f"{FIELD_WORDS.get(path.split('.')[0], path)}: {detail.get('message')}", "error")
        return redirect(url_for("instances.show", instance_id=instance_id) + "#kunjungan", 303)
    flash(_("Perpustakaan ditarik dari siklus.") if change == "withdraw"
          else _("Kunjungan dijadwalkan ulang; surat tugas baru dibuat."), "success")
    return redirect(url_for("instances.show", instance_id=instance_id) + "#kunjungan", 303)
