"""Bookings at one place: the driver arrives there once for all of them."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingEvent
from tests import worlds
from tests.conftest import submit
from tests.route_world import book, lot, make_route

world = worlds.published_route


def arrivals(booking_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(BookingEvent.note).where(
                BookingEvent.booking_id == booking_id, BookingEvent.note.startswith("arrived:")
            )
        )
    )


def test_arriving_at_a_place_arrives_at_the_next_bookings_there(client, auth, world):
    dealer, dispatcher = world["dealer"], world["dispatcher"]
    b1, b2, _ = (db.session.get(Booking, i) for i in world["bookings"])
    here = [book(dealer, b1.site, [lot()], dispatcher) for _ in range(2)]
    there = book(dealer, b2.site, [lot()], dispatcher)
    again = book(dealer, b1.site, [lot()], dispatcher)
    route = make_route(
        world["trucks"][1],
        [
            ("start", None, "07:30"),
            ("pickup", here[0], "09:00"),
            ("pickup", here[1], "09:16"),
            ("pickup", there, "10:00"),
            ("pickup", again, "11:00"),
            ("end", None, "12:00"),
        ],
        day=world["today"],
        by=dispatcher,
    )
    first, second, _, _ = (s for s in route.stops if s.kind == "pickup")
    auth.login(world["other_driver"].email)
    page = "/driver/"
    assert submit(client, f"/driver/stops/{first.id}/arrive", {}, page=page).status_code == 302
    assert len(arrivals(here[0])) == 1 and len(arrivals(here[1])) == 1
    assert arrivals(there) == [] and arrivals(again) == []  # another place, or a later visit
    assert submit(client, f"/driver/stops/{second.id}/arrive", {}, page=page).status_code == 409
    assert len(arrivals(here[1])) == 1
