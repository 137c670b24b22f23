"""The data contract: only declared fields enter, at every level; read-only fields keep the workflow's values."""

from __future__ import annotations

import pytest

from engine.definitions import contract
from engine.errors import ValidationFailed

FORM = {
    "type": "object",
    "properties": {
        "periode": {"type": "string"},
        "judul": {"type": "string", "readOnly": True},
        "jadwal": {"type": "array", "items": {"type": "object", "properties": {
            "library": {"type": "integer"}, "officer": {"type": "string"},
            "library_name": {"type": "string", "readOnly": True}}}},
        "surat": {"type": "object", "properties": {"sifat": {"type": "string"}},
                  "allOf": [{"if": {"properties": {"sifat": {"const": "lain"}}},
                             "then": {"properties": {"alasan": {"type": "string"}}}}]},
        "lampiran": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def refused(data, current=None):
    with pytest.raises(ValidationFailed) as err:
        contract.admit(FORM, data, current)
    return sorted(d["path"] for d in err.value.details)


def test_declared_fields_pass_at_every_level():
    data = {"periode": "2027", "jadwal": [{"library": 1, "officer": "petugas"}],
            "surat": {"sifat": "lain", "alasan": "mendesak"}, "lampiran": {"foto": "a.jpg"}}
    assert contract.admit(FORM, data) == data


def test_undeclared_keys_are_named_by_their_paths_in_objects_and_arrays():
    assert refused({"periode": "2027", "kunjungan": {"library": 12},
                    "jadwal": [{"library": 1}, {"library": 2, "visit": {"x": 1}}],
                    "surat": {"sifat": "biasa", "nomor": "1"}}) == ["jadwal.1.visit", "kunjungan", "surat.nomor"]


def test_reserved_names_are_refused_even_where_declared_or_free():
    assert refused({"len": 0, "__class__": 1, "_private": 2, "True": 3, "data_objects": {},
                    "lampiran": {"typename": "timedelta", "len": "ok as a nested key"}}) == [
        "True", "__class__", "_private", "data_objects", "lampiran.typename", "len"]


def test_a_form_less_step_admits_only_an_empty_object():
    assert contract.admit(None, {}) == {}
    with pytest.raises(ValidationFailed) as err:
        contract.admit(None, {"title": "x"})
    assert [d["path"] for d in err.value.details] == ["title"]


def test_read_only_fields_keep_the_workflow_value():
    current = {"judul": "Monev 2027", "jadwal": [{"library": 1, "officer": "a", "library_name": "Baki"}]}
    assert refused({"judul": "Palsu"}, current) == ["judul"]
    assert refused({"jadwal": [{"library": 1, "library_name": "Palsu"}]}, current) == ["jadwal.0.library_name"]
    echoed = {"judul": "Monev 2027", "jadwal": [{"library": 1, "officer": "b"}]}
    admitted = contract.admit(FORM, echoed, current)
    assert admitted == {"judul": "Monev 2027", "jadwal": [{"library": 1, "officer": "b", "library_name": "Baki"}]}
    assert echoed["jadwal"][0] == {"library": 1, "officer": "b"}  # the caller's submission is not changed
    assert refused({"judul": "Baru"}) == ["judul"]  # nothing in the workflow yet: nothing may be set


def test_reserved_declarations_are_found_for_deploy():
    form = {"type": "object", "properties": {"len": {}, "ok": {"type": "object", "properties": {
        "typename": {}, "len": {}}}}, "allOf": [{"then": {"properties": {"__x__": {}}}}]}
    assert contract.reserved_in(form) == ["len", "ok.typename", "__x__"]
