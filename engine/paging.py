"""Pages of list results, with the page arguments checked once for every list."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session

from engine.db import execute
from engine.errors import BadRequest

T = TypeVar("T")
MAX_PER_PAGE = 200
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items and the total count across all pages."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the total fills."""
        return max(1, -(-self.total // self.per_page))


def clamp(page: Any = 1, per_page: Any = 50) -> tuple[int, int]:
    """Parse page arguments; anything but a sane positive integer is a BadRequest."""
    try:
        page_n, per_page_n = int(str(page)), int(str(per_page))
    except (TypeError, ValueError) as exc:
        raise BadRequest("paging_not_integer") from exc
    if not 1 <= page_n <= MAX_PAGE:
        raise BadRequest("page_out_of_range", limit=MAX_PAGE)
    if not 1 <= per_page_n <= MAX_PER_PAGE:
        raise BadRequest("per_page_out_of_range", limit=MAX_PER_PAGE)
    return page_n, per_page_n


def like_pattern(q: str | None, *, max_length: int = 200) -> str | None:
    """A LIKE pattern that matches `q` literally anywhere, or None for an empty search.

    Control characters are refused: a NUL makes PostgreSQL fail and SQLite cut the pattern short.
    """
    text = (q or "").strip()
    if not text:
        return None
    if len(text) > max_length:
        raise BadRequest("search_too_long", limit=max_length)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise BadRequest("search_control_characters")
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Listing:
    """A list select ready for paging: its page select (limit and offset bound per call) and its count.

    Kept and reused, a listing spares each call building statements and SQLAlchemy computing their
    cache keys again, which on a busy list costs more than the database does.
    """

    def __init__(self, query: Select[Any], count: Select[Any] | None = None) -> None:
        self.query = query
        self.page = (query.limit(bindparam("paging_limit", type_=Integer))
                     .offset(bindparam("paging_offset", type_=Integer)))
        if count is not None:  # a cheaper count the caller knows to be equal (without joins that add columns only)
            self.count = count

    @functools.cached_property
    def count(self) -> Select[Any]:
        """The number of rows across all pages."""
        return select(func.count()).select_from(self.query.order_by(None).subquery())


def paginate(session: Session, query: Select[Any] | Listing, page: int, per_page: int, *,
             rows: Callable[[Any], T] | None = None, params: Mapping[str, Any] | None = None) -> Page[Any]:
    """Run a select for one page and count its total without loading the rows.

    A first page that is not full is the whole list: its length is the total, no COUNT needed.
    With `rows`, the select names columns and each result row becomes `rows(row)` (a NamedTuple's
    `_make`, say): read-only items, no ORM objects. `params` fill the select's bound parameters.
    """
    listing = query if isinstance(query, Listing) else Listing(query)
    bound = {**(params or {}), "paging_limit": per_page, "paging_offset": (page - 1) * per_page}
    if rows is None:
        items = list(session.scalars(listing.page, bound))
    else:  # plain columns: no ORM work to do, so straight on the connection
        items = [rows(row) for row in execute(session, listing.page, bound).all()]
    if page == 1 and len(items) < per_page:
        return Page(items, len(items), page, per_page)
    total = execute(session, listing.count, params).scalar() or 0
    return Page(items, total, page, per_page)
