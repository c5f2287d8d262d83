"""The first year the shipped holiday calendar does not hold, for tests of provisional days
(so they keep testing a year without a calendar when the next year's holidays ship)."""

from __future__ import annotations

from datetime import date, timedelta

from lithloop.batteries.working_days import load_calendar

GAP_YEAR = max(load_calendar().years) + 1


def first_open_day(year: int = GAP_YEAR) -> date:
    """The first day of `year` that is not a Sunday (the park collects Monday to Saturday)."""
    day = date(year, 1, 1)
    while day.weekday() == 6:
        day += timedelta(days=1)
    return day
