"""Day capacity: exact figures for a known fleet, each limit at its boundary, the API's fields.

The fleet of `make_park`: trucks of a given payload, shift 07:00-19:00 capped by the
default 10 h working time. With the default settings (2 trips a day, 1.5 h per stop, park
intake 10,000 t over 300 working days) each figure below follows by hand.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from flask import current_app

from lithloop.extensions import db
from lithloop.models import BookingDay, Truck
from lithloop.services.booking import capacity
from lithloop.services.booking.capacity import DayCapacity, FleetLimits
from tests.calendar_gap import GAP_YEAR, first_open_day
from tests.factories import make_park

MONDAY = date(2026, 3, 2)
SUNDAY = date(2026, 3, 8)


def day(**kw) -> DayCapacity:
    values = {
        "day": MONDAY,
        "open": True,
        "capacity_kg": Decimal(100),
        "booked_kg": Decimal(30),
        "capacity_stops": 4,
        "booked_stops": 1,
    }
    values.update(kw)
    return DayCapacity(**values)


def test_remaining_is_capacity_less_booked_and_never_negative():
    assert day().remaining_kg == Decimal(70)
    assert day(booked_kg=Decimal(100)).remaining_kg == Decimal(0)
    assert day(booked_kg=Decimal(130)).remaining_kg == Decimal(0)


@pytest.mark.parametrize(
    ("changes", "full"),
    [
        ({}, False),
        ({"open": False}, True),
        ({"booked_kg": Decimal("99.5")}, False),  # half a kilogram left is still room
        ({"booked_kg": Decimal(100)}, True),
        ({"booked_kg": Decimal(120)}, True),
        ({"booked_stops": 3}, False),
        ({"booked_stops": 4}, True),
        ({"booked_stops": 5}, True),
    ],
)
def test_full_at_each_boundary(changes, full):
    assert day(**changes).full is full


@pytest.mark.parametrize(
    ("changes", "mass", "fits"),
    [
        ({}, Decimal(70), True),  # exactly the remaining mass
        ({}, Decimal("70.1"), False),
        ({"booked_stops": 3}, Decimal(1), True),  # the last stop slot
        ({"booked_stops": 4}, Decimal(1), False),
        ({"open": False}, Decimal(1), False),
    ],
)
def test_fits_at_each_boundary(changes, mass, fits):
    assert day(**changes).fits(mass) is fits


def test_to_dict_names_every_field():
    assert day(booked_kg=Decimal("30.5")).to_dict() == {
        "date": "2026-03-02",
        "open": True,
        "full": False,
        "capacity_kg": "100",
        "booked_kg": "30.5",
        "remaining_kg": "69.5",
        "capacity_stops": 4,
        "booked_stops": 1,
        "holiday": False,
        "provisional": False,
    }
    assert day(open=False).to_dict()["full"] is True


def test_fleet_limits_of_a_known_fleet(app):
    make_park(payload_kg=12000, trucks=2)
    # 2 x 12,000 kg x 2 trips; 2 x 10 h (the 12 h shift capped) / 1.5 h; 10,000 t / 300 days
    assert capacity.fleet_limits() == FleetLimits(
        truck_kg=Decimal(48000), stops=13, intake_kg=Decimal(33333)
    )


def test_fleet_limits_follow_the_settings(app):
    make_park(payload_kg=5000, trucks=1)
    truck = db.session.scalars(db.select(Truck)).one()
    truck.shift_start, truck.shift_end = time(8), time(12)  # 4 h, under the 10 h cap
    db.session.commit()
    current_app.config.update(
        TRUCK_TRIPS_PER_DAY=3,
        STOP_HOURS=2.0,
        PARK_INTAKE_T_PER_YEAR=1,
        PARK_WORKING_DAYS_PER_YEAR=8,
    )
    assert capacity.fleet_limits() == FleetLimits(
        truck_kg=Decimal(15000), stops=2, intake_kg=Decimal(125)
    )
    truck.max_work_s = 3 * 3600  # now the working time is the shorter
    db.session.commit()
    assert capacity.fleet_limits().stops == 1


def test_inactive_trucks_do_not_count(app):
    make_park(payload_kg=5000, trucks=2)
    first = db.session.scalars(db.select(Truck).order_by(Truck.id)).first()
    first.active = False
    db.session.commit()
    assert capacity.fleet_limits() == FleetLimits(
        truck_kg=Decimal(10000), stops=6, intake_kg=Decimal(33333)
    )


def test_no_fleet_no_capacity(app):
    assert capacity.fleet_limits() == FleetLimits(
        truck_kg=Decimal(0), stops=0, intake_kg=Decimal(33333)
    )


def test_calendar_days_exact_for_a_known_fleet(app):
    make_park(payload_kg=5000, trucks=1)  # trucks (10,000 kg) below the park (33,333 kg)
    db.session.add(BookingDay(day=MONDAY, booked_kg=Decimal("2500.5"), booked_stops=2))
    db.session.add(BookingDay(day=SUNDAY, booked_kg=Decimal(0), booked_stops=0))
    db.session.add(BookingDay(day=date(2026, 3, 9), booked_kg=Decimal(9), booked_stops=1))
    db.session.commit()
    days = capacity.calendar(MONDAY, SUNDAY)
    assert [d.day.isoformat() for d in days] == [f"2026-03-0{n}" for n in range(2, 9)]
    assert days[0] == DayCapacity(MONDAY, True, Decimal(10000), Decimal("2500.5"), 6, 2)
    assert days[1] == DayCapacity(date(2026, 3, 3), True, Decimal(10000), Decimal(0), 6, 0)
    assert [d.open for d in days] == [True] * 6 + [False]  # Sunday: PARK_CLOSED_WEEKDAYS
    assert capacity.calendar(SUNDAY, SUNDAY)[0].full
    assert capacity.calendar(MONDAY, date(2026, 3, 1)) == []


def test_the_park_intake_caps_a_big_fleet(app):
    make_park(payload_kg=12000, trucks=2)
    assert capacity.calendar(MONDAY, MONDAY)[0].capacity_kg == Decimal(33333)


def test_changing_a_truck_refreshes_the_cached_calendar(app):
    assert current_app.config["READ_CACHE_S"] > 0
    make_park(payload_kg=5000, trucks=1)
    assert capacity.calendar(MONDAY, MONDAY)[0].capacity_kg == Decimal(10000)
    truck = db.session.scalars(db.select(Truck)).one()
    truck.payload_kg = 4000
    db.session.commit()
    assert capacity.calendar(MONDAY, MONDAY)[0].capacity_kg == Decimal(8000)
    db.session.add(BookingDay(day=MONDAY, booked_kg=Decimal(100), booked_stops=1))
    db.session.commit()
    assert capacity.calendar(MONDAY, MONDAY)[0].booked_kg == Decimal(100)


def test_lock_day_creates_the_row_once_and_status_of_reads_it(app):
    make_park(payload_kg=5000, trucks=1)
    row = capacity.lock_day(SUNDAY)
    assert (row.day, row.booked_kg, row.booked_stops) == (SUNDAY, Decimal(0), 0)
    row.booked_kg, row.booked_stops = Decimal(400), 3
    db.session.commit()
    again = capacity.lock_day(SUNDAY)
    assert (again.booked_kg, again.booked_stops) == (Decimal(400), 3)
    assert db.session.scalar(db.select(db.func.count()).select_from(BookingDay)) == 1
    assert capacity.status_of(again) == DayCapacity(
        SUNDAY, False, Decimal(10000), Decimal(400), 6, 3
    )
    assert capacity.status_of(capacity.lock_day(MONDAY)).open is True


def test_public_holidays_are_closed_and_years_without_a_calendar_are_provisional(app):
    """The pickup calendar offered National Day as an open day, and 2027-01-01 (New Year's
    Day, whose schedule was not in the calendar) as a plain working day."""
    make_park(payload_kg=5000, trucks=1)
    national_day = capacity.calendar(date(2026, 9, 30), date(2026, 10, 10))
    assert [(d.day.day, d.open, d.holiday) for d in national_day][:3] == [
        (30, True, False),
        (1, False, True),
        (2, False, True),
    ]
    assert national_day[-1].open and not national_day[-1].holiday  # 10-10: a working Saturday
    assert not any(d.provisional for d in national_day)
    first_day = first_open_day()  # of the first year the calendar lacks
    last_known = date(GAP_YEAR - 1, 12, 31)
    new_year = {d.day: d for d in capacity.calendar(last_known, first_day)}
    assert not new_year[last_known].provisional
    first = new_year[first_day]
    assert first.open and first.provisional and not first.holiday  # not known: not invented
    assert first.to_dict()["provisional"] is True
