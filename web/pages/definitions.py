"""Definition pages (process owners only): the versions, uploading a bundle, a version with its diff, its files."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from markupsafe import Markup

from engine.definitions import diff, lifecycle, scenarios, validation, versions
from engine.definitions.versions import DeployResult
from engine.errors import BadRequest, InvalidDefinition
from engine.workflow import migration
from web import db, error_texts
from web.callers import current_actor, require_admin
from web.files import bpmn_response, bundle_response, read_upload, upload_options

bp = Blueprint("definitions", __name__)
STATUS_LABELS = {"draft": _l("draf"), "current": _l("aktif"), "available": _l("tersedia"), "retired": _l("pensiun")}


@bp.get("/definitions")
@login_required
def index() -> Any:
    """Every version, newest first per process."""
    require_admin()
    return _listing()


@bp.post("/definitions")
@login_required
def upload() -> Any:
    """Deploy an upload (one BPMN file, several files or a zip bundle); problems listed with file, line, element."""
    require_admin()
    bundle = read_upload(request.files.getlist("file"))
    note, draft = upload_options()
    actor = current_actor()
    filename = _names(bundle)
    try:
        result = db.transact(lambda s: _summary(versions.deploy_upload(s, bundle, actor, note=note, draft=draft)))
    except InvalidDefinition as exc:
        return _listing(problems=error_texts.details(exc.details), filename=filename), 422
    if result["created"]:
        flash(_("%(key)s versi %(version)s dipasang.", key=result["key"], version=result["version"]), "success")
    elif result["status"] == lifecycle.AVAILABLE:
        flash(_("Isi berkas sama dengan %(key)s versi %(version)s, yang bukan versi aktif; tidak ada versi baru. "
                "Aktifkan versi ini di bawah bila proses baru harus dimulai padanya.",
                key=result["key"], version=result["version"]), "info")
    else:
        flash(_("Isi berkas sama dengan %(key)s versi %(version)s; tidak ada versi baru.",
                key=result["key"], version=result["version"]), "info")
    if result["warnings"]:
        return _listing(filename=filename, warnings=error_texts.details(result["warnings"]),
                        deployed=(result["key"], result["version"]))
    return redirect(url_for("definitions.version", key=result["key"], version=result["version"]), 303)


@bp.post("/definitions/validate")
@login_required
def check() -> Any:
    """Check an upload as a deploy would and show its errors and warnings; nothing is stored."""
    require_admin()
    bundle = read_upload(request.files.getlist("file"))
    filename = _names(bundle)
    examined = validation.validate_upload(db.session(), bundle, current_actor())
    return _listing(filename=filename, checked_only=True,
                    problems=error_texts.details(p.as_dict() for p in examined.errors),
                    warnings=error_texts.details(p.as_dict() for p in examined.warnings))


def _listing(**extra: Any) -> str:
    """The definitions page with every version, and whatever an upload, check or scenario run adds."""
    extra.setdefault("problems", None)
    return render_template("definitions.html", rows=versions.list_definitions(db.session()),
                           version_labels=STATUS_LABELS, **extra)


def _names(bundle: Any) -> str:
    """How an upload is named in messages: its files, or their number."""
    return ", ".join(sorted(bundle)) if len(bundle) <= 3 else _("%(n)s berkas", n=len(bundle))


def _summary(result: DeployResult) -> dict[str, Any]:
    return {"key": result.definition.key, "version": result.definition.version, "created": result.created,
            "status": result.definition.status, "warnings": [p.as_dict() for p in result.warnings]}


@bp.get("/definitions/<key>/versions/<int:version>")
@login_required
def version(key: str, version: int) -> Any:
    """One version: its note and life, its instances, downloads, activate/retire, and what changed."""
    require_admin()
    session = db.session()
    infos = lifecycle.list_versions(session, key)
    info = next((i for i in infos if i.definition.version == version), None)
    if info is None:
        versions.get_version(session, key, version)  # the 404 with its own message
    assert info is not None
    others = [i.definition.version for i in infos if i.definition.version != version]
    older = [v for v in others if v < version]
    base = request.args.get("from", "")
    compare_with = int(base) if base.isdigit() and int(base) in others else (max(older) if older else None)
    changes, picture = None, None
    if compare_with is not None:
        base_version = versions.get_version(session, key, compare_with)
        changes = diff.compare(base_version, info.definition)
        picture = Markup(diff.svg(base_version, info.definition, inline=True,  # noqa: S704 - our lxml serializer's output
                                  found=changes))
    return render_template("definition_version.html", info=info, definition=info.definition, versions=infos,
                           others=others, compare_with=compare_with, changes=changes, picture=picture,
                           version_labels=STATUS_LABELS)


@bp.post("/definitions/<key>/versions/<int:version>/activate", defaults={"action": "activate"})
@bp.post("/definitions/<key>/versions/<int:version>/retire", defaults={"action": "retire"})
@login_required
def change(key: str, version: int, action: str) -> Any:
    """Activate (also the rollback) or retire a version, with the reason given."""
    actor = current_actor()
    reason = request.form.get("reason", "")
    work = lifecycle.activate if action == "activate" else lifecycle.retire
    db.transact(lambda s: work(s, key, version, actor, reason))
    if action == "activate":
        flash(_("%(key)s versi %(version)s sekarang aktif: proses baru dimulai pada versi ini.",
                key=key, version=version), "success")
    else:
        flash(_("%(key)s versi %(version)s dipensiunkan; proses yang berjalan tetap berlanjut.",
                key=key, version=version), "success")
    return redirect(url_for("definitions.version", key=key, version=version), 303)


# One rule for both methods: beyond-64-bit versions then match no rule at all (404, not 405).
@bp.route("/definitions/<key>/versions/<int:version>/migrate", methods=["GET", "POST"])
@login_required
def migrate_page(key: str, version: int) -> Any:
    """The running instances of the other versions: which can move to this one (dry run) and which are blocked."""
    if request.method == "POST":
        return _migrate(key, version)
    require_admin()
    session, actor = db.session(), current_actor()
    infos = lifecycle.list_versions(session, key)
    target = versions.get_version(session, key, version)
    sources = []
    for info in infos:
        if info.definition.version != version and info.running:
            found = migration.migrate_all(session, key, info.definition.version, version, actor, dry_run=True,
                                          reason="", limits=db.limits())
            for blocked in found["blocked"]:
                blocked["problems"] = error_texts.details(blocked["problems"])
            sources.append((info, found))
    session.rollback()  # the dry runs locked the rows they read; nothing was written
    return render_template("definition_migrate.html", definition=target, sources=sources,
                           version_labels=STATUS_LABELS)


def _migrate(key: str, version: int) -> Any:
    """Move every migratable instance of `from_version` to this version, with the reason given."""
    actor = current_actor()
    raw = request.form.get("from_version", "")
    if not raw.isdigit():
        raise BadRequest("version_required", field="from_version")
    reason = request.form.get("reason", "")
    found = db.transact(lambda s: migration.migrate_all(s, key, int(raw), version, actor, dry_run=False,
                                                        reason=reason, limits=db.limits()))
    flash(_("%(n)s proses dipindahkan ke versi %(version)s; %(blocked)s tetap pada versinya.",
            n=len(found["migrated"]), version=version, blocked=len(found["blocked"])), "success")
    return redirect(url_for("definitions.migrate_page", key=key, version=version), 303)


@bp.get("/definitions/<key>/versions/<int:version>/bpmn")
@login_required
def download(key: str, version: int) -> Any:
    """The XML of one version."""
    require_admin()
    return bpmn_response(versions.get_version(db.session(), key, version))


@bp.get("/definitions/<key>/versions/<int:version>/bundle")
@login_required
def bundle(key: str, version: int) -> Any:
    """The whole bundle of one version as a zip."""
    require_admin()
    return bundle_response(versions.get_version(db.session(), key, version))


@bp.get("/definitions/<key>/diff.svg")
@login_required
def diff_svg(key: str) -> Any:
    """The diagram of `to` with what changed since `from` marked."""
    require_admin()
    session = db.session()
    numbers = [request.args.get(name, "") for name in ("from", "to")]
    if not all(n.isdigit() for n in numbers):
        raise BadRequest("diff_versions_required")
    old, new = (versions.get_version(session, key, int(n)) for n in numbers)
    return Response(diff.svg(old, new), mimetype="image/svg+xml")


@bp.post("/definitions/<key>/versions/<int:version>/test")
@login_required
def run_scenarios(key: str, version: int) -> Any:
    """Run the scenario tests of a version in memory and list how they went; nothing is stored."""
    require_admin()
    outcome = scenarios.run_tests(db.session(), key, version, current_actor(), limits=db.limits())
    failed = [{"test": f.test, "step": f.step, "message": error_texts.text(f.code, f.params)} for f in outcome.failed]
    return _listing(scenario_run={"key": key, "version": version, "passed": outcome.passed, "failed": failed})
