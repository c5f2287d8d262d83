"""Editing a draft plan by hand: move a booking to another truck or position."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import routing
from lithloop.extensions import db
from lithloop.models import PlanStatus, Site, SiteKind, Truck, User
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.plan_problem import build_day_problem
from lithloop.services.planning import _require_planner, fill_plan
from lithloop.services.publishing import get_plan


def _sequences(plan) -> dict[int, list]:
    """Each truck's stops as the evaluator takes them: booking ids and 'reload' marks."""
    seqs = {}
    for route in plan.routes:
        seq = []
        for stop in route.stops:
            if stop.kind == "pickup":
                seq.append(stop.booking_id)
            elif stop.kind == "reload":
                seq.append("reload")
        seqs[route.truck_id] = seq
    return seqs


def move_booking(user: User, plan_id: int, booking_id: int, truck_id: int,
                 position: int) -> None:
    """Put a booking on a truck at a position (1 = first pickup); times are recomputed.

    Refused, with what it would break, if the moved route misses a window, a shift or a
    capacity; the plan is unchanged then.
    """
    _require_planner(user)
    plan = get_plan(plan_id)
    if plan.status is not PlanStatus.DRAFT:
        raise Conflict(_l("Only a draft plan can be edited; run the day again to change a "
                          "published plan."), code="not_draft")
    bookings = {s.booking_id: s.booking for r in plan.routes for s in r.stops if s.booking_id}
    bookings.update({u.booking_id: u.booking for u in plan.unassigned})
    if booking_id not in bookings:
        raise NotFound(_l("This booking is not in the plan."), field="booking_id")
    trucks = list(db.session.scalars(sa.select(Truck).where(Truck.active.is_(True))
                                     .order_by(Truck.id)))
    if truck_id not in {t.id for t in trucks}:
        raise NotFound(_l("No such truck."), field="truck_id")
    seqs = _sequences(plan)
    for seq in seqs.values():
        if booking_id in seq:
            seq.remove(booking_id)
    target = seqs.setdefault(truck_id, [])
    pickups = [i for i, x in enumerate(target) if x != "reload"]
    if not 1 <= position <= len(pickups) + 1:
        raise Invalid(_l("Choose a position from 1 to %(n)s.", n=len(pickups) + 1),
                      field="position")
    at = pickups[position - 1] if position <= len(pickups) else len(target)
    target.insert(at, booking_id)
    park = db.session.scalar(sa.select(Site).where(Site.kind == SiteKind.PARK))
    ordered = [bookings[b] for b in sorted(bookings)]
    day = build_day_problem(plan.plan_date, ordered, trucks, park)
    solution, violations = routing.evaluate(day.problem, seqs)
    if violations:
        raise Invalid(_l("This move breaks the plan: %(why)s", why="; ".join(violations[:3])),
                      field="position", code="infeasible_move")
    locked = {r.truck_id for r in plan.routes if r.locked}
    reasons = {u.booking_id: (u.reason, u.message) for u in plan.unassigned}
    with db.session.no_autoflush:
        plan.routes.clear()
        plan.unassigned.clear()
        db.session.flush()
        fill_plan(plan, day, solution, locked=locked, reasons=reasons)
    db.session.commit()
