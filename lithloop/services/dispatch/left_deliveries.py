"""Marketplace deliveries a plan left out: kept in the plan's stored solution (its
`unassigned` entries whose id is a delivery stop id), read back with their orders."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Plan
from lithloop.models.market import Order, OrderStatus

PREFIX = "order-"  # problem.order_stop_id
#: An order still to deliver (planning.due_deliveries' statuses).
DUE = (OrderStatus.PAID, OrderStatus.PACKED)


@dataclass(frozen=True)
class LeftDelivery:
    """A delivery a plan could not fit, with the solver's reason code and sentence."""

    order: Order
    reason: str
    message: str


def _entries(solution: dict | None) -> list[dict]:
    return [
        u
        for u in (solution or {}).get("unassigned", [])
        if isinstance(u, dict) and str(u.get("id", "")).startswith(PREFIX)
    ]


def _order_id(entry: dict) -> int | None:
    tail = str(entry["id"])[len(PREFIX) :]
    return int(tail) if tail.isascii() and tail.isdigit() else None


def left_out(plan: Plan) -> list[LeftDelivery]:
    """The deliveries the plan left out, by order number (not those since delivered)."""
    entries = {i: e for e in _entries(plan.solution) if (i := _order_id(e)) is not None}
    if not entries:
        return []
    orders = db.session.scalars(sa.select(Order).where(Order.id.in_(entries)).order_by(Order.id))
    return [
        LeftDelivery(o, entries[o.id].get("reason", ""), entries[o.id].get("reason_text", ""))
        for o in orders
        if o.delivered_at is None
    ]


def keep_due(plan: Plan) -> list[LeftDelivery]:
    """At publishing: the deliveries the plan leaves out that are still to deliver and not
    on another day's plan. One an earlier published plan of the day had routed (its
    delivery day set) is due again, its day cleared: the next run, of this day or a later
    one, plans it again (planning.due_deliveries)."""
    routed = {s.order_id for r in plan.routes for s in r.stops if s.order_id}
    kept = []
    for left in left_out(plan):
        order = left.order
        if order.id in routed or order.status not in DUE:
            continue
        if order.delivery_date not in (None, plan.plan_date):
            continue  # another day's published plan delivers it
        order.delivery_date = None
        kept.append(left)
    return kept


def carry(before: dict | None, after: dict) -> dict:
    """`after` (a plan's new stored solution) with the left-out deliveries of `before` that
    it neither routes nor leaves out itself (a hand edit plans only the routed ones)."""
    seen = {str(u.get("id")) for u in after.get("unassigned", [])}
    seen |= {str(s.get("id")) for r in after.get("routes", []) for s in r.get("steps", [])}
    kept = [u for u in _entries(before) if str(u["id"]) not in seen]
    if not kept:
        return after
    return {**after, "unassigned": [*after.get("unassigned", []), *kept]}
