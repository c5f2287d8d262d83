"""Chinese working days: weekends and public holidays off, adjusted weekend days (调休) on.

Pure: the calendar is data (the State Council's yearly notice), loaded from JSON. Dates
outside the years the calendar covers count Monday to Friday only, and say so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources


@dataclass(frozen=True)
class WorkCalendar:
    """Days off and adjusted working days, by year covered."""

    off: frozenset[date] = field(default_factory=frozenset)
    work: frozenset[date] = field(default_factory=frozenset)
    years: frozenset[int] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        """True when people work that day (a weekday not on holiday, or an adjusted weekend)."""
        if day in self.work:
            return True
        if day in self.off:
            return False
        return day.weekday() < 5

    def covers(self, day: date) -> bool:
        """True when the calendar knows the holidays of the day's year."""
        return day.year in self.years

    def covers_span(self, start: date, end: date) -> bool:
        """True when every year from `start` to `end` is known (else a count is provisional)."""
        return all(y in self.years for y in range(min(start, end).year, max(start, end).year + 1))

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        while days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1
            for n in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=n))
        )


def expand_days(items: list[str]) -> set[date]:
    """The days of items like "2026-10-01" or "2026-10-01/2026-10-07" (ranges inclusive)."""
    days: set[date] = set()
    for item in items:
        first, _, last = item.partition("/")
        start = date.fromisoformat(first)
        end = date.fromisoformat(last) if last else start
        if end < start:
            raise ValueError(f"range {item} ends before it starts")
        days.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    return days


def calendar_of_years(years: dict[int, tuple[list[str], list[str]]]) -> WorkCalendar:
    """A calendar from {year: (off items, work items)} (items as in the JSON file)."""
    return parse_calendar({str(y): {"off": off, "work": work} for y, (off, work) in years.items()})


def parse_calendar(data: dict) -> WorkCalendar:
    """A calendar from {"2026": {"off": ["2026-01-01/2026-01-03", ...], "work": [...]}}."""
    off: set[date] = set()
    work: set[date] = set()
    years = set()
    for key, year in data.items():
        if key.startswith("_"):
            continue
        years.add(int(key))
        off |= expand_days(year.get("off", []))
        work |= expand_days(year.get("work", []))
    if off & work:
        raise ValueError(f"days both off and working: {sorted(off & work)[:3]}")
    return WorkCalendar(frozenset(off), frozenset(work), frozenset(years))


def load_calendar(path: str | None = None) -> WorkCalendar:
    """The calendar in `path`, or the one shipped in lithloop/data/cn_holidays.json."""
    if path:
        with open(path, encoding="utf-8") as handle:
            return parse_calendar(json.load(handle))
    text = resources.files("lithloop.data").joinpath("cn_holidays.json").read_text("utf-8")
    return parse_calendar(json.loads(text))
