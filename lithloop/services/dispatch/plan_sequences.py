"""A plan as the routing evaluator sees it, for the edits by hand (plan_edit.py,
urgent_insert.py): each truck's sequence, the bookings covered, the trucks in service and
the day's routing problem.
"""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Truck
from lithloop.services.dispatch import kept_route, roster
from lithloop.services.dispatch.problem import build_day_problem, park_site


def route_sequences(plan) -> dict[int, list]:
    """Each truck's stops as the evaluator takes them: booking ids, delivery stop ids and
    'reload' marks (kept_route.sequence)."""
    return {route.truck_id: kept_route.sequence(route) for route in plan.routes}


def plan_bookings(plan) -> dict:
    """Every booking a plan covers, routed or left out, by id."""
    bookings = {s.booking_id: s.booking for r in plan.routes for s in r.stops if s.booking_id}
    bookings.update({u.booking_id: u.booking for u in plan.unassigned})
    return bookings


def active_trucks() -> list[Truck]:
    """The trucks in service, by id."""
    return list(
        db.session.scalars(sa.select(Truck).where(Truck.active.is_(True)).order_by(Truck.id))
    )


def day_problem(plan, bookings: dict, trucks: list[Truck]):
    """The routing problem of the plan's day over these bookings and trucks, and the trucks
    of the plan's routes (one made inactive since keeps its route as it is: no stop is
    moved onto it, and its stops may be moved off it)."""
    orders = {s.order_id: s.order for r in plan.routes for s in r.stops if s.order_id}
    ids = {t.id for t in trucks}
    routed = {r.truck_id: r.truck for r in plan.routes if r.truck_id not in ids}
    return build_day_problem(
        plan.plan_date,
        [bookings[b] for b in sorted(bookings)],
        [*trucks, *(routed[t] for t in sorted(routed))],
        park_site(),
        orders=[orders[o] for o in sorted(orders)],
        shifts=roster.shifts(plan.plan_date),
    )


def locked_stops(plan) -> frozenset:
    """The bookings whose stops the dispatcher locked to their truck in this plan."""
    return frozenset(s.booking_id for r in plan.routes for s in r.stops if s.locked)
