"""Data of the accreditation steps of a coaching track (submission, accompaniment visit, result, follow-up)."""

from __future__ import annotations

from typing import Any


def submission(submitted: str, visit: str | None = None, ref: str = "SIPAPI-2027-0001", lead: str | None = None,
               members: tuple[str, ...] = ()) -> dict[str, Any]:
    """The submission to Perpusnas through SiPAPI, with the planned visit date and accompaniment team when known."""
    record: dict[str, Any] = {"tanggal_pengajuan": submitted, "nomor_sipapi": ref}
    if visit:
        record["jadwal_visitasi"] = visit
    if lead:
        record["officer"] = lead
    if members:
        record["members"] = list(members)
    return {"pengajuan_akreditasi": record}


def accompaniment(when: str, officers: tuple[str, ...] = ("petugas1",),
                  notes: str = "Visitasi berjalan lancar; penilai meminta bukti kegiatan literasi.") -> dict[str, Any]:
    """The accompaniment visit record."""
    return {"pendampingan_akreditasi": {"tanggal": when, "petugas": list(officers), "catatan": notes}}


def result(status: str, when: str, score: float | None = None, **more: Any) -> dict[str, Any]:
    """The official result (status, date, score and e.g. `nomor_sertifikat`, `berlaku_sampai`)."""
    record: dict[str, Any] = {"status": status, "tanggal": when, **more}
    if score is not None:
        record["nilai"] = score
    return {"akreditasi": record}


def follow_up(decision: str, reason: str = "Perlu pembinaan lagi sebelum pengajuan ulang.",
              next_date: str | None = None) -> dict[str, Any]:
    """The decision after a result that is not an accreditation: `tutup` or `bina_lagi` (with the date)."""
    record: dict[str, Any] = {"keputusan": decision, "alasan": reason}
    if next_date:
        record["tanggal_pembinaan"] = next_date
    return {"tindak_lanjut_akreditasi": record}
