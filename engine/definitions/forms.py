"""Task forms: JSON Schema files checked at deploy, and submissions validated with per-field errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.exceptions import ValidationError as SchemaValidationError

from engine.errors import BadRequest, ValidationFailed
from engine.libraries import instruments

MAX_DEPTH = 32
MAX_FORM_BYTES = 1_000_000

TYPE_NAMES = {"string": "teks", "integer": "bilangan bulat", "number": "angka", "boolean": "ya/tidak",
              "array": "daftar", "object": "objek", "null": "kosong"}


def load_form(forms_dir: Path, filename: str) -> dict[str, Any]:
    """Read a form file, expand instrument references and check it is a valid JSON Schema."""
    schema = load_json(forms_dir, filename)
    schema = instruments.expand_schema(schema, forms_dir.parent)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ValueError(f"berkas formulir {filename} bukan JSON Schema yang sah: {exc.message}") from exc
    return schema


def check_shape(data: Any, *, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_FORM_BYTES) -> None:
    """Refuse submissions that are not objects, nest too deeply or are too large, before validating."""
    if not isinstance(data, dict):
        raise BadRequest("data formulir harus berupa objek JSON")
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise BadRequest(f"data formulir bersarang lebih dari {max_depth} tingkat")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    if len(json.dumps(data, ensure_ascii=False)) > max_bytes:
        raise BadRequest(f"data formulir melebihi {max_bytes // 1000} KB")


def validate(schema: dict[str, Any] | None, data: dict[str, Any], *, kept: dict[str, Any] | None = None) -> None:
    """Raise ValidationFailed listing every field error; a task without a form accepts an object.

    `kept` holds the schema's validators between calls (a definition's form keeps them in
    `engine.definitions.derived`); without it they are made for this call alone.
    """
    check_shape(data)
    if not schema:
        return
    kept = {} if kept is None else kept
    if _accepted(kept, schema, data):
        return
    errors = sorted(_validator(kept, schema).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    details = [{"path": path, "message": message} for path, message in _messages(errors)]
    if details:
        raise ValidationFailed("data formulir tidak valid", details)


def _accepted(kept: dict[str, Any], schema: dict[str, Any], data: dict[str, Any]) -> bool:
    """True when the compiled validator finds the submission valid (formats checked too).

    The compiled validator (jsonschema-rs) accepts a valid submission in microseconds; anything it
    refuses, or cannot judge, goes to the full validator, which alone writes the per-field messages.
    """
    if "compiled" not in kept:
        try:
            kept["compiled"] = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
        except Exception:  # a schema it cannot compile is left to the full validator
            kept["compiled"] = None
    compiled = kept["compiled"]
    if compiled is None:
        return False
    try:
        return bool(compiled.is_valid(data))
    except Exception:  # values it cannot take (e.g. integers past 64 bits) are left to the full validator
        return False


def _validator(kept: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    validator = kept.get("full")
    if validator is None:
        validator = kept["full"] = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert isinstance(validator, Draft202012Validator)
    return validator


def _messages(errors: list[SchemaValidationError]) -> Iterator[tuple[str, str]]:
    for error in errors:
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            yield (f"{path}.{missing}" if path else missing), "wajib diisi"
        else:
            yield path, _message(error)


def _message(error: SchemaValidationError) -> str:
    v, expected = error.validator, error.validator_value
    if v == "type":
        names = expected if isinstance(expected, list) else [expected]
        return "harus berupa " + " atau ".join(TYPE_NAMES.get(str(n), str(n)) for n in names)
    if v in ("enum", "const", "oneOf", "anyOf"):
        return "nilai tidak termasuk pilihan yang tersedia"
    if v == "format":
        return {"date": "harus tanggal dengan format YYYY-MM-DD", "email": "alamat email tidak valid",
                "date-time": "harus tanggal dan waktu ISO 8601"}.get(str(expected), f"format {expected} tidak valid")
    messages = {
        "minimum": f"minimal {expected}", "maximum": f"maksimal {expected}",
        "exclusiveMinimum": f"harus lebih dari {expected}", "exclusiveMaximum": f"harus kurang dari {expected}",
        "minLength": f"minimal {expected} karakter", "maxLength": f"maksimal {expected} karakter",
        "minItems": f"pilih minimal {expected}", "maxItems": f"maksimal {expected} butir",
        "uniqueItems": "tidak boleh ada butir ganda", "pattern": "format tidak sesuai",
        "additionalProperties": "berisi isian yang tidak dikenal",
        "multipleOf": f"harus kelipatan {expected}",
    }
    return messages.get(str(v), f"tidak valid ({v})")


def load_json(forms_dir: Path, filename: str) -> dict[str, Any]:
    """Read a UI-schema file that sits beside the forms."""
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+\.json", filename or "") or ".." in filename:
        raise ValueError(f"nama berkas tidak sah: {filename!r}")
    try:
        value = json.loads((forms_dir / filename).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"berkas {filename} tidak ditemukan di {forms_dir}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"berkas {filename} bukan JSON yang sah: {exc}") from exc
    if not isinstance(value, dict):
        raise ValueError(f"berkas {filename} harus berisi objek JSON")
    return value
