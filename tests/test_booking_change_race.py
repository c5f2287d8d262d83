"""A change of a booking's pickup day racing a cancel or another change (PostgreSQL only:
SQLite ignores FOR UPDATE). pickup_change locks the booking's row first, so the second
request reads the booking as the first left it: a cancelled booking is not revived, and
the day counters count the booking once."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingDay, BookingEvent, BookingStatus
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import pickup_change
from tests import worlds
from tests.commit_gate import CommitGate, together_as
from tests.route_world import lot, open_day

world = worlds.dealer_at_site
HOLD_S = 3.0  # how long a request waits at its commit for the other one
HEAD_START_S = 0.5  # the first request has locked the booking by then


@pytest.fixture
def backend():
    """PostgreSQL only."""
    return "postgresql"


@pytest.fixture
def booked(world) -> dict:
    raw = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [lot(mass="600")],
    }
    booking, _ = booking_service.book_pickup(world["dealer"], raw)
    return {"booking": booking.id, "dealer": world["dealer"].id}


def _together(app, user_id: int, *calls) -> list:
    """Each call(user) at once in its own thread (commit_gate.together_as)."""
    return together_as(app, user_id, *calls, said=True)


def _counters() -> dict:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(BookingDay).where(BookingDay.booked_stops != 0))
    return {row.day: (row.booked_kg, row.booked_stops) for row in rows}


def _moves(booking_id: int) -> list[dict]:
    """The booking's rescheduled events' details, oldest first."""
    details = db.session.scalars(
        sa.select(BookingEvent.detail)
        .where(BookingEvent.booking_id == booking_id)
        .order_by(BookingEvent.id)
    )
    return [d for d in details if d and d.get("kind") == "rescheduled"]


def _rescheduled(booking_id: int) -> int:
    details = db.session.scalars(
        sa.select(BookingEvent.detail).where(BookingEvent.booking_id == booking_id)
    )
    return sum(1 for d in details if d and d.get("kind") == "rescheduled")


def test_a_change_behind_a_cancel_is_refused_and_does_not_revive_the_booking(app, booked):
    # Depends on pickup_change's `refresh(..., with_for_update=True)` before it reads the
    # status: without it the change read "requested" while the cancel waited at its commit,
    # then moved the cancelled booking's room (freed twice on its day, taken on the new
    # one) and set it requested again: both answered success.
    booking_id = booked["booking"]

    def cancel(user):
        return booking_service.change_status(user, booking_id, BookingStatus.CANCELLED, "").id

    def change(user):
        time.sleep(HEAD_START_S)  # the cancel holds the booking's row
        new = {"date": open_day(3).isoformat()}
        return pickup_change.change_pickup(user, booking_id, new).id

    with CommitGate(Booking, patience=HOLD_S, dirty=True, at="before_flush"):
        cancelled, changed = _together(app, booked["dealer"], cancel, change)
    assert cancelled == booking_id, cancelled
    assert isinstance(changed, tuple), f"the change went through too: {changed}"
    code, said = changed
    assert code == "not_changeable" and "已取消" in said, changed
    db.session.expire_all()
    booking = db.session.get(Booking, booking_id)
    assert booking.status is BookingStatus.CANCELLED and booking.pickup_date == open_day(2)
    assert _counters() == {} and _rescheduled(booking_id) == 0


def test_two_changes_at_once_run_in_turn_and_count_the_booking_once(app, booked):
    # Depends on the same row lock: without it the second change moved the booking from
    # the day it had read (day two) after the first had moved it to day three, so day two
    # was freed twice and days three and four both held its room. Read from the history,
    # not from the threads' return values: on a loaded machine a thread may read its
    # booking back (expired at commit) after the other's commit, or start second.
    booking_id = booked["booking"]

    def change_to(offset: int, wait: float):
        def call(user):
            time.sleep(wait)
            new = {"date": open_day(offset).isoformat()}
            return pickup_change.change_pickup(user, booking_id, new).id

        return call

    with CommitGate(Booking, patience=HOLD_S, dirty=True, at="before_flush"):
        done = _together(app, booked["dealer"], change_to(3, 0), change_to(4, HEAD_START_S))
    assert done == [booking_id, booking_id], done
    db.session.expire_all()
    first, second = _moves(booking_id)
    assert first["from"].startswith(open_day(2).isoformat()), first
    assert second["from"] == first["to"], (first, second)  # the second read the first's day
    targets = {first["to"][:10], second["to"][:10]}
    assert targets == {open_day(3).isoformat(), open_day(4).isoformat()}, targets
    final = db.session.get(Booking, booking_id).pickup_date
    assert final.isoformat() == second["to"][:10]
    assert _counters() == {final: (Decimal(600), 1)}


def test_a_cancel_behind_a_change_cancels_the_changed_booking(app, booked):
    # The other order: the cancel waits for the change and frees the new day's room.
    booking_id = booked["booking"]

    def change(user):
        new = {"date": open_day(3).isoformat()}
        return pickup_change.change_pickup(user, booking_id, new).id

    def cancel(user):
        time.sleep(HEAD_START_S)
        return booking_service.change_status(user, booking_id, BookingStatus.CANCELLED, "").id

    with CommitGate(Booking, patience=HOLD_S, dirty=True, at="before_flush"):
        results = _together(app, booked["dealer"], change, cancel)
    assert results == [booking_id, booking_id], results
    db.session.expire_all()
    booking = db.session.get(Booking, booking_id)
    assert booking.status is BookingStatus.CANCELLED and booking.pickup_date == open_day(3)
    assert _counters() == {}
