"""One source of distances: a site's quoted distance is its planned depot-to-site distance."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from lithloop.extensions import db
from lithloop.geo import park_place
from lithloop.models import Booking, Truck
from lithloop.services.booking import prices as price_service
from lithloop.services.dispatch.problem import build_day_problem, park_site
from tests.factories import make_park
from tests.json_stub import json_stub
from tests.route_world import book_places
from tests.web.test_bookings import open_day

# Muling, Suifenhe road, Hailin, Ning'an: 20-120 km from the park
SITES = [(44.92, 130.52), (44.60, 131.00), (44.57, 129.39), (44.33, 129.47)]
MOVED_PARK = (44.62, 129.75)  # (lat, lon): the depot stored about 12 km from the gazetteer's


def _road_table(path: str) -> dict:
    """An OSRM stand-in whose distances depend on the points (not on their order)."""
    pts = [
        tuple(map(float, p.split(",")))
        for p in path.split("/table/v1/driving/")[1].split("?")[0].split(";")
    ]
    dist = [[round(170_000 * (abs(a[0] - b[0]) + abs(a[1] - b[1]))) for b in pts] for a in pts]
    return {"code": "Ok", "distances": dist, "durations": [[d / 15 for d in r] for r in dist]}


def _book_and_plan():
    """Bookings at SITES (each quoted on booking) and the day's routing problem."""
    price_service.ensure_default_index()
    make_park(payload_kg=12000, trucks=2)
    depot = park_site()
    depot.lat, depot.lon = MOVED_PARK
    db.session.commit()
    day = open_day(2)
    ids = book_places(day, SITES, name="距离测试网点")
    bookings = [db.session.get(Booking, i) for i in ids]
    trucks = list(db.session.scalars(sa.select(Truck)))
    return bookings, build_day_problem(day, bookings, trucks, park_site()).problem


def _assert_quoted_equals_planned(bookings, problem):
    assert park_site() is not None and (park_place().lat, park_place().lon) != MOVED_PARK
    for i, booking in enumerate(bookings):
        quoted = Decimal(booking.quote["distance_km"])
        planned_m = int(problem.matrices.distance[0, i + 1])
        assert planned_m > 15_000
        assert quoted == (Decimal(planned_m) / 1000).quantize(Decimal("0.1")), booking.site.name


def test_quoted_distance_is_the_planned_depot_to_site_distance(app):
    bookings, problem = _book_and_plan()
    _assert_quoted_equals_planned(bookings, problem)


def test_quotes_and_plans_both_use_the_configured_osrm(app):
    with json_stub(_road_table) as osrm:
        current_app.config["OSRM_URL"] = osrm.url  # the test body runs in the twin app
        try:
            bookings, problem = _book_and_plan()
        finally:
            current_app.config["OSRM_URL"] = ""
        assert any("OSRM" in n for n in problem.notes), (problem.notes, osrm.seen)
        assert len(osrm.seen) >= len(SITES) + 1  # one table per quote, one for the plan
    _assert_quoted_equals_planned(bookings, problem)
