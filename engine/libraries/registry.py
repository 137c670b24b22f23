"""The library registry: profiles, and the form references that copy them into task data.

A library is identified by its NPP when it has one, else by its name within its kecamatan. Identity
and search fields are columns; the rest of the profile (collection, users, staff, facilities,
budget…) is a JSON `profile`. The profile's fields are checked in `library_fields`, read from CSV
in `library_import`; monev and accreditation results are kept in `library_results`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Index, Row, String, Table, bindparam, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import audit
from engine.db import Base, execute, intpk, utcnow
from engine.errors import BadRequest, Conflict, NotFound, ValidationFailed, field_error
from engine.libraries.fields import (
    canonical_kecamatan,
    canonical_library_type,
    checked,
    default_institution,
    default_supervisor,
)
from engine.paging import Page, clamp, like_pattern, paginate
from engine.people.users import Actor

SOURCE_KEYWORD = "x-senapas-source"


class Library(Base):
    """One library in the registry."""

    __tablename__ = "libraries"
    __table_args__ = (Index("ix_libraries_kecamatan_name", "kecamatan", "name"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200))
    npp: Mapped[str | None] = mapped_column(String(32), unique=True)
    npsn: Mapped[str | None] = mapped_column(String(16), index=True)
    library_type: Mapped[str] = mapped_column(String(32), index=True)
    subtype: Mapped[str] = mapped_column(String(32), default="")
    institution: Mapped[str] = mapped_column(String(200), default="")
    supervisor: Mapped[str] = mapped_column(String(32), default="lainnya")
    status: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    desa: Mapped[str] = mapped_column(String(100), default="")
    kecamatan: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    head_name: Mapped[str] = mapped_column(String(200), default="")
    head_nip: Mapped[str] = mapped_column(String(32), default="")
    automation: Mapped[str] = mapped_column(String(32), default="")
    accreditation_status: Mapped[str] = mapped_column(String(32), default="belum")
    accreditation_grade: Mapped[str] = mapped_column(String(40), default="")
    accreditation_score: Mapped[float | None]
    accreditation_year: Mapped[int | None]
    accreditation_certificate: Mapped[str] = mapped_column(String(100), default="")
    accreditation_valid_until: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---- profiles ---------------------------------------------------------------------------------


# The columns `summary` reads, for statements that select them without loading Library objects.
SUMMARY_FIELDS = ("id", "name", "npp", "library_type", "subtype", "institution", "supervisor", "address", "desa",
                  "kecamatan")


_LIBRARIES = cast(Table, Library.__table__)
_SUMMARY = select(*(_LIBRARIES.c[name] for name in SUMMARY_FIELDS)).where(_LIBRARIES.c.id == bindparam("id"))
# An expanding IN is rendered again on every call: one library (the usual case) takes the plain one.
_SUMMARIES = (select(*(_LIBRARIES.c[name] for name in SUMMARY_FIELDS))
              .where(_LIBRARIES.c.id.in_(bindparam("ids", expanding=True))))


# The facts `summary` copies beside a library id (the id itself stays under the form's own name).
FACT_KEYS = ("library_name", "npp", "library_type", "subtype", "institution", "supervisor", "address", "desa",
             "kecamatan")


def summary(library: Library | Row[*tuple[Any, ...]]) -> dict[str, Any]:
    """The registry facts copied into task data wherever a form references a library (or a row of them)."""
    return {"library": library.id, "library_name": library.name, "npp": library.npp or "",
            "library_type": library.library_type, "subtype": library.subtype, "institution": library.institution,
            "supervisor": library.supervisor, "address": library.address, "desa": library.desa,
            "kecamatan": library.kecamatan}


def summaries(session: Session, library_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The `summary` of each of these libraries that exists, by id: one statement, plain values."""
    ids = sorted(set(library_ids))
    if not ids:
        return {}
    rows = execute(session, _SUMMARY, {"id": ids[0]}) if len(ids) == 1 else execute(session, _SUMMARIES, {"ids": ids})
    return {row.id: summary(row) for row in rows}


def as_id(value: Any) -> int:
    """A library id from a form or URL value; 0 when it is none (or beyond a 64-bit database integer)."""
    try:
        key = int(value)
    except (TypeError, ValueError):
        return 0
    return key if 0 < key < 2**63 else 0


def get(session: Session, library_id: Any) -> Library:
    """A library by id."""
    key = as_id(library_id)
    library = session.get(Library, key) if key else None
    if library is None:
        raise NotFound("library_not_found")
    return library


def create_library(session: Session, *, actor: Actor | None = None,
                   **fields: Any) -> tuple[Library, list[dict[str, Any]]]:
    """Add a library; invalid fields raise ValidationFailed, doubtful ones (e.g. the NPP) come back as warnings."""
    values, warnings = checked(fields, creating=True)
    _check_npp_free(session, values.get("npp"), None)
    library = Library(**with_defaults(values, None))
    session.add(library)
    session.flush()
    if actor is not None:
        audit.record(session, actor.username, "library_create", data={"library": library.id, "name": library.name})
    return library, warnings


def update_library(session: Session, library_id: int, *, actor: Actor | None = None,
                   **fields: Any) -> tuple[Library, list[dict[str, Any]]]:
    """Change the given fields of a library (an empty text clears it); `profile` keys are merged."""
    library = get(session, library_id)
    values, warnings = checked(fields, creating=False)
    _check_npp_free(session, values.get("npp"), library.id)
    changed = apply_values(library, with_defaults(values, library))
    if changed and actor is not None:
        audit.record(session, actor.username, "library_update", data={"library": library.id, "fields": changed})
    return library, warnings


def list_libraries(session: Session, q: str | None = None, kecamatan: str | None = None,
                   library_type: str | None = None, page: Any = 1, per_page: Any = 50, *,
                   active: bool | None = None, only: ColumnElement[bool] | None = None) -> Page[Library]:
    """Libraries by kecamatan and name, searched on name, NPP, NPSN, desa and kecamatan (`only`: a scope)."""
    page_n, per_page_n = clamp(page, per_page)
    query = select(Library).order_by(Library.kecamatan, Library.name, Library.id)
    if only is not None:
        query = query.where(only)
    if kecamatan:
        found = canonical_kecamatan(kecamatan)
        if found is None:
            raise BadRequest("unknown_kecamatan", value=kecamatan)
        query = query.where(Library.kecamatan == found)
    if library_type:
        kind = canonical_library_type(library_type)
        if kind is None:
            raise BadRequest("unknown_library_type", value=library_type)
        query = query.where(Library.library_type == kind)
    if active is not None:
        query = query.where(Library.active.is_(active))
    like = like_pattern(q)
    if like:
        query = query.where(or_(*(column.ilike(like, escape="\\") for column in (
            Library.name, Library.npp, Library.npsn, Library.desa, Library.kecamatan))))
    return paginate(session, query, page_n, per_page_n)


def active_libraries(session: Session, limit: int = 2000) -> list[Library]:
    """Active libraries in list order, up to `limit` (what a library field of a form offers)."""
    found: list[Library] = []
    page = 1
    while len(found) < limit:
        result = list_libraries(session, page=page, per_page=200, active=True)
        found += result.items
        if page >= result.pages:
            break
        page += 1
    return found


def with_defaults(values: dict[str, Any], library: Library | None) -> dict[str, Any]:
    """Fill the derived fields (instansi penaung, lembaga induk, accreditation status) from the others."""
    current = {name: getattr(library, name) for name in ("library_type", "subtype", "desa", "kecamatan",
                                                         "institution")} if library else {}
    merged = {**current, **values}
    kind, subtype = merged.get("library_type") or "", merged.get("subtype") or ""
    # A supervisor set by hand survives re-imports; it is derived again only when the kind changes.
    kind_changed = library is None or (kind, subtype) != (library.library_type, library.subtype)
    if not values.get("supervisor") and kind_changed:
        values["supervisor"] = default_supervisor(kind, subtype)
    if not merged.get("institution"):
        values["institution"] = default_institution(kind, subtype, merged.get("desa") or "",
                                                    merged.get("kecamatan") or "")
    if values.get("accreditation_grade") and not values.get("accreditation_status"):
        accredited = values["accreditation_grade"] in {"A", "B", "C"}
        values["accreditation_status"] = "terakreditasi" if accredited else "tidak_terakreditasi"
    return values


def apply_values(library: Library, values: dict[str, Any]) -> list[str]:
    """Set the values that differ on the library; return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if name == "profile":
            value = _merge(library.profile or {}, value)
        if getattr(library, name) != value:
            setattr(library, name, value)
            changed.append(name)
    if changed:
        library.updated_at = utcnow()
    return changed


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of `base` with `changes` merged in, nested objects key by key."""
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _check_npp_free(session: Session, npp: str | None, library_id: int | None) -> None:
    if not npp:
        return
    other = session.scalar(select(Library).where(Library.npp == npp, Library.id != (library_id or 0)))
    if other is not None:
        raise Conflict("npp_taken", npp=npp, library=other.name, kecamatan=other.kecamatan)


# ---- forms referencing the registry -----------------------------------------------------------


def resolve_sources(session: Session, schema: dict[str, Any] | None, data: dict[str, Any], *,
                    kept: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check library references in submitted data and copy the registry's facts beside them.

    A property whose schema has `"x-senapas-source": "library"` holds a library id; the object
    holding it gains the keys of `summary` (the registry is the source of truth, so they
    overwrite what was sent). An array whose `items` carry the marker keeps its ids and gains a
    sibling `<name>_profiles` list. Unknown ids raise ValidationFailed with each id's path.
    """
    if not schema or not _marked(schema, kept):
        return data
    result = copy.deepcopy(data)
    refs: list[tuple[dict[str, Any], str, str, bool]] = []
    _collect(schema, result, "", refs)
    found = summaries(session, (value for container, name, _, _ in refs for value in _ids(container[name])))
    details = []
    for container, name, path, many in refs:
        values = container[name] if many else [container[name]]
        for index, value in enumerate(values):
            if not (isinstance(value, int) and not isinstance(value, bool) and value in found):
                details.append(field_error(f"{path}.{index}" if many else path, "unknown_library"))
    if details:
        raise ValidationFailed("form_invalid", details=details)
    for container, name, _, many in refs:
        if many:
            container[f"{name}_profiles"] = [dict(found[value]) for value in container[name]]
        else:
            container.update({k: v for k, v in found[container[name]].items() if k != "library"})
    return result


def copy_facts(schema: dict[str, Any] | None, data: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """Copy given registry facts (library id as text -> facts) beside the library ids of a submission.

    A scenario test holds no registry: it names the facts of the libraries it uses (their type
    chooses the instrument) and they land where `resolve_sources` would put the registry's.
    """
    if not schema or not facts or not _has_marker(schema):
        return data
    result = copy.deepcopy(data)
    refs: list[tuple[dict[str, Any], str, str, bool]] = []
    _collect(schema, result, "", refs)
    for container, name, _, many in refs:
        if many:
            container[f"{name}_profiles"] = [{"library": v, **dict(facts.get(str(v)) or {})} for v in container[name]]
        else:
            container.update(dict(facts.get(str(container[name])) or {}))
    return result


def split_facts(schema: dict[str, Any] | None, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Undo `resolve_sources` on stored data: the data as submitted, and the facts (library id as text -> facts).

    A scenario written from an instance's audit trail gives the facts in its `registry`, where
    `copy_facts` finds them again; keys the form itself declares beside the id stay in the data.
    """
    if not schema or not _has_marker(schema):
        return data, {}
    result = copy.deepcopy(data)
    facts: dict[str, Any] = {}
    _split(schema, result, facts)
    return result, facts


def _split(schema: Any, data: Any, facts: dict[str, Any]) -> None:
    if not isinstance(schema, dict):
        return
    if isinstance(data, dict) and isinstance(schema.get("properties"), dict):
        declared = schema["properties"]
        for name, sub in declared.items():
            if name not in data or data[name] is None or not isinstance(sub, dict):
                continue
            items = sub.get("items")
            if sub.get(SOURCE_KEYWORD) == "library":
                copied = {k: data.pop(k) for k in FACT_KEYS if k in data and k not in declared}
                _note(facts, data[name], copied)
            elif isinstance(items, dict) and items.get(SOURCE_KEYWORD) == "library":
                profiles = data.pop(f"{name}_profiles", None) if f"{name}_profiles" not in declared else None
                for profile in profiles if isinstance(profiles, list) else []:
                    if isinstance(profile, dict) and "library" in profile:
                        _note(facts, profile["library"], {k: v for k, v in profile.items() if k in FACT_KEYS})
            else:
                _split(sub, data[name], facts)
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for item in data:
            _split(schema["items"], item, facts)


def _note(facts: dict[str, Any], library: Any, found: dict[str, Any]) -> None:
    """Keep the facts a library was first seen with (a later change of the registry does not rewrite them)."""
    entry = facts.setdefault(str(library), {})
    for key, value in found.items():
        entry.setdefault(key, value)


def _marked(schema: dict[str, Any], kept: dict[str, Any] | None) -> bool:
    """Whether a schema references the registry anywhere; remembered in `kept` (a form's derived facts)."""
    if kept is None:
        return _has_marker(schema)
    found = kept.get("library_marked")
    if found is None:
        found = kept["library_marked"] = _has_marker(schema)
    return bool(found)


def _has_marker(node: Any) -> bool:
    if isinstance(node, dict):
        return node.get(SOURCE_KEYWORD) == "library" or any(_has_marker(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_marker(v) for v in node)
    return False


def _collect(schema: Any, data: Any, path: str, refs: list[tuple[dict[str, Any], str, str, bool]]) -> None:
    """Walk schema and data together (object properties, array items), noting each marked property."""
    if not isinstance(schema, dict):
        return
    if isinstance(data, dict) and isinstance(schema.get("properties"), dict):
        for name, sub in schema["properties"].items():
            if name not in data or data[name] is None or not isinstance(sub, dict):
                continue
            where = f"{path}.{name}" if path else name
            items = sub.get("items")
            if sub.get(SOURCE_KEYWORD) == "library":
                refs.append((data, name, where, False))
            elif isinstance(items, dict) and items.get(SOURCE_KEYWORD) == "library" and isinstance(data[name], list):
                refs.append((data, name, where, True))
            else:
                _collect(sub, data[name], where, refs)
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(data):
            _collect(schema["items"], item, f"{path}.{index}", refs)


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
