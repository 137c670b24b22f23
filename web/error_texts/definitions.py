"""Process definitions: bundles, versions and their life, BPMN findings, migration and scenario tests."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Cases engine and web raise (SenapasError.case).
CASES: dict[str, Any] = {
    "definition_not_found": _l("definisi %(key)s tidak ditemukan"),
    "definition_version_not_found": _l("definisi %(key)s versi %(version)s tidak ditemukan"),
    "bpmn_file_required": _l("pilih satu berkas .bpmn untuk diunggah (isian 'file')"),
    "bpmn_files_only": _l("hanya berkas .bpmn yang dapat dipasang"),
    # Bundles (engine.definitions.bundles) and the life of versions (engine.definitions.lifecycle).
    "bundle_path_invalid": _l("nama berkas di bundel tidak sah: %(name)s"),
    "bundle_nested_zip": _l("bundel tidak boleh memuat zip lain: %(name)s"),
    "bundle_file_unexpected": _l("%(name)s tidak termasuk bundel: hanya .bpmn dan .dmn di akar, serta forms/*.json, "
                                 "instruments/*.json dan tests/*.json"),
    "bundle_file_twice": _l("%(name)s ada dua kali di unggahan"),
    "bundle_not_zip": _l("berkas bukan zip yang sah"),
    "bundle_empty": _l("zip tidak memuat berkas"),
    "bundle_too_many_files": _l("bundel memuat lebih dari %(limit)s berkas"),
    "bundle_too_large": _l("isi bundel melebihi %(limit_mb)s MB setelah diekstrak"),
    "bundle_file_too_large": _l("%(name)s melebihi batas %(limit_mb)s MB"),
    "note_too_long": _l("catatan perubahan paling banyak %(limit)s karakter"),
    "draft_not_boolean": _l("'draft' harus true atau false"),
    "editor_version_invalid": _l("versi yang disunting harus berupa bilangan"),
    "form_preview_invalid": _l("%(field)s bukan JSON Schema yang dapat ditampilkan: %(problem)s"),
    "definition_retired": _l("%(key)s versi %(version)s sudah dipensiunkan dan tidak dapat diaktifkan"),
    "migration_blocked": _l("instance %(id)s tidak dipindahkan: perubahan menyentuh langkah yang sudah berjalan "
                            "atau selesai (lihat rinciannya)"),
    "migration_same_version": _l("instance sudah berada pada versi %(version)s"),
    "version_required": _l("'%(field)s' harus nomor versi (bilangan bulat positif)"),
    "dry_run_not_boolean": _l("'dry_run' harus true atau false"),
    "diff_versions_required": _l("sebutkan versi yang dibandingkan: ?from=N&to=M"),
    "definition_current_retire": _l("%(key)s versi %(version)s adalah versi aktif; aktifkan versi lain dahulu"),
    # A scenario written from an instance's path (engine/definitions/scenario_capture.py).
    "scenario_name_invalid": _l("nama skenario '%(name)s' tidak sah: pakai huruf, angka, garis bawah atau tanda "
                                "hubung (paling banyak 80), diawali huruf atau angka"),
    "scenario_name_taken": _l("versi %(version)s sudah punya skenario %(name)s.json; pilih nama lain"),
    "scenario_mode_invalid": _l("cara menyimpan '%(value)s' tidak dikenal (draft atau download)"),
    "scenario_too_large": _l("skenario lebih dari %(limit_kb)s KB"),
    "scenario_instance_unfit": _l("instans berstatus %(status)s tidak dapat dijadikan skenario uji (hanya yang "
                                  "selesai, berjalan atau ditangguhkan)"),
    "scenario_not_reproduced": _l("skenario dari instans ini tidak menempuh jalur yang sama pada versi "
                                  "%(version)s (berbeda di langkah %(step)s); tidak disimpan"),
}
# Findings (Problem.code); `detail` is the parser's or library's own text.
PROBLEMS: dict[str, Any] = {
    "file_too_large": _l("berkas melebihi batas %(limit_mb)s MB"),
    "doctype_entities": _l("DOCTYPE dan deklarasi entitas tidak diizinkan"),
    "doctype": _l("DOCTYPE tidak diizinkan"),
    "xml_invalid": _l("XML tidak sah: %(detail)s"),
    "spec_invalid": "%(detail)s",
    "executable_process_count": _l("berkas harus memuat tepat satu proses utama yang executable "
                                   "(ditemukan %(found)s)"),
    "called_element_missing": _l("'%(target)s' yang dipanggil tidak ditemukan"),
    "bundle_without_main": _l("bundel tidak memuat proses yang dapat dimulai (berkas: %(files)s)"),
    "bundle_several_main": _l("bundel memuat lebih dari satu proses yang dapat dimulai: %(files)s; "
                              "satu bundel untuk tiap proses"),
    "process_called_only": _l("proses %(process)s dipanggil oleh %(caller)s dan tidak dapat dimulai sendiri; "
                              "unggah bersama bundel %(caller)s"),
    "file_not_utf8": _l("berkas harus berupa teks UTF-8"),
    # Why a running instance cannot move to another version (engine.workflow.migration).
    "task_removed_reached": _l("langkah %(process)s yang sudah dicapai (%(state)s) tidak ada di versi tujuan"),
    "task_changed_reached": _l("langkah %(process)s yang sudah berjalan atau selesai (%(state)s) diubah: %(fields)s"),
    "called_process_removed": _l("proses panggilan yang sedang berjalan tidak ada di versi tujuan"),
    "untyped_task": _l("tugas tanpa jenis (bpmn:task) tidak diizinkan: pakai userTask, scriptTask, dst."),
    "gateway_without_default": _l("gateway eksklusif dengan beberapa alur keluar wajib punya alur default"),
    "unknown_lane": _l("lane '%(lane)s' bukan peran yang dikenal (%(known)s)"),
    "unknown_document_kinds": _l("jenis dokumen tidak dikenal di %(property)s: %(kinds)s (yang dikenal: %(known)s)"),
    "script_syntax": _l("skrip bukan Python yang sah (baris %(line)s): %(detail)s"),
    "condition_syntax": _l("kondisi bukan Python yang sah (baris %(line)s): %(detail)s"),
    "dmn_syntax": _l("ekspresi DMN bukan Python yang sah (baris %(line)s): %(detail)s"),
    "cardinality_syntax": _l("kardinalitas bukan Python yang sah (baris %(line)s): %(detail)s"),
    "cardinality_not_integer": _l("kardinalitas harus bilangan bulat"),
    "form_unknown_rules": _l("formulir %(filename)s memakai aturan x-senapas yang tidak dikenal atau "
                             "dengan nilai yang tidak dapat dipakai: %(names)s"),
    "form_reserved_names": _l("formulir %(filename)s memakai nama yang dipakai sistem atau skrip: %(names)s"),
    "form_field_shadows_item": _l("isian formulir %(fields)s bernama seperti item yang diberikan proses "
                                  "(item multi-instance, data input): tandai readOnly atau ganti namanya"),
    "script_refused": _l("kode melanggar aturan skrip (baris %(line)s): %(detail)s"),
    "beyond_bounds": "%(detail)s",
    "due_date_syntax": _l("dueDate bukan Python yang sah (baris %(line)s): %(detail)s"),
    "timer_syntax": _l("ekspresi timer bukan Python yang sah (baris %(line)s): %(detail)s"),
    "timer_unquoted": _l("nilai timer %(value)s harus dikutip sebagai teks Python, mis. \"%(value)s\""),
    "timer_evaluation_failed": _l("ekspresi timer gagal dievaluasi: %(detail)s"),
    "timer_not_iso": _l("nilai timer '%(value)s' bukan format ISO 8601 yang sah "
                        "(durasi butuh tanda kutip, mis. \"PT1H\")"),
    "form_schema_invalid": _l("berkas formulir %(filename)s bukan JSON Schema yang sah: %(detail)s"),
    "form_file_name": _l("nama berkas tidak sah: %(filename)s"),
    "form_file_missing": _l("berkas forms/%(filename)s tidak ada di bundel"),
    "form_file_not_json": _l("berkas %(filename)s bukan JSON yang sah: %(detail)s"),
    "form_file_not_object": _l("berkas %(filename)s harus berisi objek JSON"),
    "form_file_invalid": _l("berkas formulir %(filename)s: %(detail)s"),
    # The warning tier of a deploy (engine/definitions/findings.py), and dangling references (errors).
    "unknown_reference": _l("%(attribute)s menunjuk '%(target)s', yang tidak ada di berkas ini"),
    "stale_reference": _l("%(attribute)s menunjuk '%(target)s', yang tidak ada di berkas ini (mesin "
                          "mengabaikannya; modeler BPMN membuangnya)"),
    "collection_not_declared": _l("koleksi multi-instance '%(name)s' tidak dideklarasikan (mis. sebagai "
                                  "bpmn:property proses); modeler BPMN membuangnya saat menyimpan"),
    "unreachable_element": _l("elemen ini tidak dapat dicapai dari peristiwa awal mana pun"),
    "element_not_drawn": _l("%(type)s ini tidak punya bentuk di diagram"),
    "variable_not_set": _l("'%(name)s' dibaca di sini, tetapi tidak ada yang mengisinya di proses %(process)s"),
    "record_key_not_in_form": _l("'%(name)s' tidak punya isian '%(key)s' di formulirnya (yang ada: %(known)s)"),
    "form_field_unread": _l("isian '%(field)s' formulir %(form)s tidak dibaca oleh skrip, kondisi, dokumen, "
                            "atau formulir lain (hanya tersimpan sebagai catatan)"),
    "form_text_missing_english": _l("formulir %(form)s: '%(path)s' belum punya judul bahasa Inggris "
                                    "(x-senapas-i18n.en)"),
    "form_choice_missing_english": _l("formulir %(form)s: pilihan %(values)s di '%(path)s' belum punya teks "
                                      "bahasa Inggris"),
    # Scenario tests of a version (engine/definitions/scenarios.py, engine/workflow/rehearsal.py).
    "scenario_file_invalid": _l("berkas skenario tidak sah: %(detail)s"),
    "scenario_data_refused": _l("data untuk %(task)s ditolak formulirnya: %(problems)s"),
    "scenario_engine_failed": _l("mesin alur kerja gagal di %(task)s: %(detail)s"),
    "scenario_timer_not_waiting": _l("timer %(timer)s tidak menunggu tepat satu kali (ditemukan %(found)s), "
                                     "atau bukan timer tanggal/durasi"),
    "scenario_task_not_ready": _l("%(task)s tidak siap tepat satu kali (ditemukan %(found)s; yang siap: %(ready)s)"),
    "scenario_documents_differ": _l("%(task)s membuat dokumen %(actual)s, yang diharapkan %(expected)s"),
    "scenario_next_differ": _l("sesudah %(task)s yang siap %(actual)s, yang diharapkan %(expected)s"),
    "scenario_status_differs": _l("akhir alur %(actual)s, yang diharapkan %(expected)s (yang siap: %(ready)s)"),
    "scenario_data_differs": _l("data akhir %(path)s bernilai %(actual)s, yang diharapkan %(expected)s"),
    "scenario_open_tasks_differ": _l("tugas terbuka instans %(expected)s, sedangkan skenario berakhir dengan "
                                     "%(actual)s"),
}
