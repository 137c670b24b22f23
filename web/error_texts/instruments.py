"""Accreditation instruments: the instrument files a form refers to and answers scored against them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Findings (Problem.code); `detail` is the parser's or library's own text.
PROBLEMS: dict[str, Any] = {
    # Accreditation instrument files (a form refers to one) and answers scored against them.
    "instrument_id_invalid": _l("id instrumen tidak sah: %(id)s"),
    "instrument_not_found": _l("instrumen %(id)s tidak ada di bundel (instruments/%(id)s.json)"),
    "instrument_not_json": _l("instrumen %(id)s bukan JSON yang sah: %(detail)s"),
    "instrument_id_mismatch": _l("%(source)s: id di dalam berkas (%(id)s) tidak sama dengan nama berkas"),
    "instrument_not_object": _l("%(source)s: harus berupa objek JSON"),
    "instrument_text_required": _l("%(source)s: '%(field)s' wajib berupa teks"),
    "instrument_components_required": _l("%(source)s: 'components' wajib berupa daftar yang tidak kosong"),
    "instrument_weights": _l("%(source)s: jumlah bobot komponen %(total)s, seharusnya 100"),
    "instrument_component_key": _l("%(source)s: setiap komponen wajib punya 'key' (huruf kecil, angka, garis bawah)"),
    "instrument_component_weight": _l("%(source)s: komponen %(component)s: 'weight' wajib berupa angka positif"),
    "instrument_component_title": _l("%(source)s: komponen %(component)s: 'title' wajib berupa teks"),
    "instrument_indicators_required": _l("%(source)s: komponen %(component)s: 'indicators' wajib berupa daftar "
                                         "yang tidak kosong"),
    "instrument_indicator_id": _l("%(source)s: komponen %(component)s: setiap indikator wajib punya 'id' "
                                  "(huruf kecil, angka, garis bawah)"),
    "instrument_indicator_text": _l("%(source)s: komponen %(component)s: indikator %(indicator)s wajib punya 'text'"),
    "instrument_indicator_options": _l("%(source)s: komponen %(component)s: indikator %(indicator)s wajib punya "
                                       "pilihan tepat a, b, c, d, e"),
    "instrument_option_text": _l("%(source)s: komponen %(component)s: indikator %(indicator)s: teks setiap "
                                 "pilihan wajib diisi"),
    "instrument_bands_list": _l("%(source)s: 'grade_bands' wajib berupa daftar [predikat, nilai terendah]"),
    "instrument_band_shape": _l("%(source)s: setiap 'grade_bands' wajib berupa [predikat, nilai terendah 0–100]"),
    "instrument_duplicate_component": _l("%(source)s: kunci komponen '%(value)s' dipakai lebih dari sekali"),
    "instrument_duplicate_indicator": _l("%(source)s: id indikator '%(value)s' dipakai lebih dari sekali"),
    "answers_not_object": _l("jawaban instrumen harus berupa objek per komponen"),
    "answers_unknown_components": _l("komponen tidak dikenal pada jawaban: %(components)s"),
    "answers_component_missing": _l("jawaban komponen %(component)s belum diisi"),
    "answers_unknown_indicators": _l("indikator tidak dikenal pada komponen %(component)s: %(indicators)s"),
    "answers_indicator_unanswered": _l("indikator %(indicator)s (%(component)s) harus dijawab a–e"),
    "score_out_of_range": _l("nilai harus antara 0 dan 100, bukan %(total)s"),
    # Instruments chosen by library type (engine/libraries/instruments.py).
    "instrument_library_types": _l("%(source)s: 'library_types' wajib berupa daftar jenis perpustakaan "
                                   "(mis. \"desa\" atau \"sekolah/SMA\")"),
    "instrument_for_type_missing": _l("tidak ada instrumen untuk jenis perpustakaan %(library_type)s"),
    "instrument_for_type_ambiguous": _l("dua instrumen sama cocoknya untuk jenis perpustakaan %(library_type)s: "
                                        "%(ids)s"),
    "instrument_item_not_object": _l("pemilihan instrumen memerlukan data perpustakaan (objek)"),
    "instrument_list_invalid": _l("x-senapas-instrument wajib berupa id instrumen atau daftar id yang tidak kosong"),
    "instrument_not_offered": _l("instrumen %(id)s tidak ditawarkan formulir ini (yang ditawarkan: %(ids)s)"),
    "instrument_field_invalid": _l("x-senapas-instrument-field tidak sah: %(field)s"),
}
