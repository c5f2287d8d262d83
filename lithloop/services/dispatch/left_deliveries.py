"""Marketplace deliveries a plan left out: kept in the plan's stored solution (its
`unassigned` entries whose id is a delivery stop id), read back with their orders; at
publishing they stay due and their buyers are told (left_at_publishing.py). Where a
delivery stands for its buyer (outlook: the order page and the API's order body) is read
here too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Plan
from lithloop.models.market import Order, OrderStatus
from lithloop.services.dispatch.problem import order_of_stop_id
from lithloop.vocab import DeliveryState, ShippedLeftOut

PREFIX = "order-"  # problem.order_stop_id
#: An order still to deliver (day_work.due_deliveries' statuses).
DUE = (OrderStatus.PAID, OrderStatus.PACKED)
#: An order a truck may still hand over: due, or shipped (its packs left the park on the
#: truck of the day's plan); the driver's record and publishing both check it.
DELIVERABLE = (*DUE, OrderStatus.SHIPPED)


def ended(order: Order, day: date) -> bool:
    """An order a truck of `day` can no longer take: refunded or cancelled, delivered (by
    another plan's truck or by hand), or shipped otherwise than on a truck of the day's
    published plan (its delivery day not this one). Publishing refuses a plan that would
    deliver it; a run takes it off a route it keeps as it is."""
    shipped_otherwise = order.status is OrderStatus.SHIPPED and order.delivery_date != day
    return order.delivered_at is not None or order.status not in DELIVERABLE or shipped_otherwise


#: Reasons a later plan can cure (another day, its roster, its load); for the others (too
#: far, too heavy) the next run leaves the delivery out again: the buyer is asked to call.
LATER_HELPS = ("day_full", "skill_missing", "window_unreachable", *ShippedLeftOut)
#: A shipped order's reasons (shipped.Stranded): its packs come back to the park, and any
#: truck of a later day may take it.
SHIPPED = tuple(ShippedLeftOut)


@dataclass(frozen=True)
class LeftDelivery:
    """A delivery a plan could not fit, with the solver's reason code and sentence."""

    order: Order
    reason: str
    message: str
    truck: str = ""  # the plate of the truck its packs are on (a shipped order's)


def _entries(solution: dict | None) -> list[dict]:
    return [
        u
        for u in (solution or {}).get("unassigned", [])
        if isinstance(u, dict) and str(u.get("id", "")).startswith(PREFIX)
    ]


def _order_id(entry: dict) -> int | None:
    return order_of_stop_id(entry["id"])


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
        LeftDelivery(
            o,
            entries[o.id].get("reason", ""),
            entries[o.id].get("reason_text", ""),
            str(entries[o.id].get("truck", "")),
        )
        for o in orders
        if o.delivered_at is None
    ]


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


#: Statuses in which a delivery day set by a published plan is shown as the order's day.
PLANNED = (*DELIVERABLE, OrderStatus.DELIVERED)
#: Statuses that end an order: unless its packs were handed over first, nothing is
#: delivered (or collected).
ENDED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


@dataclass(frozen=True)
class Outlook:
    """Where an order's delivery stands for its buyer (the order page and the API say the
    same): its state, the day of the published plan that carries it (planned), or the
    published plan that last left it out (rescheduling, contact_park)."""

    state: DeliveryState
    planned_day: date | None = None
    left_out: LeftOutOf | None = None
    due_from: date | None = None  # brought back to the park undelivered: due again from


def outlook(order: Order) -> Outlook:
    """Where one order's delivery stands (see outlooks)."""
    return outlooks([order])[order.id]


def outlooks(orders: list[Order]) -> dict[int, Outlook]:
    """Order id -> where its delivery stands: none, the order cancelled or refunded in full
    before its packs were handed over; picked up at the park; on the routes of the day a
    published plan set (delivery_date; delivered there, refunded since or not); left out
    by the last published plan that named it, its buyer told (tell_buyers), no published
    plan carrying it since; brought back to the park undelivered (its day over, or its truck
    not sent with it), due again from a day (rescheduling); delivered with no plan's day
    (marked delivered by hand: no outlook, checkout's day no longer holds); else expected on
    checkout's day. One query for all the orders."""
    left = _left_out([o for o in orders if _may_be_left_out(o)])
    found = {}
    for order in orders:
        if order.status in ENDED and order.delivered_at is None:
            found[order.id] = Outlook(DeliveryState.NONE)
        elif order.delivery_kind != "address":
            found[order.id] = Outlook(DeliveryState.PICKUP)
        elif order.delivery_date is not None and (
            order.status in PLANNED or order.delivered_at is not None
        ):
            found[order.id] = Outlook(DeliveryState.PLANNED, planned_day=order.delivery_date)
        elif order.delivered_at is not None:
            found[order.id] = Outlook(DeliveryState.DELIVERED)
        elif (entry := left.get(order.id)) is not None:
            state = DeliveryState.RESCHEDULING if entry.later_helps else DeliveryState.CONTACT_PARK
            found[order.id] = Outlook(state, left_out=entry)
        elif order.due_from is not None and _may_be_left_out(order):
            # brought back to the park undelivered (delivery_back): due again, no plan yet
            found[order.id] = Outlook(DeliveryState.RESCHEDULING, due_from=order.due_from)
        else:
            found[order.id] = Outlook(DeliveryState.EXPECTED)
    return found


def _may_be_left_out(order: Order) -> bool:
    """A due delivery no published plan carries (a plan that does sets its delivery day)."""
    return (
        order.delivery_kind == "address"
        and order.delivery_date is None
        and order.delivered_at is None
        and order.status in DUE
    )


def _left_out(orders: list[Order]) -> dict[int, LeftOutOf]:
    """Order id -> the published plan that left its delivery out, for the orders whose last
    published plan (in force or superseded since) naming the delivery left it out."""
    stop_ids = {f"{PREFIX}{o.id}": o.id for o in orders}
    if not stop_ids:
        return {}
    text = sa.cast(Plan.solution, sa.Text)
    paid = [o.paid_at for o in orders]
    # No plan of a day before an order was paid can name it: only those days' plans are
    # read, not the whole history of published plans (a day's margin for Beijing's date).
    since = (min(paid) - timedelta(days=1)).date() if all(paid) else date.min
    rows = db.session.execute(
        sa.select(Plan.plan_date, Plan.solution)
        .where(
            Plan.published_at.is_not(None),
            Plan.plan_date >= since,
            sa.or_(*(text.contains(f'"{stop_id}"') for stop_id in sorted(stop_ids))),
        )
        .order_by(Plan.published_at.desc(), Plan.id.desc())
        .limit(1 if len(stop_ids) == 1 else None)
    )
    found, pending = {}, set(stop_ids)
    for day, solution in rows:
        named = {s for s in pending if f'"{s}"' in json.dumps(solution)}
        entries = {str(e["id"]): e for e in _entries(solution)}
        for stop_id in named:
            if stop_id in entries:
                found[stop_ids[stop_id]] = LeftOutOf(day, str(entries[stop_id].get("reason", "")))
        pending -= named
        if not pending:
            break
    return found


def carry(before: dict | None, after: dict) -> dict:
    """`after` (a plan's new stored solution) with the left-out deliveries of `before` that
    it neither routes nor leaves out itself (a hand edit plans only the routed ones)."""
    seen = {str(u.get("id")) for u in after.get("unassigned", [])}
    seen |= {str(s.get("id")) for r in after.get("routes", []) for s in r.get("steps", [])}
    kept = [u for u in _entries(before) if str(u["id"]) not in seen]
    if not kept:
        return after
    return {**after, "unassigned": [*after.get("unassigned", []), *kept]}


def add_left_out(solution: dict, entries: list[dict]) -> dict:
    """A plan's stored solution with more left-out deliveries (`unassigned` entries:
    shipped.Stranded's, left out before the solve), its summary counting them."""
    if not entries:
        return solution
    unassigned = [*solution.get("unassigned", []), *entries]
    summary = {**solution.get("summary", {}), "unassigned": len(unassigned)}
    return {**solution, "unassigned": unassigned, "summary": summary}
