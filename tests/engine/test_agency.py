"""Agency settings an administrator edits: checked whole before anything is stored, audited, used by letters."""

from __future__ import annotations

import base64
import io
from datetime import date

import pytest
from PIL import Image, ImageFile
from sqlalchemy import select

from engine import agency, settings
from engine.db import run_in_transaction
from engine.documents import numbers
from engine.errors import Forbidden, ValidationFailed
from engine.models import AuditEvent
from engine.people.users import Actor

ADMIN = Actor("admin", frozenset({"admin"}))


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {d["path"]: d["code"] for d in exc.value.details}


def _picture(fmt: str, size: tuple[int, int] = (600, 300), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 1).save(out, format=fmt)
    return out.getvalue()


def test_letterhead_is_stored_and_audited_and_a_bad_pattern_stores_nothing(factory):
    values = {key: settings.DEFAULTS[key] for key in agency.LETTERHEAD}
    values["agency_address"] = "Jl. Jenderal Sudirman No. 199, Sukoharjo 57511"
    assert run_in_transaction(factory, lambda s: agency.save_letterhead(s, ADMIN, values)) == ["agency_address"]
    bad = {**values, "agency_name": "", "letter_number_pattern": "{seq}/{year}", "agency_phone": "0271"}
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: agency.save_letterhead(s, ADMIN, bad))
    assert _codes(refused) == {"agency_name": "required", "letter_number_pattern": "number_pattern_invalid"}
    with factory() as s:
        assert settings.get(s, "agency_phone") == settings.DEFAULTS["agency_phone"]
        assert settings.get(s, "agency_address").startswith("Jl. Jenderal Sudirman")
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "setting"))
        assert (event.actor, event.reason) == ("admin", "agency_address")


def test_only_admins_change_settings(factory):
    with pytest.raises(Forbidden):
        run_in_transaction(factory, lambda s: agency.save_numbering(s, Actor("kabid", frozenset({"kabid"})),
                                                                   "per_year"))


def test_grade_bands_must_fall_from_highest_to_lowest(factory):
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: agency.save_grade_bands(
            s, ADMIN, [("A", "76"), ("B", "91"), ("B", "101"), ("", "5")], ""))
    assert _codes(refused) == {"grade_bands.2": "band_score", "grade_bands.3": "band_grade",
                               "grade_bands": "band_order", "not_accredited_label": "required"}
    run_in_transaction(factory, lambda s: agency.save_grade_bands(
        s, ADMIN, [("A", "90,5"), ("B", "75"), ("C", "60")], "Belum Terakreditasi"))
    with factory() as s:
        assert settings.get(s, "grade_bands") == [["A", 90.5], ["B", 75.0], ["C", 60.0]]


def test_calendar_checks_times_days_and_dates(factory):
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: agency.save_calendar(
            s, ADMIN, start="16:00", end="07:30", working_days=[], days_off=[("31-12-2027", "")]))
    assert _codes(refused) == {"end": "end_before_start", "working_days": "min_items",
                               "days_off.0": "day_off_format"}
    run_in_transaction(factory, lambda s: agency.save_calendar(
        s, ADMIN, start="07:30", end="15:30", working_days=[5, 1, 2, 3, 4],
        days_off=[("2027-12-24", "Cuti bersama"), ("2027-01-02", "")]))
    with factory() as s:
        assert settings.get(s, "office_hours") == {"start": "07:30", "end": "15:30"}
        assert settings.get(s, "working_days") == [1, 2, 3, 4, 5]
        assert [d["date"] for d in settings.get(s, "days_off")] == ["2027-01-02", "2027-12-24"]


def test_signatories_need_a_name_and_a_nip_of_18_digits(factory):
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: agency.save_signatories(s, ADMIN, {
            "kabid": {"position": "Kepala Bidang", "name": "", "rank": "", "nip": "1980"}}))
    assert _codes(refused) == {"kabid.name": "required", "kabid.nip": "nip_format"}
    run_in_transaction(factory, lambda s: agency.save_signatories(s, ADMIN, {
        "kabid": {"position": "Kepala Bidang Perpustakaan", "name": "Sri Lestari, S.Sos.", "rank": "Pembina (IV/a)",
                  "nip": "19780512 200501 2 003"}}))
    with factory() as s:
        stored = settings.get(s, "letter_signatories")
        assert stored["kabid"]["nip"] == "197805122005012003" and stored["kabid"]["name"] == "Sri Lestari, S.Sos."
        assert stored["kepala_dinas"] == settings.DEFAULTS["letter_signatories"]["kepala_dinas"]


def test_the_numbering_mode_changes_only_before_the_first_number_of_the_year(factory):
    run_in_transaction(factory, lambda s: agency.save_numbering(s, ADMIN, "per_year", today=date(2027, 1, 2)))
    run_in_transaction(factory, lambda s: numbers.allocate(s, numbers.sequence_key("000.4", "per_year"), 2027))
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: agency.save_numbering(s, ADMIN, "per_code", today=date(2027, 3, 1)))
    assert _codes(refused) == {"letter_numbering": "numbering_in_use"}
    run_in_transaction(factory, lambda s: agency.save_numbering(s, ADMIN, "per_code", today=date(2028, 1, 2)))


def test_per_year_numbering_counts_every_code_in_one_register(factory):
    def take(code: str) -> int:
        return run_in_transaction(factory, lambda s: numbers.allocate(s, numbers.sequence_key(code, "per_year"), 2027))
    assert [take("000.4"), take("800.1.11.1"), take("000.4")] == [1, 2, 3]
    assert run_in_transaction(factory, lambda s: numbers.allocate(s, numbers.sequence_key("000.4", "per_code"),
                                                                  2027)) == 1


def test_an_emblem_is_decoded_and_stored_as_a_small_png(factory):
    digest = run_in_transaction(factory, lambda s: agency.save_emblem(s, ADMIN, _picture("JPEG", (1200, 600))))
    with factory() as s:
        stored = settings.get(s, "agency_emblem")
        event = s.scalar(select(AuditEvent).where(AuditEvent.reason == "agency_emblem"))
    assert stored.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(stored.split(",", 1)[1])))
    assert image.format == "PNG" and max(image.size) == agency.EMBLEM_SIDE
    assert event.data["value"]["sha256"] == digest, "the audit names the picture, not its bytes"


@pytest.mark.parametrize("raw,code", [
    (b"GIF89a" + bytes(50), "emblem_not_image"),
    (_picture("GIF"), "emblem_not_image"),
    (_picture("PNG")[:200], "emblem_not_image"),
    (_picture("PNG")[:-12], "emblem_not_image"),  # without IEND
    (_picture("JPEG")[:-40], "emblem_not_image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "emblem_not_image"),
    (bytes(agency.EMBLEM_MAX_BYTES + 1), "emblem_too_large"),
    (_picture("PNG", (5000, 5000), "1"), "emblem_too_many_pixels"),
    (b"", "required"),
])
@pytest.mark.parametrize("truncated_allowed", [False, True])
def test_anything_but_a_whole_png_or_jpeg_is_refused(factory, raw, code, truncated_allowed, monkeypatch):
    # WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process once a letter renders.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)
    with pytest.raises(ValidationFailed) as refused:
        run_in_transaction(factory, lambda s: agency.save_emblem(s, ADMIN, raw))
    assert _codes(refused) == {"emblem": code}
    with factory() as s:
        assert settings.get(s, "agency_emblem") == ""
