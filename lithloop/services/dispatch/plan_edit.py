"""Editing a draft plan by hand: move a booking to another truck or position, lock a stop.

Inserting an urgent booking into the published plan is urgent_insert.py (insert_urgent is
re-exported here for its callers: the plan pages and the tests).

Each edit locks the plan it reads first (publishing.py gives the lock order), so an edit
and a publish of the same plan run one after the other, never interleaved.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import routing
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.models import PlanRoute, PlanStatus, PlanStop, Truck, User
from lithloop.services.dispatch import day_work, under_way
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.plan_refusals import refusal
from lithloop.services.dispatch.plan_sequences import (
    active_trucks,
    day_problem,
    locked_stops,
    plan_bookings,
    route_sequences,
)
from lithloop.services.dispatch.plan_store import fill_plan
from lithloop.services.dispatch.planning import require_planner
from lithloop.services.dispatch.problem import order_of_stop_id
from lithloop.services.dispatch.publishing import get_plan
from lithloop.services.dispatch.urgent_insert import insert_urgent as insert_urgent
from lithloop.services.errors import Conflict, Invalid, NotFound


def move_booking(user: User, plan_id: int, booking_id: int, truck_id: int, position: int) -> None:
    """Put a booking on a truck at a position (1 = first pickup); times are recomputed.

    Refused, with what it would break, if the moved route misses a window, a shift or a
    capacity; the plan is unchanged then.
    """
    require_planner(user)
    atomic(lambda: _move(plan_id, booking_id, truck_id, position))


def _move(plan_id: int, booking_id: int, truck_id: int, position: int) -> None:
    plan = get_plan(plan_id, lock=True)
    if plan.status is not PlanStatus.DRAFT:
        raise Conflict(
            _l("Only a draft plan can be edited; run the day again to change a published plan."),
            code=Code.NOT_DRAFT,
        )
    if under_way.has_done_stops(plan):
        # a move re-simulates every route from the park: the done stops would be planned again
        raise Conflict(
            _l(
                "Trucks of this day are on the road and some stops are done: a move by hand "
                "would plan them again. Re-plan the rest of the day instead."
            ),
            code=Code.UNDER_WAY,
        )
    bookings = plan_bookings(plan)
    if booking_id not in bookings:
        raise NotFound(_l("This booking is not in the plan."), field="booking_id")
    trucks = active_trucks()
    if truck_id not in {t.id for t in trucks}:
        raise NotFound(_l("No such truck."), field="truck_id")
    seqs = route_sequences(plan)
    for seq in seqs.values():
        if booking_id in seq:
            seq.remove(booking_id)
    target = seqs.setdefault(truck_id, [])
    pickups = [i for i, x in enumerate(target) if x != "reload"]
    if not 1 <= position <= len(pickups) + 1:
        raise Invalid(
            _l("This truck has no other pickups: the only position is 1.")
            if not pickups
            else _l("Choose a position from 1 to %(n)s.", n=len(pickups) + 1),
            field="position",
        )
    at = pickups[position - 1] if position <= len(pickups) else len(target)
    target.insert(at, booking_id)
    _require_shipped_on_their_trucks(plan, seqs)
    day = day_problem(plan, bookings, trucks)
    solution, violations = routing.evaluate(day.problem, seqs)
    if violations:
        raise Invalid(
            _l("This move breaks the plan: %(why)s", why=refusal(day, violations)),
            field="position",
            code=Code.INFEASIBLE_MOVE,
        )
    locked = {r.truck_id for r in plan.routes if r.locked}
    reasons = {u.booking_id: (u.reason, u.message) for u in plan.unassigned}
    pins = locked_stops(plan)
    with db.session.no_autoflush:
        plan.routes.clear()
        plan.unassigned.clear()
        db.session.flush()
        fill_plan(plan, day, solution, locked=locked, reasons=reasons, locked_stops=pins)


def _require_shipped_on_their_trucks(plan, seqs: dict[int, list]) -> None:
    """Refuse a hand edit that leaves a delivery shipped on a truck of the day's published
    plan (its packs on that truck) on another truck: that truck has not got the packs."""
    shipped = day_work.shipped_on_trucks(plan.plan_date)
    for truck_id, seq in seqs.items():
        for item in seq:
            found = shipped.get(order_of_stop_id(item))
            if found is None or found[1] == truck_id:
                continue
            order, on = found
            raise Conflict(
                _l(
                    "Order #%(id)s was shipped on truck %(on)s: its packs are on that truck, "
                    "so its delivery cannot go with %(other)s. Run the day again: the run "
                    "keeps the delivery on %(on)s.",
                    id=order.id,
                    on=_plate(on),
                    other=_plate(truck_id),
                ),
                field="truck_id",
                code=Code.SHIPPED_ON_TRUCK,
            )


def _plate(truck_id: int) -> str:
    truck = db.session.get(Truck, truck_id)
    return truck.plate if truck else str(truck_id)


def set_stop_lock(user: User, stop_id: int, locked: bool):
    """Lock a stop to its truck for the next run, or unlock it (a state, not a toggle)."""
    require_planner(user)
    plan_id = db.session.scalar(
        sa.select(PlanRoute.plan_id).join(PlanStop).where(PlanStop.id == stop_id)
    )
    plan = get_plan(plan_id, lock=True) if plan_id is not None else None
    stop = (
        next((s for r in plan.routes for s in r.stops if s.id == stop_id), None) if plan else None
    )
    if stop is None or stop.booking_id is None or plan.status is PlanStatus.SUPERSEDED:
        db.session.rollback()
        raise NotFound(_l("No such stop."))
    stop.locked = locked
    db.session.commit()
    return stop
