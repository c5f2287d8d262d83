"""The expected arrival an owner is told stays inside the booked window.

A stop planned at the window's opening (09:00 for 09:00-11:00) was told "08:30-09:30": the
truck never comes before the window opens (it waits), so the range starts at 09:00; one
planned at its closing ends at 11:00."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import Booking, PlanStatus
from lithloop.services.dispatch import publishing
from tests import worlds
from tests.route_world import at, book, lot, make_route

world = worlds.published_route


def test_a_stop_planned_at_the_windows_start_is_expected_from_the_window_not_before(
    client, auth, world
):
    dealer, dispatcher = world["dealer"], world["dispatcher"]
    b1, b2, _ = (db.session.get(Booking, i) for i in world["bookings"])
    early = book(dealer, b1.site, [lot()], dispatcher)  # window 09:00-11:00
    late = book(dealer, b2.site, [lot()], dispatcher)
    day = db.session.get(Booking, early).pickup_date
    route = make_route(
        world["trucks"][1],
        [("start", None, "07:30"), ("pickup", early, "09:00"), ("pickup", late, "11:00")],
        day=day,
        status=PlanStatus.DRAFT,
        by=dispatcher,
    )
    publishing.publish_plan(dispatcher, route.plan_id, allow_unmanned=True)
    first, last = db.session.get(Booking, early), db.session.get(Booking, late)
    assert (first.eta_start, first.eta_end) == (at(day, "09:00"), at(day, "09:30"))
    assert (last.eta_start, last.eta_end) == (at(day, "10:30"), at(day, "11:00"))
    auth.login(dealer.email)
    page = client.get(f"/bookings/{early}").get_data(as_text=True)
    assert "09:00–09:30" in page and "08:30" not in page
