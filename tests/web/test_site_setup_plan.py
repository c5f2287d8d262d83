"""Stops at one place share its location in the day's problem: the truck sets up there once
(parking, papers) and then loads each booking. A place is a site or a delivery address, not
a point: two buyers in one city, both at the city's point, are two places."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop import routing
from lithloop.extensions import db
from lithloop.models import Booking, Truck
from lithloop.routing.schedule import JOB, simulate
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import prices as price_service
from lithloop.services.dispatch.problem import (
    SITE_SETUP_S,
    TruckStart,
    build_day_problem,
    park_site,
)
from lithloop.services.market.checkout_input import parse_delivery
from tests.factories import make_org, make_park, make_site, make_user
from tests.market.test_deliveries import paid_delivery
from tests.route_world import book_places, lot
from tests.web.test_bookings import open_day

YARD, HAILIN = (44.60, 129.60), (44.57, 129.39)


def _yard_day(n: int = 4):
    """`n` bookings at one dealer's yard and one at Hailin, one truck."""
    price_service.ensure_default_index()
    make_park(payload_kg=12000, trucks=1)
    day = open_day(2)
    org = make_org(name="同址网点")
    yard, dealer = make_site(org, lat=YARD[0], lon=YARD[1]), make_user(org)
    raw = {"site_id": yard.id, "date": day.isoformat(), "window": ["08:00", "17:00"]}
    ids = [booking_service.book_pickup(dealer, {**raw, "lots": [lot()]})[0].id for _ in range(n)]
    ids += book_places(day, [HAILIN], name="海林网点")
    bookings = [db.session.get(Booking, i) for i in ids]
    return day, bookings, list(db.session.scalars(sa.select(Truck)))


def test_bookings_at_one_site_share_its_location_and_one_setup(app):
    day, bookings, trucks = _yard_day()
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


def test_another_dealers_site_at_the_same_point_is_another_place(app):
    day, bookings, trucks = _yard_day(1)
    bookings += [db.session.get(Booking, i) for i in book_places(day, [YARD], name="邻居")]
    problem = build_day_problem(day, bookings, trucks, park_site()).problem
    yard, neighbour = problem.stops[0], problem.stops[2]
    assert yard.location != neighbour.location
    assert problem.matrices.distance[yard.location, neighbour.location] == 0


def test_a_truck_still_at_the_yard_goes_on_without_a_second_setup(app):
    day, bookings, trucks = _yard_day(3)
    site = bookings[0].site
    here = TruckStart((site.lon, site.lat), 10 * 3600, (300, 1), 1, 7200, ("site", site.id))
    problem = build_day_problem(
        day, bookings, trucks, park_site(), starts={trucks[0].id: here}
    ).problem
    v = problem.vehicles[0]
    assert v.start == problem.stops[0].location  # it is at the yard
    sim = simulate(problem, v, [(JOB, i) for i in range(3)], depart=v.shift.start)
    assert sim.steps[1].departure - sim.steps[1].service_start == problem.stops[0].service_s


def test_two_buyers_in_one_city_are_two_places(app):
    make_park(payload_kg=12000, trucks=1)
    orders = []
    for street in ("东安区江滨大道1号", "西安区西新安街88号"):
        where = parse_delivery(
            {"kind": "address", "city": "牡丹江市", "address": street, "phone": "13904531234"}
        )
        order = paid_delivery()
        order.delivery_address = where["delivery_address"]
        order.delivery_lat, order.delivery_lon = where["delivery_lat"], where["delivery_lon"]
        orders.append(order)
    db.session.commit()
    assert (orders[0].delivery_lat, orders[0].delivery_lon) == (
        orders[1].delivery_lat,
        orders[1].delivery_lon,
    )  # the city's point
    trucks = list(db.session.scalars(sa.select(Truck)))
    p = build_day_problem(open_day(2), [], trucks, park_site(), orders=orders).problem
    a, b = p.stops
    assert a.location != b.location
    sim = simulate(p, p.vehicles[0], [(JOB, 0), (JOB, 1)])
    assert sim.steps[2].departure - sim.steps[2].service_start == SITE_SETUP_S + b.service_s
