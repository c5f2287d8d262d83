"""Dates and clock times people type, in ISO form and within a bounded range.

Dates are ISO `YYYY-MM-DD` within a bounded range (no year 9999 to overflow on `+ 1 day`);
one of that shape the calendar does not have (2026-02-30, 2026-13-01) is told so, not sent
back to the format; times are naive `HH:MM` (a time zone such as `09:00+08:00` is refused,
not compared).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, time

from flask_babel import lazy_gettext as _l

from lithloop.batteries.codes import fold_full_width
from lithloop.services.errors import Invalid
from lithloop.services.strict_input.text import clean

DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIME_RE = re.compile(r"[0-9]{2}:[0-9]{2}(?::[0-9]{2})?")
#: Dates people may type: far enough for planning and history, never near the year 9999.
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(2199, 12, 31)


def no_such_day(raw):
    """What a date of the right shape that the calendar does not have (2026-02-30) is
    told, naming the days its month has; None for any other text."""
    text = clean(raw)
    if not DATE_RE.fullmatch(text):
        return None
    year, month, day = (int(part) for part in text.split("-"))
    if not FIRST_DATE.year <= year <= LAST_DATE.year:
        return None  # told as out of the range people may type
    if not 1 <= month <= 12:
        return _l("There is no %(typed)s: months run from 01 to 12.", typed=text)
    days = calendar.monthrange(year, month)[1]
    if 1 <= day <= days:
        return None
    return _l(
        "There is no %(typed)s: %(y)s-%(m)s has days 01 to %(n)s.",
        typed=text,
        y=f"{year:04d}",
        m=f"{month:02d}",
        n=days,
    )


def strict_date(
    raw, field: str, *, first: date = FIRST_DATE, last: date = LAST_DATE, message=None
) -> date:
    """An ISO date YYYY-MM-DD between `first` and `last` (`message` for a malformed one)."""
    text = clean(raw)
    try:
        if not DATE_RE.fullmatch(text):
            raise ValueError(text)
        value = date.fromisoformat(text)
    except ValueError:
        missing = no_such_day(text)
        if missing is not None:
            raise Invalid(missing, field=field) from None
        raise Invalid(message or _l("Enter a date as YYYY-MM-DD."), field=field) from None
    if not first <= value <= last:
        raise Invalid(
            _l("Enter a date between %(a)s and %(b)s.", a=first.isoformat(), b=last.isoformat()),
            field=field,
        )
    return value


def date_or_none(raw) -> date | None:
    """strict_date, or None for anything else (a filter)."""
    try:
        return strict_date(raw, "")
    except Invalid:
        return None


def strict_time(raw, field: str, message=None) -> time:
    """A naive clock time HH:MM (or HH:MM:SS), full-width digits and colon read as ASCII; a
    time zone or an offset is refused."""
    text = fold_full_width(clean(raw))
    try:
        if not TIME_RE.fullmatch(text):
            raise ValueError(text)
        return time.fromisoformat(text)
    except ValueError:
        raise Invalid(message or _l("Enter a time as HH:MM, e.g. 09:30."), field=field) from None
