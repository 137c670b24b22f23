"""Task forms: JSON Schema files checked at deploy, and submissions validated with per-field errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.exceptions import ValidationError as SchemaValidationError

from engine.errors import BadRequest, ValidationFailed, field_error
from engine.libraries import instrument_forms

MAX_DEPTH = 32
MAX_FORM_BYTES = 1_000_000

# JSON Schema keywords whose failure is named by the keyword itself, with its value as `limit`.
LIMIT_CODES = {"minimum": "minimum", "maximum": "maximum", "exclusiveMinimum": "exclusive_minimum",
               "exclusiveMaximum": "exclusive_maximum", "minLength": "min_length", "maxLength": "max_length",
               "minItems": "min_items", "maxItems": "max_items", "multipleOf": "multiple_of"}
FORMAT_CODES = {"date": "invalid_date", "email": "invalid_email", "date-time": "invalid_date_time"}
RULE_CODES = {"uniqueItems": "duplicate_items", "pattern": "pattern_mismatch", "additionalProperties": "unknown_fields"}


class FormFileError(ValueError):
    """A form file that cannot be used: `code` and `params` say why (a Problem at deploy)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def load_form(source: Path | Mapping[str, bytes], filename: str) -> dict[str, Any]:
    """Read a form file, expand instrument references and check it is a valid JSON Schema.

    `source` is a bundle (path -> bytes; the form is `forms/<filename>`) or a forms folder.
    """
    schema = load_json(source, filename)
    schema = instrument_forms.expand_schema(schema, source if isinstance(source, Mapping) else source.parent)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise FormFileError("form_schema_invalid", filename=filename, detail=exc.message) from exc
    return schema


def check_shape(data: Any, *, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_FORM_BYTES) -> None:
    """Refuse submissions that are not objects, nest too deeply or are too large, before validating."""
    if not isinstance(data, dict):
        raise BadRequest("form_not_object")
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise BadRequest("form_too_deep", limit=max_depth)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    if len(json.dumps(data, ensure_ascii=False)) > max_bytes:
        raise BadRequest("form_too_large", limit_kb=max_bytes // 1000)


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
    details = list(field_errors(errors))
    if details:
        raise ValidationFailed("form_invalid", details=details)


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


def field_errors(errors: list[SchemaValidationError]) -> Iterator[dict[str, Any]]:
    """One `field_error` per schema error: its path, code and the values its sentence needs."""
    for error in errors:
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            yield field_error(f"{path}.{missing}" if path else missing, "required")
        else:
            yield _field_error(path, error)


def _field_error(path: str, error: SchemaValidationError) -> dict[str, Any]:
    v, expected = str(error.validator), error.validator_value
    if v == "type":
        return field_error(path, "wrong_type", types=expected if isinstance(expected, list) else [expected])
    if v in ("enum", "const", "oneOf", "anyOf"):
        return field_error(path, "not_a_choice")
    if v == "format":
        code = FORMAT_CODES.get(str(expected))
        return field_error(path, code) if code else field_error(path, "invalid_format", format=str(expected))
    if v in LIMIT_CODES:
        return field_error(path, LIMIT_CODES[v], limit=expected)
    return field_error(path, RULE_CODES[v]) if v in RULE_CODES else field_error(path, "schema_rule", rule=v)


def load_json(source: Path | Mapping[str, bytes], filename: str) -> dict[str, Any]:
    """Read a JSON file of the forms folder of a bundle (path -> bytes) or of a folder on disk."""
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+\.json", filename or "") or ".." in filename:
        raise FormFileError("form_file_name", filename=filename)
    try:
        if isinstance(source, Mapping):
            if f"forms/{filename}" not in source:
                raise FileNotFoundError(filename)
            value = json.loads(source[f"forms/{filename}"].decode("utf-8"))
        else:
            value = json.loads((source / filename).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FormFileError("form_file_missing", filename=filename) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormFileError("form_file_not_json", filename=filename, detail=str(exc)) from exc
    if not isinstance(value, dict):
        raise FormFileError("form_file_not_object", filename=filename)
    return value
