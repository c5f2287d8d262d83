"""Bookings at one place: the driver arrives there once for all of them."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingEvent, PlanRoute, PlanStatus
from lithloop.services.dispatch import live_ops, publish_preview, publishing
from tests import worlds
from tests.conftest import submit
from tests.route_world import at, book, lot, make_route

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


def test_the_bookings_after_the_first_at_a_place_are_planned_at_the_trucks_arrival_there(
    client, auth, world, frozen_clock
):
    """One arrival at the place is recorded for all its bookings, so the dispatcher's drift
    of each is against the truck's planned arrival there, not the start of its loading
    (which read as arriving early)."""
    dealer, dispatcher, today = world["dealer"], world["dispatcher"], world["today"]
    b1, b2, _ = (db.session.get(Booking, i) for i in world["bookings"])
    here = [book(dealer, b1.site, [lot()], dispatcher) for _ in range(2)]
    there = book(dealer, b2.site, [lot()], dispatcher)
    route = make_route(
        world["trucks"][1],
        [
            ("start", None, "07:30"),
            ("pickup", here[0], "09:00"),
            ("pickup", here[1], "09:18"),
            ("pickup", there, "10:00"),
            ("end", None, "12:00"),
        ],
        day=today,
        by=dispatcher,
    )
    first, second, third = (s for s in route.stops if s.kind == "pickup")
    frozen_clock(at(today, "09:02"))
    auth.login(world["other_driver"].email)
    submit(client, f"/driver/stops/{first.id}/arrive", {}, page="/driver/")
    states = live_ops.stop_states(route.plan)
    assert states[second.id].planned == first.arrival and states[second.id].drift_s == 120
    assert states[first.id].drift_s == 120 and states[third.id].planned == third.arrival
    frozen_clock(at(today, "10:20"))  # no news at the next place: late from its own arrival
    assert live_ops.stop_states(route.plan)[third.id].drift_s == 20 * 60


def test_the_owners_of_bookings_at_one_place_are_told_the_trucks_arrival_there(app, world):
    """Publishing told the second booking at a place its loading's start (09:18) as the
    truck's expected arrival, though the truck is there from 09:00."""
    dealer, dispatcher = world["dealer"], world["dispatcher"]
    b1, _, _ = (db.session.get(Booking, i) for i in world["bookings"])
    here = [book(dealer, b1.site, [lot()], dispatcher) for _ in range(2)]
    day = db.session.get(Booking, here[0]).pickup_date
    route = make_route(
        world["trucks"][1],
        [("start", None, "07:30"), ("pickup", here[0], "09:00"), ("pickup", here[1], "09:18")],
        day=day,
        status=PlanStatus.DRAFT,
        by=dispatcher,
    )
    shown = publish_preview.preview(route.plan).scheduled
    assert [x["arrival"] for x in shown] == [at(day, "09:00")] * 2
    publishing.publish_plan(dispatcher, route.plan_id, allow_unmanned=True)
    second = db.session.get(Booking, here[1])
    # from the window's opening (09:00), not half an hour before it: the truck waits
    assert second.eta_start == at(day, "09:00") and second.eta_end == at(day, "09:30")
    assert second.events[-1].detail["eta"] == "09:00"


def test_a_folded_stop_names_its_booking(client, auth, world):
    """Three folded stops at one site read the same but for their times: each names its
    booking, as a delivery's names its order."""
    auth.login(world["driver"].email)
    page = client.get("/driver/").get_data(as_text=True)
    for stop in db.session.get(PlanRoute, world["route_id"]).stops:
        if stop.kind == "pickup":
            head = page.split(f'id="stop-{stop.id}"')[1].split("</summary>")[0]
            assert f'<span class="nowrap">#{stop.booking_id}</span>' in head, head
