"""Bookings at one place are one location of the day's problem: the truck sets up there
once (parking, papers) and then loads each booking's packs."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop import routing
from lithloop.extensions import db
from lithloop.models import Booking, Truck
from lithloop.services.booking import prices as price_service
from lithloop.services.dispatch.problem import SITE_SETUP_S, build_day_problem, park_site
from tests.factories import make_park
from tests.route_world import book_places
from tests.web.test_bookings import open_day

YARD, HAILIN = (44.60, 129.60), (44.57, 129.39)


def test_bookings_at_one_place_share_its_location_and_one_setup(app):
    price_service.ensure_default_index()
    make_park(payload_kg=12000, trucks=1)
    day = open_day(2)
    ids = book_places(day, [YARD] * 4 + [HAILIN], name="同址网点")
    bookings = [db.session.get(Booking, i) for i in ids]
    trucks = list(db.session.scalars(sa.select(Truck)))
    problem = build_day_problem(day, bookings, trucks, park_site()).problem
    yard = {s.location for s in problem.stops[:4]}
    assert len(yard) == 1 and 0 not in yard  # one place, not the park
    assert problem.stops[4].location not in yard
    assert all(s.setup_s == SITE_SETUP_S for s in problem.stops)
    solution = routing.solve(problem, time_limit_s=1.0, use_vroom=False, use_pyvrp=False)
    assert not solution.unassigned
    there = [st for st in solution.routes[0].steps if st.location in yard]
    assert len(there) == 4
    one_pack = problem.stops[0].service_s
    assert there[-1].departure - there[0].service_start == SITE_SETUP_S + 4 * one_pack
