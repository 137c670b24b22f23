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


class LetterTextsForm(FlaskForm):
    """The texts of the letters: Dasar and DPA, statements, contact person, addressees, number timing."""

    letter_legal_bases = TextAreaField(_l("Dasar surat tugas, satu per baris"), render_kw={"rows": 6})
    letter_budget_basis = StringField(_l("Dasar anggaran (DPA); {year} diganti tahun surat"))
    letter_order_word = SelectField(_l("Diktum surat tugas"), validate_choice=False, choices=[
        SelectChoice("MENUGASKAN", "MENUGASKAN"), SelectChoice("MEMERINTAHKAN", "MEMERINTAHKAN")])
    letter_no_gratuity = TextAreaField(_l("Pernyataan tidak menerima imbalan (surat tugas)"))
    letter_free_of_charge = StringField(_l("Pernyataan tidak dipungut biaya (surat pemberitahuan)"))
    contact_name = StringField(_l("Narahubung"))
    contact_phone = StringField(_l("Telepon/WhatsApp narahubung"))
    letter_visit_time = StringField(_l("Waktu kunjungan bila jadwal tidak menyebutkannya"))
    letter_supervisors = TextAreaField(_l("Tujuan surat menurut jenis perpustakaan, satu per baris: jenis[:jenjang] = "
                                          "tujuan"), render_kw={"rows": 8})
    letter_number_timing = SelectField(_l("Pemberian nomor surat"), validate_choice=False, choices=[
        SelectChoice("on_create", _l("langsung saat surat dibuat")),
        SelectChoice("on_issue", _l("kemudian, oleh kepala bidang, sub koordinator, atau admin"))])


def letter_texts_data(values: dict[str, Any]) -> dict[str, Any]:
    """The letter texts form filled from the stored settings."""
    plain = ("letter_budget_basis", "letter_order_word", "letter_no_gratuity", "letter_free_of_charge",
             "letter_visit_time", "letter_number_timing")
    return {**{key: values[key] for key in plain},
            "letter_legal_bases": "\n".join(values["letter_legal_bases"]),
            "contact_name": values["letter_contact"].get("name", ""),
            "contact_phone": values["letter_contact"].get("phone", ""),
            "letter_supervisors": "\n".join(f"{k} = {v}" for k, v in values["letter_supervisors"].items())}


def letter_texts_values(form: Any) -> dict[str, Any]:
    """The letter texts section as `engine.documents.letter_texts` takes it, from the posted form."""
    def lines(text: str | None) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]
    supervisors = dict(line.partition("=")[::2] for line in lines(form.letter_supervisors.data))
    return {"letter_legal_bases": lines(form.letter_legal_bases.data),
            "letter_budget_basis": form.letter_budget_basis.data or "",
            "letter_order_word": form.letter_order_word.data or "",
            "letter_no_gratuity": form.letter_no_gratuity.data or "",
            "letter_free_of_charge": form.letter_free_of_charge.data or "",
            "letter_contact": {"name": form.contact_name.data or "", "phone": form.contact_phone.data or ""},
            "letter_visit_time": form.letter_visit_time.data or "",
            "letter_supervisors": {k.strip(): v.strip() for k, v in supervisors.items()},
            "letter_number_timing": form.letter_number_timing.data or ""}


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
