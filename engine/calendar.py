"""The office calendar: working hours on working days in WIB, without Indonesia's public holidays
(the `holidays` package) and the agency's own days off (settings), for due dates and service times.

The published service standard counts working hours ("7 jam"): a task due in 7 hours that arrives at
15.00 on a Friday is due on Monday, not at 22.00 the same evening.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import holidays
from sqlalchemy.orm import Session

from engine import settings

# The agency's time zone.
WIB = timezone(timedelta(hours=7), "WIB")
# The office hours when the settings say nothing else.
OPENS, CLOSES = time(7, 30), time(16, 0)

# Beyond this many days without a working day the settings must be wrong (every day off): stop looking.
_SEARCH_DAYS = 3660


@functools.lru_cache(maxsize=32)
def public_holidays(year: int) -> dict[date, str]:
    """Indonesia's public holidays of one year, with their Indonesian names."""
    return dict(holidays.country_holidays("ID", years=year, language="id"))


@dataclass(frozen=True)
class OfficeCalendar:
    """Office hours (WIB) on working days, minus public holidays and the agency's days off."""

    opens: time = OPENS
    closes: time = CLOSES
    working_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    days_off: frozenset[date] = frozenset()

    @property
    def hours_per_day(self) -> float:
        """Working hours in one working day."""
        return (_at(date(2000, 1, 3), self.closes) - _at(date(2000, 1, 3), self.opens)).total_seconds() / 3600

    def is_working_day(self, day: date) -> bool:
        """True on a working weekday that is neither a public holiday nor an agency day off."""
        return (day.isoweekday() in self.working_days and day not in self.days_off
                and day not in public_holidays(day.year))

    def add_working_hours(self, moment: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `moment` (counting starts at the next opening time)."""
        if hours <= 0:
            return moment
        left = timedelta(hours=hours)
        current = moment.astimezone(WIB)
        for _ in range(_SEARCH_DAYS):
            day = current.date()
            opens, closes = _at(day, self.opens), _at(day, self.closes)
            if self.is_working_day(day) and current < closes:
                current = max(current, opens)
                if current + left <= closes:
                    return current + left
                left -= closes - current
            current = _at(day + timedelta(days=1), self.opens)
        raise ValueError("no working day found: check the working days and days off")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours from `start` to `end` (negative when `end` comes first)."""
        if end < start:
            return -self.working_hours_between(end, start)
        start, end = start.astimezone(WIB), end.astimezone(WIB)
        total = timedelta(0)
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                begin, finish = max(start, _at(day, self.opens)), min(end, _at(day, self.closes))
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def duration_hours(self, parts: dict[str, Any]) -> float | None:
        """Working hours of a parsed ISO 8601 duration (days count as working days); None for months or years."""
        if parts.get("years") or parts.get("months"):
            return None
        days = float(parts.get("days", 0)) + float(parts.get("weeks", 0)) * len(self.working_days)
        return (days * self.hours_per_day + float(parts.get("hours", 0)) + float(parts.get("minutes", 0)) / 60
                + float(parts.get("seconds", 0)) / 3600)

    def closing_on(self, day: date) -> datetime:
        """The end of the service day of `day`: a due date given as a date means this."""
        return _at(day, self.closes)


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=WIB)


@functools.lru_cache(maxsize=16)
def _calendar(opens: str, closes: str, working_days: tuple[int, ...], days_off: tuple[str, ...]) -> OfficeCalendar:
    return OfficeCalendar(time.fromisoformat(opens), time.fromisoformat(closes), frozenset(working_days),
                          frozenset(date.fromisoformat(d) for d in days_off))


def of_settings(session: Session) -> OfficeCalendar:
    """The calendar of the agency's current settings (office hours, working days, days off)."""
    hours = settings.get(session, "office_hours")
    off = tuple(sorted(str(d["date"]) for d in settings.get(session, "days_off")))
    return _calendar(hours["start"], hours["end"], tuple(sorted(settings.get(session, "working_days"))), off)
