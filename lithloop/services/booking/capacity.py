"""Day capacity: what the trucks and the park can take on a day, and what is booked.

A day is closed on the park's closed weekdays and on the official public holidays of the
working-day calendar (services/packs/holiday_calendar.py). A day in a year whose schedule
the calendar does not hold yet (the State Council publishes it each November) is open but
provisional: its holidays are not known, and the booking page says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.models import BookingDay, Truck
from lithloop.services.packs import holiday_calendar


@dataclass(frozen=True)
class DayCapacity:
    """One day of the calendar."""

    day: date
    open: bool
    capacity_kg: Decimal
    booked_kg: Decimal
    capacity_stops: int
    booked_stops: int
    holiday: bool = False  # an official public holiday (closed)
    provisional: bool = False  # the calendar lacks the day's year: holidays not known yet

    # Properties made with property() rather than @property: mutmut (make mutate) skips
    # decorated functions and reaches these.
    def _remaining_kg(self) -> Decimal:
        """Mass that can still be booked."""
        return max(Decimal(0), self.capacity_kg - self.booked_kg)

    def _full(self) -> bool:
        """True when closed, or when mass or stops are used up."""
        return not self.open or self.remaining_kg <= 0 or self.booked_stops >= self.capacity_stops

    remaining_kg = property(_remaining_kg)
    full = property(_full)

    def fits(self, mass_kg: Decimal) -> bool:
        """True if one more stop with this mass fits."""
        return (
            self.open
            and self.booked_stops < self.capacity_stops
            and self.booked_kg + mass_kg <= self.capacity_kg
        )

    def to_dict(self) -> dict:
        """JSON for the calendar API."""
        return {
            "date": self.day.isoformat(),
            "open": self.open,
            "full": self.full,
            "holiday": self.holiday,
            "provisional": self.provisional,
            "capacity_kg": str(self.capacity_kg),
            "booked_kg": str(self.booked_kg),
            "remaining_kg": str(self.remaining_kg),
            "capacity_stops": self.capacity_stops,
            "booked_stops": self.booked_stops,
        }


@dataclass(frozen=True)
class FleetLimits:
    """What the active trucks can do in a day, and the park's intake per day."""

    truck_kg: Decimal
    stops: int
    intake_kg: Decimal


def fleet_limits() -> FleetLimits:
    """Daily truck payload (× trips), stop slots from shift hours, and park intake."""
    cfg = current_app.config
    trucks = list(db.session.scalars(sa.select(Truck).where(Truck.active.is_(True))))
    truck_kg = sum((Decimal(t.payload_kg) for t in trucks), Decimal(0)) * cfg["TRUCK_TRIPS_PER_DAY"]
    hours = sum(_shift_hours(t) for t in trucks)
    intake_kg = (
        Decimal(cfg["PARK_INTAKE_T_PER_YEAR"]) * 1000 / cfg["PARK_WORKING_DAYS_PER_YEAR"]
    ).quantize(Decimal(1))
    return FleetLimits(
        truck_kg=truck_kg, stops=int(hours // cfg["STOP_HOURS"]), intake_kg=intake_kg
    )


def day_capacity_kg() -> Decimal:
    """The most mass the trucks and the park's intake take on an open day, none booked."""
    limits = fleet_limits()
    return min(limits.truck_kg, limits.intake_kg)


def _shift_hours(truck: Truck) -> float:
    start = datetime.combine(date.min, truck.shift_start)
    end = datetime.combine(date.min, truck.shift_end)
    return min((end - start).total_seconds(), truck.max_work_s) / 3600


def is_holiday(day: date) -> bool:
    """True on an official public holiday (a day off in the calendar's year)."""
    return day in holiday_calendar.calendar().off


def is_provisional(day: date) -> bool:
    """True when the calendar does not hold the day's year: its holidays are not known."""
    return not holiday_calendar.calendar().covers(day)


def is_open(day: date) -> bool:
    """False on the park's closed weekdays and on official public holidays."""
    return day.weekday() not in current_app.config["PARK_CLOSED_WEEKDAYS"] and not is_holiday(day)


def calendar(start: date, end: date) -> list[DayCapacity]:
    """Capacity and bookings for each day from start to end inclusive (briefly cached)."""
    return list(
        read_cache.cached(
            "calendar",
            (start, end),
            ("booking_day", "truck", "holiday_year"),
            lambda: _calendar(start, end),
        )
    )


def _calendar(start: date, end: date) -> list[DayCapacity]:
    limits = fleet_limits()
    capacity_kg = min(limits.truck_kg, limits.intake_kg)
    rows = {
        row.day: row
        for row in db.session.scalars(
            sa.select(BookingDay).where(BookingDay.day.between(start, end))
        )
    }
    days = []
    day = start
    while day <= end:
        row = rows.get(day)
        days.append(
            DayCapacity(
                day=day,
                open=is_open(day),
                capacity_kg=capacity_kg,
                booked_kg=row.booked_kg if row else Decimal(0),
                capacity_stops=limits.stops,
                booked_stops=row.booked_stops if row else 0,
                holiday=is_holiday(day),
                provisional=is_provisional(day),
            )
        )
        day += timedelta(days=1)
    return days


def lock_day(day: date) -> BookingDay:
    """The day's counter row, created if missing, locked FOR UPDATE until the commit."""
    query = (
        sa.select(BookingDay)
        .where(BookingDay.day == day)
        .with_for_update()
        .execution_options(populate_existing=True)
    )  # never trust an earlier read
    row = db.session.scalar(query)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            db.session.add(BookingDay(day=day, booked_kg=Decimal(0), booked_stops=0))
    except sa.exc.IntegrityError:
        pass  # another transaction created it first; lock theirs
    return db.session.scalar(query)


def status_of(row: BookingDay) -> DayCapacity:
    """The capacity of a (locked) day row."""
    limits = fleet_limits()
    return DayCapacity(
        day=row.day,
        open=is_open(row.day),
        holiday=is_holiday(row.day),
        provisional=is_provisional(row.day),
        capacity_kg=min(limits.truck_kg, limits.intake_kg),
        booked_kg=row.booked_kg,
        capacity_stops=limits.stops,
        booked_stops=row.booked_stops,
    )
