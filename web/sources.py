"""How form fields offer libraries: the choices of fields marked `"x-senapas-source": "library"`.

A field that also names `x-senapas-choices` (the cycle's monev results) offers only the libraries
monitored in that instance, labelled with their score and the readiness suggestion.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine.libraries import registry, results
from engine.people import users

Options = list[tuple[str, str]]
MAX_LIBRARIES = 2000


def library_options(session: Session) -> Options:
    """(id, "name — kecamatan") of every active library in the registry."""
    return [(str(row.id), f"{row.name} — {row.kecamatan}")
            for row in registry.active_libraries(session, MAX_LIBRARIES)]


def monitored_options(session: Session, instance_id: int) -> Options:
    """The libraries with a monev result in this instance, with score, grade and readiness."""
    options: Options = []
    for library, result in results.monitored(session, instance_id):
        ready = (result.details or {}).get("ready_for_coaching")
        mark = " ✓ " + _("siap dibina") if ready else ""
        options.append((str(library.id), f"{library.name} — {result.score:g} ({result.grade}){mark}"))
    return options


def officer_options(session: Session) -> Options:
    """(username, "full name (username)") of every active person who may do visits."""
    return [(person.username, f"{person.name} ({person.username})") for person in users.visitors(session)]
