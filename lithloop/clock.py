"""PURE: the one clock of lithloop: the instant now (UTC), the park's business day and zone.

Every module asks this module for the time (`clock.now()`, `clock.today()`), through the
module attribute, never a name imported from it, so that tests freeze the whole
platform by replacing `now` in one place (the `frozen_clock` fixture in tests/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"  # the park in Mudanjiang keeps Beijing time (UTC+8, no DST)

_zone = ZoneInfo(DEFAULT_ZONE)


def configure(zone_name: str | None) -> None:
    """Set the park's time zone from configuration (PARK_TIMEZONE); unknown names raise."""
    global _zone
    _zone = ZoneInfo(zone_name or DEFAULT_ZONE)


def zone() -> ZoneInfo:
    """The park's time zone."""
    return _zone


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """The park's business day now (the calendar date in the park's zone)."""
    return local_day(now())


def local(moment: datetime) -> datetime:
    """An aware instant as wall-clock time in the park's zone."""
    return moment.astimezone(_zone)


def local_day(moment: datetime) -> date:
    """The park's calendar date of an aware instant."""
    return local(moment).date()


def at(day: date, seconds: float = 0) -> datetime:
    """The aware UTC instant `seconds` after the start of `day` in the park's zone."""
    midnight = datetime.combine(day, time(0), tzinfo=_zone)
    return (midnight + timedelta(seconds=seconds)).astimezone(UTC)
