"""Marketplace deliveries a plan left out: kept in the plan's stored solution (its
`unassigned` entries whose id is a delivery stop id), read back with their orders; at
publishing they stay due and their buyers are told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import labels, letters
from lithloop.extensions import db
from lithloop.models import Plan
from lithloop.models.market import Order, OrderStatus

PREFIX = "order-"  # problem.order_stop_id
#: An order still to deliver (planning.due_deliveries' statuses).
DUE = (OrderStatus.PAID, OrderStatus.PACKED)
#: An order a truck may still hand over: due, or shipped (its packs left the park on the
#: truck of the day's plan); the driver's record and publishing both check it.
DELIVERABLE = (*DUE, OrderStatus.SHIPPED)
#: Reasons a later plan can cure (another day, its roster, its load); for the others (too
#: far, too heavy) the next run leaves the delivery out again: the buyer is asked to call.
LATER_HELPS = ("day_full", "skill_missing", "window_unreachable")


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


def order_ids(plan: Plan) -> set[int]:
    """The ids of the orders whose deliveries the plan leaves out (publishing locks them)."""
    return {i for e in _entries(plan.solution) if (i := _order_id(e)) is not None}


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


def tell_buyers(plan: Plan, left: list[LeftDelivery]) -> None:
    """At publishing: each buyer of a delivery the plan leaves out (keep_due's, one letter
    each) is told, in their language, why and what happens next."""
    for d in left:
        order = d.order
        letters.send_letter(
            order.user,
            _l("Order #%(id)s: no delivery on %(day)s"),
            _l(
                "Order #%(id)s could not be fitted into the park's delivery routes of "
                "%(day)s: %(why)s\n%(next)s\n%(link)s\n"
            ),
            id=order.id,
            day=plan.plan_date.isoformat(),
            why=labels.LEFT_OUT_DELIVERY_REASON.get(d.reason, d.message),
            next=_l(
                "It stays due for delivery: the park plans it again with its next routes, "
                "and you get a message with the day and time once it is on a truck. You may "
                "also contact the park."
            )
            if d.reason in LATER_HELPS
            else _l(
                "It stays due for delivery, but no truck can take it as things stand: "
                "please contact the park to agree how and when it is delivered."
            ),
            link=letters.link("market.order", order_id=order.id),
        )


@dataclass(frozen=True)
class LeftOutOf:
    """The published plan that last left a delivery out: its day and the reason's code."""

    day: date
    reason: str

    @property
    def later_helps(self) -> bool:
        """A later plan can take it (tell_buyers told the buyer it is planned again); else
        the buyer was asked to contact the park."""
        return self.reason in LATER_HELPS


def rescheduling(order: Order) -> LeftOutOf | None:
    """Why a due delivery no longer keeps the day checkout expected: a published plan left
    it out and its buyer was told (tell_buyers), and no published plan carries it since (a
    plan that does sets its delivery day). None for any other order."""
    if (
        order.delivery_kind != "address"
        or order.delivery_date is not None
        or order.delivered_at is not None
        or order.status not in DUE
    ):
        return None
    stop_id = f"{PREFIX}{order.id}"
    # the last plan published (in force or superseded since) that names the delivery
    last = db.session.execute(
        sa.select(Plan.plan_date, Plan.solution)
        .where(
            Plan.published_at.is_not(None),
            sa.cast(Plan.solution, sa.Text).contains(f'"{stop_id}"'),
        )
        .order_by(Plan.published_at.desc(), Plan.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return None
    entry = next((e for e in _entries(last.solution) if str(e["id"]) == stop_id), None)
    return LeftOutOf(last.plan_date, str(entry.get("reason", ""))) if entry else None


def carry(before: dict | None, after: dict) -> dict:
    """`after` (a plan's new stored solution) with the left-out deliveries of `before` that
    it neither routes nor leaves out itself (a hand edit plans only the routed ones)."""
    seen = {str(u.get("id")) for u in after.get("unassigned", [])}
    seen |= {str(s.get("id")) for r in after.get("routes", []) for s in r.get("steps", [])}
    kept = [u for u in _entries(before) if str(u["id"]) not in seen]
    if not kept:
        return after
    return {**after, "unassigned": [*after.get("unassigned", []), *kept]}
