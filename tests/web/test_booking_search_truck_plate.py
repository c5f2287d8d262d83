"""The bookings list's plate search finds the bookings the truck of a published plan picks
up: the owner's letter names that truck ("the truck 黑C·T0001 comes…"), and searching for
it found nothing, as only the retired buses' plates were searched."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import Booking, PlanStatus
from tests import worlds
from tests.route_world import book, lot, make_route

world = worlds.published_route


def _listed(client, q: str) -> str:
    return client.get("/bookings/", query_string={"q": q}).get_data(as_text=True)


def test_the_trucks_plate_finds_the_bookings_it_picks_up(client, auth, world):
    first_truck, other_truck = world["trucks"][:2]
    b1, b2, b3 = world["bookings"]
    dealer, dispatcher = world["dealer"], world["dispatcher"]
    site = db.session.get(Booking, b1).site
    drafted = book(dealer, site, [lot()], dispatcher)  # only on a draft plan: not found
    day = db.session.get(Booking, drafted).pickup_date
    make_route(
        other_truck,
        [("start", None, "07:30"), ("pickup", drafted, "09:00")],
        day=day,
        status=PlanStatus.DRAFT,
        by=dispatcher,
    )
    auth.login(dealer.email)
    page = _listed(client, first_truck.plate)
    for booking_id in (b1, b2, b3):
        assert f'/bookings/{booking_id}"' in page, page
    assert f'/bookings/{drafted}"' not in page
    assert f'/bookings/{drafted}"' not in _listed(client, other_truck.plate)
    typed = first_truck.plate.replace("C", "Ｃ").lower()  # a Chinese keyboard, lower case
    assert f'/bookings/{b1}"' in _listed(client, typed)
    assert "收运货车车牌" in page  # the field says what it searches
