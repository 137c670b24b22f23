"""What each template shows, read from a document's stored context and robust to missing keys.

The context holds the raw data of the step that produced the document; the process files decide
its keys. Each function here picks what one kind of document needs, with a fallback for every
key, so a document always renders (a missing value prints as `-`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.libraries.fields import subtype_words
from engine.settings import DEFAULTS
from letters.addressees import addressees as supervised_addressees
from letters.formatting import count_words

SIFAT = {"biasa": "Biasa", "segera": "Segera", "penting": "Penting", "rahasia": "Rahasia"}
CHANNELS = {"kotak_saran": "kotak saran", "telepon": "telepon", "email": "surat elektronik (email)",
            "whatsapp": "WhatsApp", "lapor": "kanal LAPOR!"}
MONEV_PURPOSE = "Melaksanakan monitoring dan evaluasi (monev) penyelenggaraan perpustakaan"
COACHING_PURPOSE = ("Melaksanakan pembinaan dan pendampingan perpustakaan menuju akreditasi, meliputi "
                    "administrasi dan tata kelola serta otomasi perpustakaan")
ACCOMPANIMENT_PURPOSE = ("Melaksanakan pendampingan akreditasi perpustakaan pada visitasi penilaian akreditasi "
                         "oleh Perpustakaan Nasional Republik Indonesia")
ACCREDITATION_STATUS = {"terakreditasi": "Terakreditasi", "tidak_terakreditasi": "Tidak terakreditasi",
                        "tertunda": "Tertunda di Perpustakaan Nasional"}


def view(kind: str, context: dict[str, Any]) -> dict[str, Any]:
    """The template variables of one document: the context itself plus what its kind derives."""
    data = _dict(context.get("data"))
    # Contexts stored before a text became a setting take today's default.
    texts = {key[len("letter_"):]: DEFAULTS[key] for key in TEXT_DEFAULTS}
    values: dict[str, Any] = {**context, "data": data, "officer": _officer(context, context.get("actor")),
                              "texts": {**texts, **_dict(context.get("texts"))}}
    builder = BUILDERS.get(kind)
    if builder is not None:
        values.update(builder(context, data))
    return values


TEXT_DEFAULTS = ("letter_order_word", "letter_no_gratuity", "letter_free_of_charge", "letter_visit_time")
PROFILE_LABELS = (("koleksi_judul", "Koleksi (judul)"), ("koleksi_eksemplar", "Koleksi (eksemplar)"),
                  ("tenaga", "Tenaga (orang)"), ("tenaga_terlatih", "Tenaga terlatih (orang)"),
                  ("anggaran", "Anggaran perpustakaan"), ("jam_buka", "Jam buka"), ("npp", "Status NPP"))
# Library types as letters print them (engine.libraries.fields.LIBRARY_TYPES).
LIBRARY_TYPES = {"sekolah": "Perpustakaan Sekolah/Madrasah", "desa": "Perpustakaan Desa",
                 "kelurahan": "Perpustakaan Kelurahan", "kecamatan": "Perpustakaan Kecamatan",
                 "khusus": "Perpustakaan Khusus", "tbm": "Taman Bacaan Masyarakat", "umum": "Perpustakaan Umum",
                 "perguruan_tinggi": "Perpustakaan Perguruan Tinggi"}
WEAKEST_COUNT = 5


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _officer(context: dict[str, Any], username: Any) -> dict[str, str]:
    """Name, NIP, rank and position of a user named in the data, as snapshotted at creation."""
    name = _text(username).lower()
    known = _dict(_dict(context.get("officers")).get(name))
    return {"username": name, "name": _text(known.get("name")) or name or "-", "nip": _text(known.get("nip")),
            "rank": _text(known.get("rank")), "position": _text(known.get("position"))}


def library_of(row: dict[str, Any], label: str | None = None,
               registry: dict[str, Any] | None = None) -> dict[str, str]:
    """Name, address, desa and kecamatan of the library a schedule row or work item refers to.

    `registry` is the library's profile summary snapshotted from the registry; it wins over copies.
    """
    nested: dict[str, Any] = next((row[k] for k in ("library", "library_profile", "profile", "perpustakaan")
                                   if isinstance(row.get(k), dict)), {})
    merged = {**row, **nested, **{k: v for k, v in _dict(registry).items() if v not in (None, "")}}
    ref = row.get("library") if not isinstance(row.get("library"), dict) else nested.get("id")
    name = next((_text(merged[k]) for k in ("library_name", "name", "nama", "label") if _text(merged.get(k))),
                "")
    address = next((_text(merged[k]) for k in ("library_address", "address", "alamat") if _text(merged.get(k))),
                   "")
    kecamatan, desa = _text(merged.get("kecamatan")), _text(merged.get("desa"))
    lowered = address.lower()
    if desa and desa.lower() in lowered:
        desa = ""
    if kecamatan and (f"kec. {kecamatan.lower()}" in lowered or f"kecamatan {kecamatan.lower()}" in lowered):
        kecamatan_part = ""
    else:
        kecamatan_part = f"Kec. {kecamatan}" if kecamatan else ""
    parts = (address, desa, kecamatan_part)
    return {"name": name or label or (f"Perpustakaan #{ref}" if ref not in (None, "") else "-"),
            "address": address, "kecamatan": kecamatan, "place": ", ".join(p for p in parts if p) or "-"}


def score_of(data: dict[str, Any]) -> dict[str, Any]:
    """The instrument score (`engine.instruments.score` output) in a step's data, wherever the process put it."""
    for key in ("skor_monev", "hasil", "score"):
        if isinstance(data.get(key), dict) and ("total" in data[key] or "components" in data[key]):
            return dict(data[key])
    return next((dict(v) for v in data.values() if isinstance(v, dict) and "components" in v and "total" in v), {})


def schedule(context: dict[str, Any], rows: Any) -> list[dict[str, Any]]:
    """A schedule table (date, library, address/kecamatan, officer), sorted by date."""
    table = []
    for row in rows if isinstance(rows, list) else []:
        row = _dict(row)
        time = _text(row.get("visit_time") or row.get("jam")) or _text(_dict(context.get("texts")).get(
            "visit_time")) or DEFAULTS["letter_visit_time"]
        table.append({"date": row.get("visit_date") or row.get("tanggal") or row.get("date"), "time": time,
                      "library": library_of(row), "officer": _officer(context, row.get("officer")),
                      "team": [_officer(context, name) for name in _team(row)], "facts": row})
    return sorted(table, key=lambda r: str(r["date"] or ""))


def _team(row: dict[str, Any]) -> list[str]:
    """The usernames of a visit team: the lead officer first, then the other members, each once."""
    names = [_text(row.get("officer") or row.get("petugas")).lower()]
    members = row.get("members") or row.get("anggota")
    names += [_text(m).lower() for m in members if isinstance(m, str)] if isinstance(members, list) else []
    return [n for i, n in enumerate(names) if n and n not in names[:i]]


def _addressees(context: dict[str, Any], letter: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    known = _dict(context.get("recipients"))
    chosen = letter.get("penerima")
    keys = chosen if isinstance(chosen, list) else [chosen] if chosen else []
    names = []
    for key in keys:
        if key == "lainnya":
            names.append(_text(letter.get("penerima_lain")) or "Pimpinan Instansi Terkait")
        else:
            names.append(_text(known.get(key)) or _text(key))
    table = _dict(context.get("supervisors")) or DEFAULTS["letter_supervisors"]
    return supervised_addressees(names, table, [r["facts"] for r in rows]) or ["Pimpinan Instansi Terkait"]


def _notification(letter_key: str, schedule_key: str,
                  default_hal: str) -> Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]:
    def build(context: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        letter = _dict(data.get(letter_key))
        rows = schedule(context, data.get(schedule_key))
        contact = {**DEFAULTS["letter_contact"], **_dict(context.get("contact"))}
        if _text(letter.get("narahubung")):
            contact = {"name": _text(letter.get("narahubung")), "phone": _text(letter.get("narahubung_telepon"))}
        return {"letter": letter, "addressees": _addressees(context, letter, rows), "schedule": rows,
                "contact": contact,
                "sifat": SIFAT.get(_text(letter.get("sifat")), _text(letter.get("sifat")) or "Biasa"),
                "hal": _text(letter.get("perihal")) or default_hal,
                "lampiran": count_words(1, "berkas") if rows else "-",
                "periode": _text(data.get("periode")), "notes": _text(letter.get("catatan"))}
    return build


def _item_row(context: dict[str, Any], data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The work item (schedule row) of a per-library step, and whether it is a coaching row."""
    key = _text(_dict(context.get("item")).get("key"))

    def matches(value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        ref = value.get("library")
        ref = ref.get("id") if isinstance(ref, dict) else ref
        return bool(key) and _text(ref if ref is not None else value.get("id")) == key

    for name, value in data.items():
        if matches(value):
            return value, "pembinaan" in name
    for name in ("jadwal_pembinaan", "jadwal"):
        for row in data.get(name) or []:
            if matches(row):
                return row, name == "jadwal_pembinaan"
    return {}, False


def _surat_tugas(context: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    row, coaching_row = _item_row(context, data)
    step = _text(context.get("step")).lower()
    accompaniment = "pendampingan" in step
    coaching = not accompaniment and (coaching_row or "pembinaan" in step or "coach" in step)
    work = _dict(data.get("kunjungan_pembinaan" if coaching else "kunjungan_monev"))
    planned = data.get("tanggal_pembinaan") if coaching else None
    # A surat tugas is made when the visit opens: the planned date is this visit's, while a visit record
    # already in the data is the previous visit's (a repeated coaching visit).
    when = planned or row.get("visit_date") or row.get("tanggal") or work.get("tanggal") or context.get("date")
    if accompaniment:  # the accreditation visit Perpusnas planned, else the day the letter is made
        when = _dict(data.get("pengajuan_akreditasi")).get("jadwal_visitasi") or context.get("date")
    days = data["durasi_hari"] if isinstance(data.get("durasi_hari"), int) else 1
    submitted = _dict(data.get("pengajuan_akreditasi"))
    if accompaniment and _text(submitted.get("officer")):  # the team chosen for it, else the coaching team
        row = {**row, "officer": submitted["officer"], "members": submitted.get("members") or []}
    team = _team(row) or [_text(context.get("actor")).lower()]
    year = _text(context.get("date"))[:4]
    budget = _text(context.get("budget_basis"))
    return {"assignee": _officer(context, row.get("officer") or context.get("actor")),
            "team": [_officer(context, name) for name in team],
            "bases": [*(_text(b) for b in context.get("legal_bases") or [] if _text(b)),
                      *([budget.replace("{year}", year)] if budget else [])],
            "library": _item_library(context, row),
            "purpose": ACCOMPANIMENT_PURPOSE if accompaniment else COACHING_PURPOSE if coaching else MONEV_PURPOSE,
            "when": when,
            "duration": count_words(max(days, 1), "hari")}


def _monev_report(context: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    row, _ = _item_row(context, data)
    # The score is computed by a script after the monev task, so its data may not hold it yet; the
    # result recorded in the registry in the same action (context.results) does.
    recorded = [_dict(r) for r in context.get("results") or []]
    score = score_of(data) or (recorded[-1] if recorded else {})
    report = _dict(data.get("laporan_monev"))
    readiness = _text(_dict(data.get("kesiapan")).get("saran")) or (_readiness(recorded[-1]) if recorded else "")
    last = recorded[-1] if recorded else {}
    registry = _dict(context.get("library"))
    facts = {**row, **{k: v for k, v in registry.items() if v not in (None, "")}}
    title = next((_text(s.get("instrument_title")) for s in (score, last, data) if _text(s.get("instrument_title"))),
                 "")
    kind = LIBRARY_TYPES.get(_text(facts.get("library_type")), _text(facts.get("library_type")))
    return {"library": _item_library(context, row), "score": score,
            "instrument_title": title or _text(score.get("instrument") or last.get("instrument")) or "-",
            "npp": _text(facts.get("npp")) or "belum ada",
            "library_type": " – ".join(p for p in (kind, subtype_words(facts.get("subtype"))) if p) or "-",
            "head": {"name": _text(registry.get("head_name")) or _text(row.get("head_name")),
                     "nip": _text(registry.get("head_nip")) or _text(row.get("head_nip"))},
            "profile": _profile(data, last, registry), "weakest": _weakest(score),
            "components": [_dict(c) for c in score.get("components") or []], "report": report,
            "readiness": "" if readiness == "-" else readiness,
            "when": report.get("tanggal") or _dict(data.get("kunjungan_monev")).get("tanggal") or context.get("date"),
            "officer": _officer(context, row.get("officer") or context.get("actor"))}


def _profile(data: dict[str, Any], last: dict[str, Any], registry: dict[str, Any]) -> list[tuple[str, str]]:
    """The profile figures recorded at the visit (`profil`), else those of the registry, labelled."""
    found = next((_dict(s.get("profil")) for s in (data, _dict(data.get("monev")), last) if _dict(s.get("profil"))),
                 {}) or _dict(registry.get("profile"))
    rows = []
    for key, label in PROFILE_LABELS:
        value = found.get(key)
        if isinstance(value, bool):
            value = "ada" if value else "belum ada"
        elif isinstance(value, int | float):
            value = f"Rp{value:,.0f}".replace(",", ".") if key == "anggaran" else f"{value:,}".replace(",", ".")
        rows.append((label, _text(value) or "-"))
    return rows


def _weakest(score: dict[str, Any]) -> list[dict[str, Any]]:
    """The indicators scored lowest (the score's `weakest`), else the components with the lowest share."""
    listed = [_dict(i) for i in score.get("weakest") or [] if isinstance(i, dict)]
    if listed:
        return [{"title": _text(i.get("title")) or _text(i.get("id")) or "-",
                 "component": _text(i.get("component")), "answer": _text(i.get("answer")).upper()}
                for i in listed[:WEAKEST_COUNT]]
    parts = [_dict(c) for c in score.get("components") or []]
    shares = [(c.get("points") / c["max_points"] if isinstance(c.get("points"), int | float) and
               isinstance(c.get("max_points"), int | float) and c["max_points"] else None, c) for c in parts]
    ranked = sorted(((s, c) for s, c in shares if s is not None and s < 1), key=lambda pair: pair[0])
    return [{"title": _text(c.get("title")) or _text(c.get("key")), "component": "",
             "answer": f"{round(s * 100)}%"} for s, c in ranked[:3]]


def _item_library(context: dict[str, Any], row: dict[str, Any]) -> dict[str, str]:
    return library_of(row, _dict(context.get("item")).get("label"), _dict(context.get("library")))


def _readiness(item: dict[str, Any]) -> str:
    if isinstance(item.get("ready"), bool):
        return "Siap dibina" if item["ready"] else "Belum siap"
    return _text(_dict(item.get("kesiapan")).get("saran") or item.get("saran")) or "-"


def summary_rows(context: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per library of the cycle's monev results, highest score first.

    The results recorded in the registry (`context.results`) are used; a process that keeps its
    results only in its data may list them as `hasil_monev`.
    """
    results = context.get("results") or data.get("hasil_monev")
    chosen = {_text(c.get("library") if isinstance(c, dict) else c) for c in data.get("pembinaan") or []}
    rows = []
    for item in results if isinstance(results, list) else []:
        item = _dict(item)
        score = score_of(item)
        ref = item.get("library")
        ref = ref.get("id") if isinstance(ref, dict) else ref
        total = score.get("total", item.get("total"))
        rows.append({"library": library_of(item), "officer": _officer(context, item.get("officer")),
                     "team": [_officer(context, name) for name in _team(item)],
                     "date": item.get("visit_date") or item.get("date") or item.get("tanggal"),
                     "total": total if isinstance(total, int | float) else None,
                     "grade": _text(score.get("grade") or item.get("grade")) or "-",
                     "readiness": _readiness(item), "chosen": ref is not None and _text(ref) in chosen})
    return sorted(rows, key=lambda r: -(r["total"] or 0))


def withdrawn_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The libraries withdrawn from the cycle (`status` "ditarik" in `hasil_monev`), with the reason."""
    found = data.get("hasil_monev")
    return [{"library": library_of(item), "reason": _text(item.get("alasan_penarikan")) or "-"}
            for item in (found if isinstance(found, list) else []) if _dict(item).get("status") == "ditarik"]


def _monev_summary(context: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    rows = summary_rows(context, data)
    return {"rows": rows, "periode": _text(data.get("periode")), "chosen_count": sum(r["chosen"] for r in rows),
            "notes": _text(data.get("catatan_pemilihan")), "withdrawn": withdrawn_rows(data)}


def _accreditation(context: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The coaching and accreditation of one library: submission, accompaniment visit and result, or its drop-out."""
    row, _ = _item_row(context, data)
    recorded = [_dict(r) for r in context.get("results") or []]
    # The result as the process derived it (grade from the bands, validity); earlier documents kept only the form.
    result = _dict(data.get("hasil_akreditasi")) or _dict(data.get("akreditasi"))
    visit = _dict(data.get("pendampingan_akreditasi")) or _dict(result.get("pendampingan"))
    visits = data.get("riwayat_pembinaan")
    return {"library": _item_library(context, row), "result": result,
            "status": ACCREDITATION_STATUS.get(_text(result.get("status")), ""),
            "submission": _dict(data.get("pengajuan_akreditasi")) or _dict(result.get("pengajuan")),
            "visit": visit, "companions": [_officer(context, name) for name in visit.get("petugas") or []],
            "dropped_out": _dict(data.get("mundur")), "round": data.get("putaran_pembinaan"),
            "coaching_visits": len(visits) if isinstance(visits, list) else None,
            "monev": recorded[-1] if recorded else score_of(data),
            "officer": _officer(context, row.get("officer") or context.get("actor"))}


def _complaint_reply(context: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    reply = _dict(data.get("balasan"))
    return {"complainant": _text(data.get("name")) or "Pelapor", "reference": _text(data.get("reference")),
            "channel": CHANNELS.get(_text(data.get("channel")), _text(data.get("channel"))),
            "reply": reply, "sifat": "Biasa", "lampiran": "-",
            "hal": "Tanggapan atas Pengaduan" + (f" Nomor Referensi {data['reference']}"
                                                  if _text(data.get("reference")) else "")}


BUILDERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]] = {
    "monev_notification": _notification("surat_monev", "jadwal",
                                        "Pemberitahuan Jadwal Monitoring dan Evaluasi Perpustakaan"),
    "coaching_notification": _notification("surat_pembinaan", "jadwal_pembinaan",
                                           "Pemberitahuan Jadwal Pembinaan Perpustakaan"),
    "surat_tugas": _surat_tugas,
    "monev_report": _monev_report,
    "monev_summary": _monev_summary,
    "accreditation_summary": _accreditation,
    "complaint_reply": _complaint_reply,
}
