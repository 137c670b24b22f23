"""The bundle editor (process owners only): a version's BPMN, DMN and form files in the browser, and form previews."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.definitions import versions
from engine.errors import BadRequest
from web import db, error_texts, security
from web.callers import require_admin
from web.forms import render

bp = Blueprint("editor", __name__)
MAX_FORM_CHARS = 500_000
# bpmn-js and dmn-js draw some icons from SVG markup with style attributes; scripts stay 'self' only.
EDITOR_CSP = security.CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@bp.get("/definitions/<key>/edit")
@login_required
def edit(key: str) -> Any:
    """The editor on the bundle of version `from` (the current version when not given)."""
    require_admin()
    session = db.session()
    base = request.args.get("from", "")
    if base and not base.isdigit():
        raise BadRequest("editor_version_invalid")
    definition = versions.get_version(session, key, int(base)) if base else versions.latest(session, key)
    data = {
        "key": definition.key, "version": definition.version, "main": definition.filename,
        "files": versions.stored_bundle(definition), "texts": _texts(),
        "urls": {"validate": url_for("api.validate_definition"), "upload": url_for("api.upload_definition"),
                 "preview": url_for("editor.preview_form"),
                 "definitions": url_for("definitions.index")},
    }
    page = Response(render_template("definition_edit.html", definition=definition, data=data))
    page.headers["Content-Security-Policy"] = EDITOR_CSP
    return page


@bp.post("/definitions/forms/preview")
@login_required
def preview_form() -> Any:
    """A form's JSON Schema (and UI hints) rendered as a task page shows it, in Indonesian and in English."""
    require_admin()
    try:
        schema = _json_field("schema", required=True)
        ui = _json_field("ui", required=False)
    except BadRequest as exc:
        return Response(error_texts.text(exc.case, exc.params), 400, mimetype="text/plain")
    forms = [(lang, render.build(schema, ui=ui, lang=lang, defaults=True)) for lang in ("id", "en")]
    return render_template("_form_preview.html", forms=forms)


def _json_field(name: str, *, required: bool) -> dict[str, Any]:
    raw = request.form.get(name, "")
    if not raw.strip():
        if required:
            raise BadRequest("form_preview_invalid", field=name, problem=_("kosong"))
        return {}
    if len(raw) > MAX_FORM_CHARS:
        raise BadRequest("form_preview_invalid", field=name, problem=_("terlalu panjang"))
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise BadRequest("form_preview_invalid", field=name, problem=str(exc)) from exc
    if not isinstance(value, dict):
        raise BadRequest("form_preview_invalid", field=name, problem=_("bukan objek JSON"))
    return value


def _texts() -> dict[str, str]:
    """The editor's labels in the reader's language."""
    return {
        "select_element": _("Pilih elemen pada diagram untuk melihat sifatnya."),
        "properties": _("Sifat elemen"), "id": _("Id"),
        "id_hint": _("Id yang mudah dibaca, mis. Tinjau_Eskalasi; harus unik dalam berkas."),
        "name": _("Nama"), "lane": _("Lajur (peran)"),
        "documentation": _("Dokumentasi"), "instructions": _("Petunjuk untuk pengguna"),
        "form": _("Berkas formulir"), "due_duration": _("Batas waktu (durasi)"),
        "due_duration_hint": _("Durasi ISO 8601 sejak tugas dibuat, mis. PT7H atau P3D."),
        "due_date": _("Batas waktu (ekspresi tanggal)"), "documents": _("Dokumen saat selesai"),
        "documents_hint": _("Jenis dokumen dipisah koma, mis. surat_tugas,monev_report."),
        "documents_on_open": _("Dokumen saat dibuka"), "result_variable": _("Variabel hasil"),
        "library_result": _("Hasil untuk riwayat perpustakaan"), "pre_script": _("Skrip sebelum"),
        "post_script": _("Skrip sesudah"), "script": _("Skrip (Python)"), "condition": _("Syarat (Python)"),
        "decision": _("Keputusan (DMN)"), "called_process": _("Proses yang dipanggil"),
        "multi_instance": _("Multi-instance"), "mi_collection": _("Koleksi masukan"),
        "mi_item": _("Butir masukan"), "mi_output": _("Koleksi keluaran"), "mi_output_item": _("Butir keluaran"),
        "timer": _("Pewaktu"), "timer_hint": _("Ekspresi Python; literal perlu tanda kutip, mis. \"P1D\"."),
        "checking": _("Memeriksa…"), "saving": _("Menyimpan draf…"),
        "check_summary": _("Pemeriksaan selesai: %(errors)s galat, %(warnings)s peringatan."),
        "error": _("Galat"), "warning": _("Peringatan"),
        "identical": _("Isi bundel sama dengan versi %(version)s; tidak ada draf baru."),
        "open_version": _("Buka versi itu"),
        "insert_user_task": _("Sisipkan tugas pengguna pada alur ini"), "find_element": _("Cari elemen…"),
        "form_schema": _("JSON Schema formulir"), "form_ui": _("Petunjuk tampilan (UI schema)"),
    }
