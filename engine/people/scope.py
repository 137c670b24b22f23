"""What a library's librarian (pustakawan) or a partner institution's liaison (mitra) may see.

The agency's staff (kabid, subkoor, petugas, admin) see every library, cycle and letter. A pustakawan
belongs to one library (`users.library_id`) and sees only that library, its results, its own tasks
(the self-assessment) and the letters about it; a mitra belongs to one institution
(`users.institution`, a recipient key of the notification letters such as `dindikbud`) and sees only
the cycles and letters addressed to it and the libraries it supervises. Everything else answers
"not found", as for an object that does not exist. A mitra account not yet linked to an institution
works its lane as before (it confirms every dissemination) until an administrator links it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from engine.documents.documents import Document
from engine.models import Task, User
from engine.people import roles
from engine.people.users import Actor

LIBRARY_LANE = "pustakawan"
INSTITUTION_LANE = "mitra"


@dataclass(frozen=True)
class Scope:
    """Where an actor's sight ends: nowhere (`staff`: staff, or an unlinked mitra), one library, or one institution."""

    staff: bool
    library_id: int | None = None
    institution: str | None = None


EVERYWHERE = Scope(staff=True)


def of(session: Session, actor: Actor) -> Scope:
    """The scope of an actor: staff see everything; others what their user row links them to."""
    if actor.roles & roles.STAFF_ROLES:
        return EVERYWHERE
    row = session.execute(select(User.library_id, User.institution).where(User.username == actor.username)).first()
    library_id, institution = (row.library_id, (row.institution or "").strip() or None) if row else (None, None)
    if "mitra" in actor.roles and institution is None and library_id is None:
        return EVERYWHERE
    return Scope(staff=False, library_id=library_id, institution=institution)


def sees_library(scope: Scope, library_id: int, supervisor: str | None = None) -> bool:
    """Whether the library is the pustakawan's own, or one the mitra's institution supervises."""
    if scope.staff:
        return True
    if scope.library_id is not None and scope.library_id == library_id:
        return True
    return scope.institution is not None and supervisor == scope.institution


def library_filter(scope: Scope, id_column: Any, supervisor_column: Any) -> ColumnElement[bool] | None:
    """The SQL condition of `sees_library` for a list of libraries (None: no condition)."""
    if scope.staff:
        return None
    conditions = []
    if scope.library_id is not None:
        conditions.append(id_column == scope.library_id)
    if scope.institution is not None:
        conditions.append(supervisor_column == scope.institution)
    return or_(*conditions) if conditions else false()


def addressees(context: dict[str, Any]) -> set[str]:
    """The recipient keys a letter is addressed to (`penerima` of the letter records in its data)."""
    found: set[str] = set()
    data = context.get("data") if isinstance(context, dict) else None
    for value in (data or {}).values():
        if isinstance(value, dict):
            chosen = value.get("penerima")
            found.update(str(v) for v in (chosen if isinstance(chosen, list) else [chosen]) if v)
    return found


def about_library(context: dict[str, Any]) -> int | None:
    """The library a letter is about (a surat tugas, a monev report), if any."""
    item = (context or {}).get("item") or {}
    key = str(item.get("key") or "")
    return int(key) if key.isdigit() else None


def sees_document(scope: Scope, document: Document) -> bool:
    """Staff see every letter; a pustakawan those about its library; a mitra those addressed to it."""
    if scope.staff:
        return True
    context = document.context or {}
    if scope.library_id is not None and about_library(context) == scope.library_id:
        return True
    return scope.institution is not None and scope.institution in addressees(context)


def addressed_instances(session: Session, institution: str, instance_id: int | None = None) -> set[int]:
    """The cycles with a letter addressed to an institution (of one cycle's letters only, given `instance_id`)."""
    query = select(Document.instance_id, Document.context)
    if instance_id is not None:
        query = query.where(Document.instance_id == instance_id)
    return {found for found, context in session.execute(query) if institution in addressees(context or {})}


def task_filter(session: Session, scope: Scope) -> ColumnElement[bool] | None:
    """The SQL condition on tasks of the library and institution lanes for this scope (None: none)."""
    if scope.staff:
        return None
    own_library = Task.library_id == scope.library_id if scope.library_id is not None else false()
    addressed = (Task.instance_id.in_(sorted(addressed_instances(session, scope.institution)))
                 if scope.institution is not None else false())
    return and_(or_(Task.lane != LIBRARY_LANE, Task.lane.is_(None), own_library),
                or_(Task.lane != INSTITUTION_LANE, Task.lane.is_(None), addressed))


def sees_task(session: Session, scope: Scope, task: Task) -> bool:
    """Whether a task of the library or institution lane concerns this actor (others: as before)."""
    if scope.staff:
        return True
    if task.lane == LIBRARY_LANE:
        return scope.library_id is not None and task.library_id == scope.library_id
    if task.lane == INSTITUTION_LANE:
        return scope.institution is not None and bool(
            addressed_instances(session, scope.institution, task.instance_id))
    return True
