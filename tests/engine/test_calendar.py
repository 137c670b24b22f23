"""Working hours: office hours on working days in WIB, without public holidays and the agency's days off."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from engine import agency, calendar
from engine.calendar import WIB, OfficeCalendar
from engine.db import run_in_transaction
from engine.people.users import Actor

OFFICE = OfficeCalendar()  # 07.30–16.00, Monday to Friday


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


@pytest.mark.parametrize("start,hours,due", [
    ("2027-02-12 15:00", 7, "2027-02-15 13:30"),   # Friday afternoon: one hour now, six on Monday
    ("2027-02-15 06:00", 2, "2027-02-15 09:30"),   # before opening: counting starts at 07.30
    ("2027-02-15 17:00", 1, "2027-02-16 08:30"),   # after closing: the next morning
    ("2027-02-13 10:00", 1, "2027-02-15 08:30"),   # Saturday
    ("2027-08-16 15:00", 2, "2027-08-18 08:30"),   # Tuesday 17 August is Independence Day
    ("2027-03-05 15:00", 7, "2027-03-09 13:30"),   # Monday 8 March is Nyepi
    ("2027-02-15 07:30", 8.5, "2027-02-15 16:00"),  # exactly one working day
])
def test_adding_working_hours(start, hours, due):
    assert OFFICE.add_working_hours(wib(start), hours) == wib(due)


def test_adding_counts_in_wib_whatever_the_zone_of_the_moment():
    utc = wib("2027-02-12 15:00").astimezone(UTC)
    assert OFFICE.add_working_hours(utc, 7) == wib("2027-02-15 13:30")


def test_counting_working_hours_between_two_moments():
    assert OFFICE.working_hours_between(wib("2027-02-12 15:00"), wib("2027-02-15 13:30")) == 7
    assert OFFICE.working_hours_between(wib("2027-02-15 13:30"), wib("2027-02-12 15:00")) == -7
    assert OFFICE.working_hours_between(wib("2027-08-16 07:30"), wib("2027-08-18 16:00")) == 17  # holiday between
    assert OFFICE.working_hours_between(wib("2027-02-13 08:00"), wib("2027-02-14 18:00")) == 0  # a weekend


def test_public_holidays_and_agency_days_off_are_not_working_days():
    assert not OFFICE.is_working_day(date(2027, 8, 17))
    assert calendar.public_holidays(2027)[date(2027, 8, 17)]
    off = OfficeCalendar(days_off=frozenset({date(2027, 2, 15)}))
    assert off.add_working_hours(wib("2027-02-12 15:00"), 7) == wib("2027-02-16 13:30")


def test_durations_count_working_days():
    assert OFFICE.duration_hours({"hours": 7}) == 7
    assert OFFICE.duration_hours({"days": 3}) == 25.5
    assert OFFICE.duration_hours({"weeks": 1}) == 42.5
    assert OFFICE.duration_hours({"months": 1}) is None


def test_the_calendar_follows_the_settings(factory):
    admin = Actor("admin", frozenset({"admin"}))
    run_in_transaction(factory, lambda s: agency.save_calendar(
        s, admin, start="08:00", end="15:00", working_days=[1, 2, 3, 4, 5, 6], days_off=[("2027-02-15", "")]))
    with factory() as s:
        office = calendar.of_settings(s)
    assert (office.opens, office.closes) == (time(8), time(15))
    assert office.add_working_hours(wib("2027-02-12 14:00"), 2) == wib("2027-02-13 09:00")  # Saturday works
    assert not office.is_working_day(date(2027, 2, 15))
    assert office.closing_on(date(2027, 2, 16)) == wib("2027-02-16 15:00")
