"""Letter numbers: a running number per (classification code, year), or per year for the whole agency
(the `letter_numbering` setting), allocated in the caller's transaction.

The number is taken with one atomic upsert on `letter_sequences`, so it is unique and gapless even
when several officers generate letters at the same moment: on PostgreSQL the second writer waits on
the row lock and then sees the first one's committed value (READ COMMITTED); on SQLite the single
write lock serializes writers. A transaction that rolls back gives its number back with it.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, execute

log = logging.getLogger(__name__)

DEFAULT_PATTERN = "{code}/{seq}/{unit}/{year}"
PLACEHOLDERS = ("code", "seq", "unit", "year", "month")
# Without these three a number could repeat (codes count separately, and the count restarts yearly).
REQUIRED = ("code", "seq", "year")
# The sequence key of the agency-wide register when letters are numbered once per year ("per_year"); no
# classification code looks like it, so the register never shares a row with a code's own count.
REGISTER = "*"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


class LetterSequence(Base):
    """The last number given out for one classification code in one year."""

    __tablename__ = "letter_sequences"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


def _next_number(insert: Any) -> Any:
    """INSERT … ON CONFLICT DO UPDATE … RETURNING for one dialect, built once."""
    table = LetterSequence.__table__
    return (insert(LetterSequence).values(code=bindparam("code"), year=bindparam("year"), last=1)
            .on_conflict_do_update(index_elements=["code", "year"], set_={"last": table.c.last + 1})
            .returning(table.c.last))


_NEXT_NUMBER = {"postgresql": _next_number(postgresql.insert), "sqlite": _next_number(sqlite.insert)}


_TABLE = cast(Table, LetterSequence.__table__)
# The common case, a sequence that exists: a plain UPDATE … RETURNING costs a fraction of the upsert.
_INCREMENT = (update(_TABLE).where(_TABLE.c.code == bindparam("for_code"), _TABLE.c.year == bindparam("for_year"))
              .values(last=_TABLE.c.last + 1).returning(_TABLE.c.last))


def allocate(session: Session, code: str, year: int) -> int:
    """The next running number for (code, year), taken inside the caller's transaction.

    The first number of a code and year comes from the upsert, so two first numbers taken at
    once still get 1 and 2.
    """
    found = execute(session, _INCREMENT, {"for_code": code, "for_year": year}).scalar()
    if found is None:
        found = execute(session, _NEXT_NUMBER[session.get_bind().dialect.name],
                                {"code": code, "year": year}).scalar_one()
    return int(found)


def sequence_key(code: str, mode: str) -> str:
    """The sequence a letter of `code` takes its number from: its code's own, or the year's register."""
    return REGISTER if mode == "per_year" else code


def valid_pattern(pattern: str) -> bool:
    """True when a number pattern uses only known placeholders and all of code, seq and year."""
    names = _PLACEHOLDER.findall(pattern)
    return all(n in PLACEHOLDERS for n in names) and all(n in names for n in REQUIRED)


def format_number(pattern: str, *, code: str, seq: int, unit: str, when: datetime) -> str:
    """The printed number, e.g. `000.4/12/Dispusip/2027`; an unusable pattern falls back to the default.

    Only the named placeholders are replaced (no str.format), so a pattern typed into the settings
    cannot reach attributes of the values. `{month}` is the Roman month many agencies print.
    """
    if not valid_pattern(pattern):
        log.warning("letter number pattern %r unusable; using %r", pattern, DEFAULT_PATTERN)
        pattern = DEFAULT_PATTERN
    values = {"code": code, "seq": str(seq), "unit": unit, "year": str(when.year),
              "month": _ROMAN[when.month - 1]}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], pattern)
