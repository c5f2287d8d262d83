"""Two dealers taking the last capacity of a day at once: one gets it (PostgreSQL only,
since SQLite ignores FOR UPDATE)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingDay, User
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import prices as price_service
from lithloop.services.errors import Conflict
from tests.conftest import app_on_own_pg_database
from tests.factories import make_org, make_park, make_site, make_user
from tests.web.test_bookings import open_day

ROUNDS = 5
DEALERS = 6


@pytest.fixture
def pg_app(pg_database_url):
    """An app on a database of its own (its threads commit for real, nothing to roll back)."""
    seeded = app_on_own_pg_database("lithloop_c", _seed, TRUCK_TRIPS_PER_DAY=1)
    with seeded as (app, dealers):
        yield app, dealers


def _seed():
    price_service.ensure_default_index()
    make_park(payload_kg=1000, trucks=1)  # 1 t a day: room for one 600 kg stop
    # The day rows exist already, so only FOR UPDATE (not a unique-key race on
    # creating them) can keep two transactions from taking the same room.
    for round_ in range(1, ROUNDS + 1):
        db.session.add(BookingDay(day=open_day(round_), booked_kg=0, booked_stops=0))
    db.session.commit()
    dealers = []
    for i in range(DEALERS):
        org = make_org(name=f"并发经销商{i}")
        dealers.append((make_user(org).id, make_site(org).id))
    return dealers


def one_pack_pickup(site_id: int, day, mass_kg: str, codes: tuple[str, ...] = ()) -> dict:
    """A booking's body: one intact LFP pack of `mass_kg` from 09:00 to 11:00 on `day`."""
    lot = {"chemistry": "LFP", "form": "pack", "count": 1, "mass_kg": mass_kg}
    lot |= {"condition": "intact", "codes": list(codes)}
    return {
        "site_id": site_id,
        "date": day.isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [lot],
    }


def _book(app, day, barrier, outcomes: list, user_id: int, site_id: int) -> None:
    """One dealer's attempt, in its own app context and database connection."""
    with app.app_context():
        user = db.session.get(User, user_id)
        raw = one_pack_pickup(site_id, day, "600")
        barrier.wait()
        try:
            booking_service.book_pickup(user, raw)
            outcomes.append("booked")
        except Conflict as exc:
            outcomes.append("full" if exc.code == "day_full" else exc.code)
        finally:
            db.session.remove()


def test_only_one_dealer_gets_the_last_capacity(pg_app):
    app, dealers = pg_app
    for round_ in range(1, ROUNDS + 1):
        day = open_day(round_)
        barrier = threading.Barrier(len(dealers))
        outcomes: list[str] = []

        threads = [
            threading.Thread(target=_book, args=(app, day, barrier, outcomes, *pair))
            for pair in dealers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["booked"] + ["full"] * (len(dealers) - 1), outcomes
        with app.app_context():
            count = db.session.scalar(
                sa.select(sa.func.count(Booking.id)).where(Booking.pickup_date == day)
            )
            counter = db.session.get(BookingDay, day)
            assert count == 1 and counter.booked_stops == 1 and counter.booked_kg == 600
