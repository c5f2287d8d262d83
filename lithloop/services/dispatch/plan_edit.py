"""Editing a draft plan by hand: move a booking to another truck or position.

Each edit locks the plan it reads first (publishing.py gives the lock order), so an edit
and a publish of the same plan run one after the other, never interleaved.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, routing
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.models import Plan, PlanRoute, PlanStatus, PlanStop, Truck, User
from lithloop.services.dispatch import day_work, kept_route, left_deliveries, roster, under_way
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.plan_refusals import refusal
from lithloop.services.dispatch.plan_store import fill_plan
from lithloop.services.dispatch.planning import require_planner
from lithloop.services.dispatch.problem import (
    build_day_problem,
    order_of_stop_id,
    order_stop_id,
    park_site,
)
from lithloop.services.dispatch.publishing import get_plan
from lithloop.services.errors import Conflict, Invalid, NotFound


def _sequences(plan) -> dict[int, list]:
    """Each truck's stops as the evaluator takes them: booking ids, delivery stop ids and
    'reload' marks (kept_route.sequence)."""
    return {route.truck_id: kept_route.sequence(route) for route in plan.routes}


def _plan_bookings(plan) -> dict:
    """Every booking a plan covers, routed or left out, by id."""
    bookings = {s.booking_id: s.booking for r in plan.routes for s in r.stops if s.booking_id}
    bookings.update({u.booking_id: u.booking for u in plan.unassigned})
    return bookings


def _active_trucks() -> list[Truck]:
    return list(
        db.session.scalars(sa.select(Truck).where(Truck.active.is_(True)).order_by(Truck.id))
    )


def _day_problem(plan, bookings: dict, trucks: list[Truck]):
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
    bookings = _plan_bookings(plan)
    if booking_id not in bookings:
        raise NotFound(_l("This booking is not in the plan."), field="booking_id")
    trucks = _active_trucks()
    if truck_id not in {t.id for t in trucks}:
        raise NotFound(_l("No such truck."), field="truck_id")
    seqs = _sequences(plan)
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
    day = _day_problem(plan, bookings, trucks)
    solution, violations = routing.evaluate(day.problem, seqs)
    if violations:
        raise Invalid(
            _l("This move breaks the plan: %(why)s", why=refusal(day, violations)),
            field="position",
            code=Code.INFEASIBLE_MOVE,
        )
    locked = {r.truck_id for r in plan.routes if r.locked}
    reasons = {u.booking_id: (u.reason, u.message) for u in plan.unassigned}
    pins = _locked_stops(plan)
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


def insert_urgent(user: User, plan_id: int, booking_id: int):
    """A new draft: the published plan with one more booking at its cheapest feasible place.

    Stops already done stay where they are; no other booking moves.
    """
    require_planner(user)
    return atomic(lambda: _insert_urgent(user, plan_id, booking_id))


def _insert_urgent(user: User, plan_id: int, booking_id: int) -> Plan:
    from lithloop.models import Booking, BookingStatus, PlanRun, RunStatus

    plan = get_plan(plan_id, lock=True)
    if plan.status is not PlanStatus.PUBLISHED:
        raise Conflict(_l("Urgent bookings go into the published plan."), code=Code.NOT_PUBLISHED)
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.pickup_date != plan.plan_date:
        raise NotFound(_l("No such booking on this day."), field="booking_id")
    if booking.status is not BookingStatus.REQUESTED:
        raise Conflict(
            _l(
                "Booking #%(id)s is already %(s)s.",
                id=booking.id,
                s=labels.BOOKING_STATUS[booking.status.value],
            ),
            code=Code.NOT_REQUESTED,
        )
    day_work.refuse_unapproved(booking)  # as a run leaves it out
    trucks = _active_trucks()
    bookings = {**_plan_bookings(plan), booking.id: booking}
    day = _day_problem(plan, bookings, trucks)
    base = _sequences(plan)
    best = None
    for truck in trucks:
        seq = base.get(truck.id, [])
        old = _old(plan, truck.id)
        first_free = _first_free(old) if old is not None else 0
        if first_free is None:
            continue  # its day is over: back at the park for good
        for at in range(first_free, len(seq) + 1):
            trial = {**base, truck.id: [*seq[:at], booking.id, *seq[at:]]}
            solution, violations = routing.evaluate(day.problem, trial)
            if not violations and (best is None or solution.distance < best[0].distance):
                best = (solution, truck.id)
    if best is None:
        raise Invalid(
            _l(
                "No truck can take this booking today without breaking a window, "
                "a shift or a capacity; plan it for another day."
            ),
            field="booking_id",
            code=Code.NO_ROOM,
        )
    run = PlanRun(
        plan_date=plan.plan_date,
        time_limit_s=1,
        created_by=user,
        runner="manual",
        status=RunStatus.SUCCEEDED,
        started_at=clock.now(),
        finished_at=clock.now(),
        progress=[],
        log=f"urgent booking #{booking.id} inserted by hand",
    )
    draft = Plan(
        run=run, plan_date=plan.plan_date, solution=left_deliveries.carry(plan.solution, {})
    )
    db.session.add_all([run, draft])
    locked = {r.truck_id for r in plan.routes if r.locked}
    reasons = {u.booking_id: (u.reason, u.message) for u in plan.unassigned}
    with db.session.no_autoflush:
        fill_plan(
            draft, day, best[0], locked=locked, reasons=reasons, locked_stops=_locked_stops(plan)
        )
        for new, old in ((r, _old(plan, r.truck.id)) for r in draft.routes):
            if old is not None:
                _carry_done(old, new)
    return draft


def _old(plan, truck_id):
    return next((r for r in plan.routes if r.truck_id == truck_id), None)


def _seq_id(stop):
    """A pickup's or delivery's id in the evaluator's sequences (None for the park's stops);
    read through the relationships: a new draft's stops have no foreign keys before the
    flush."""
    if stop.kind == "delivery" and stop.order is not None:
        return order_stop_id(stop.order.id)
    if stop.kind == "pickup" and stop.booking is not None:
        return stop.booking.id
    return None


def _first_free(route) -> int | None:
    """Where in the route's sequence (_sequences: pickups, deliveries, reloads) a new stop
    may go: after the last one done, a reload at the park included; None once its end is
    done (the truck's day is over)."""
    if route.over:
        return None
    in_seq = [s for s in route.stops if s.kind in ("pickup", "delivery", "reload")]
    return max((i + 1 for i, s in enumerate(in_seq) if s.done_at is not None), default=0)


def _carry_done(old, new) -> None:
    """Stops already done keep their record in the new draft: pickups and deliveries by
    what they are, the park's stops (start, reloads) by their place among their kind (the
    done part of a route comes before any insertion, so it is the same in both)."""
    done = {_seq_id(s): s.done_at for s in old.stops if s.done_at and _seq_id(s) is not None}
    for stop in new.stops:
        if _seq_id(stop) in done:
            stop.done_at = done[_seq_id(stop)]
    for kind in ("start", "reload"):
        was = [s for s in old.stops if s.kind == kind]
        now = [s for s in new.stops if s.kind == kind]
        for before, after in zip(was, now, strict=False):
            if before.done_at is not None:
                after.done_at = before.done_at


def _locked_stops(plan) -> frozenset:
    return frozenset(s.booking_id for r in plan.routes for s in r.stops if s.locked)


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
