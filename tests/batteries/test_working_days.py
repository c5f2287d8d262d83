"""Chinese working days: weekends, public holidays and adjusted weekend working days."""

from datetime import date

import pytest

from lithloop.batteries.working_days import load_calendar, parse_calendar

CAL = load_calendar()


def test_2025_spring_festival_and_adjusted_sunday():
    assert not CAL.is_working_day(date(2025, 1, 28))  # New Year's Eve, Tuesday, off
    assert not CAL.is_working_day(date(2025, 2, 4))
    assert CAL.is_working_day(date(2025, 1, 26))  # Sunday worked (调休)
    assert CAL.is_working_day(date(2025, 2, 8))  # Saturday worked
    assert not CAL.is_working_day(date(2025, 2, 9))  # an ordinary Sunday


def test_fifteen_working_days_across_the_2025_national_day_week():
    # Friday 26 Sep 2025: Sun 28 Sep is worked, 1-8 Oct off, Sat 11 Oct worked.
    due = CAL.add_working_days(date(2025, 9, 26), 15)
    assert due == date(2025, 10, 23)
    assert CAL.working_days_between(date(2025, 9, 26), due) == 15


def test_2026_spring_festival_nine_days_off():
    start = date(2026, 2, 13)  # Friday before; Sat 14 Feb is worked
    assert CAL.add_working_days(start, 1) == date(2026, 2, 14)
    assert CAL.add_working_days(start, 2) == date(2026, 2, 24)


def test_outside_covered_years_counts_weekdays_only():
    assert not CAL.covers(date(2030, 1, 1))
    assert CAL.add_working_days(date(2030, 1, 4), 1) == date(2030, 1, 7)  # Fri -> Mon


def test_working_days_between_is_signed():
    assert CAL.working_days_between(date(2026, 3, 9), date(2026, 3, 2)) == -5


def test_bad_calendars_are_refused():
    with pytest.raises(ValueError):
        parse_calendar({"2027": {"off": ["2027-01-03/2027-01-01"]}})
    with pytest.raises(ValueError):
        parse_calendar({"2027": {"off": ["2027-01-02"], "work": ["2027-01-02"]}})
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 1, 1), -1)
