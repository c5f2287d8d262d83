"""Inserting an urgent booking into the published plan by hand: a new draft with the booking
at its cheapest feasible place, the stops already done kept as they are.

The edit locks the plan it reads first (publishing.py gives the lock order).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, routing
from lithloop.db import atomic, write_lock_on_sqlite
from lithloop.extensions import db
from lithloop.models import Plan, PlanStatus, User
from lithloop.services.dispatch import day_work, left_deliveries, urgent_drafts
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.plan_sequences import (
    active_trucks,
    day_problem,
    locked_stops,
    plan_bookings,
    route_sequences,
)
from lithloop.services.dispatch.plan_store import fill_plan
from lithloop.services.dispatch.planning import require_planner
from lithloop.services.dispatch.problem import order_stop_id
from lithloop.services.dispatch.publishing import get_plan
from lithloop.services.dispatch.run_control import URGENT_LINE
from lithloop.services.errors import Conflict, Invalid, NotFound


def insert_urgent(user: User, plan_id: int, booking_id: int):
    """A new draft: the published plan with one more booking at its cheapest feasible place.

    Stops already done stay where they are; no other booking moves. Asked again (back
    button, double tap), it answers the draft it already made.
    """
    require_planner(user)
    return atomic(lambda: _insert_urgent(user, plan_id, booking_id))


def _insert_urgent(user: User, plan_id: int, booking_id: int) -> Plan:
    from lithloop.models import Booking, BookingStatus, PlanRun, RunStatus

    write_lock_on_sqlite()  # a second insert at once waits, then finds the first's draft
    plan = get_plan(plan_id, lock=True)
    if plan.status is not PlanStatus.PUBLISHED:
        raise Conflict(_l("Urgent bookings go into the published plan."), code=Code.NOT_PUBLISHED)
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.pickup_date != plan.plan_date:
        raise NotFound(_l("No such booking on this day."), field="booking_id")
    if booking.status is not BookingStatus.REQUESTED:
        raise Conflict(
            _l(
                "%(what)s; only a booking not planned yet can be inserted.",
                what=labels.clause(labels.BOOKING_IS, booking.status, booking.id),
            ),
            code=Code.NOT_REQUESTED,
        )
    day_work.refuse_unapproved(booking)  # as a run leaves it out
    made = urgent_drafts.draft_holding(plan, booking.id)
    if made is not None:
        return made
    trucks = active_trucks()
    bookings = {**plan_bookings(plan), booking.id: booking}
    day = day_problem(plan, bookings, trucks)
    base = route_sequences(plan)
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
        runner=urgent_drafts.MANUAL,
        status=RunStatus.SUCCEEDED,
        started_at=clock.now(),
        finished_at=clock.now(),
        progress=[],
        log="\n".join([URGENT_LINE.format(id=booking.id), *day.problem.notes]),
    )
    draft = Plan(
        run=run, plan_date=plan.plan_date, solution=left_deliveries.carry(plan.solution, {})
    )
    db.session.add_all([run, draft])
    locked = {r.truck_id for r in plan.routes if r.locked}
    reasons = {u.booking_id: (u.reason, u.message) for u in plan.unassigned}
    with db.session.no_autoflush:
        fill_plan(
            draft, day, best[0], locked=locked, reasons=reasons, locked_stops=locked_stops(plan)
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
