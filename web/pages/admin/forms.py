"""The admin pages' forms (Flask-WTF: CSRF and parsing); the engine checks the values and names each error."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, FormField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.widgets import CheckboxInput, ListWidget

from engine.errors import ValidationFailed
from engine.people.roles import ROLES
from web import error_texts
from web.labels import ROLE_LABELS


class CheckboxesField(SelectMultipleField):
    """A set of checkboxes; unknown values are left for the engine to refuse with its own words."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        """No check here: the engine names a wrong choice in the reader's language."""


class ProfileForm(FlaskForm):
    """Name, roles, contact and affiliation of a person."""

    name = StringField(_l("Nama lengkap"))
    roles = CheckboxesField(_l("Peran"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])
    email = StringField(_l("Email"))
    nip = StringField(_l("NIP"))
    rank = StringField(_l("Pangkat/golongan"))
    position = StringField(_l("Jabatan"))
    library_id = SelectField(_l("Perpustakaan (untuk pustakawan)"), choices=[], validate_choice=False)
    institution = SelectField(_l("Instansi (untuk mitra)"), choices=[], validate_choice=False)


class NewUserForm(ProfileForm):
    """A new person: their username, then the profile."""

    username = StringField(_l("Nama pengguna"))


class DeactivateForm(FlaskForm):
    """Why a person is deactivated (kept in the audit trail)."""

    note = StringField(_l("Alasan"))


class LetterheadForm(FlaskForm):
    """The letterhead lines and the letter number."""

    agency_government = StringField(_l("Pemerintah daerah"))
    agency_name = StringField(_l("Nama dinas"))
    agency_address = StringField(_l("Alamat"))
    agency_phone = StringField(_l("Telepon"))
    agency_fax = StringField(_l("Faksimile"))
    agency_email = StringField(_l("Email"))
    agency_website = StringField(_l("Laman"))
    agency_place = StringField(_l("Tempat penandatanganan"))
    letter_unit = StringField(_l("Unit pada nomor surat"))
    letter_number_pattern = StringField(_l("Pola nomor surat"))
    letter_numbering = SelectField(_l("Nomor urut surat"), validate_choice=False, choices=[
        SelectChoice("per_code", _l("per kode klasifikasi")),
        SelectChoice("per_year", _l("satu nomor urut per tahun (buku agenda)"))])


class EmblemForm(FlaskForm):
    """The regency emblem printed beside the letterhead."""

    emblem = FileField(_l("Lambang daerah (PNG atau JPEG, maks. 512 KB)"))


class SignatoryForm(Form):
    """One signatory (no CSRF of its own: it sits inside the signatories form)."""

    position = StringField(_l("Jabatan"))
    name = StringField(_l("Nama"))
    rank = StringField(_l("Pangkat/golongan"))
    nip = StringField(_l("NIP"))


class GradeBandsForm(FlaskForm):
    """Accreditation grades, one per line: grade and lowest score."""

    grade_bands = TextAreaField(_l("Predikat dan nilai terendah, satu per baris (mis. A 91)"))
    not_accredited_label = StringField(_l("Sebutan di bawah predikat terendah"))


class CalendarForm(FlaskForm):
    """Office hours, working days and the agency's own days off."""

    start = StringField(_l("Jam mulai (WIB)"))
    end = StringField(_l("Jam selesai (WIB)"))
    working_days = CheckboxesField(_l("Hari kerja"), coerce=int, choices=[
        SelectChoice(str(number), name) for number, name in enumerate((
            _l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"), _l("Minggu")), start=1)])
    days_off = TextAreaField(_l("Hari libur dinas, satu per baris: YYYY-MM-DD keterangan"))


def signatories_form(keys: list[str]) -> type[FlaskForm]:
    """A form with one signatory block per known signatory key."""
    fields = {key: FormField(SignatoryForm, label=key) for key in keys}
    return type("SignatoriesForm", (FlaskForm,), fields)


def show_errors(form: FlaskForm, exc: ValidationFailed, aliases: dict[str, str] | None = None) -> list[str]:
    """Put each engine field error under its field; the ones no field shows come back as general errors."""
    general = []
    for entry in error_texts.details(exc.details):
        path = str(entry.get("path") or "")
        path = (aliases or {}).get(path, path)
        field = _field(form, path)
        if field is None:
            general.append(str(entry["message"]))
        else:
            field.errors = [*list(field.errors or []), str(entry["message"])]
    return general


def _field(form: Any, path: str) -> Field | None:
    head, _, rest = path.partition(".")
    field = getattr(form, head, None) if head else None
    if isinstance(field, FormField) and rest:
        return _field(field.form, rest)
    return field if isinstance(field, Field) else None
