"""At publishing, the marketplace deliveries a plan leaves out (left_deliveries.left_out):
those still to deliver stay due, and their buyers are told why and what happens next."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import labels, letters
from lithloop.extensions import db
from lithloop.models import Plan, PlanStatus
from lithloop.models.market import OrderStatus
from lithloop.services.dispatch import delivery_back
from lithloop.services.dispatch.left_deliveries import (
    DUE,
    LATER_HELPS,
    SHIPPED,
    LeftDelivery,
    left_out,
    order_ids,
)


def keep_due(plan: Plan) -> list[LeftDelivery]:
    """At publishing: the deliveries the plan leaves out that are still to deliver and not
    on another day's plan. One an earlier published plan of the day had routed (its
    delivery day set) is due again, its day cleared: the next run, of this day or a later
    one, plans it again (day_work.due_deliveries). One shipped on a truck of the day (its
    packs on it) is not delivered that day either: its packs come back to the park, and it
    is packed again and due from the next open day (delivery_back.back_to_park)."""
    routed = {s.order_id for r in plan.routes for s in r.stops if s.order_id}
    kept = []
    for left in left_out(plan):
        order = left.order
        if order.id in routed:
            continue
        if order.status is OrderStatus.SHIPPED and order.delivery_date == plan.plan_date:
            # shipped on a truck of the day that this plan does not send with it: the
            # delivery is not made that day, the packs come back to the park
            delivery_back.back_to_park(order, plan.plan_date, left.truck, left.reason)
            kept.append(left)
            continue
        if order.status not in DUE:
            continue
        if order.delivery_date not in (None, plan.plan_date):
            continue  # another day's published plan delivers it
        order.delivery_date = None
        kept.append(left)
    return kept


def left_out_before(plan: Plan) -> set[int]:
    """The orders whose delivery the day's published plan (the one publishing this plan
    supersedes) left out too: their buyers were told for the day already."""
    published = db.session.scalar(
        sa.select(Plan).where(
            Plan.plan_date == plan.plan_date,
            Plan.status == PlanStatus.PUBLISHED,
            Plan.id != plan.id,
        )
    )
    return order_ids(published) if published is not None else set()


def tell_buyers(plan: Plan, left: list[LeftDelivery]) -> None:
    """At publishing: each buyer of a delivery the plan leaves out (keep_due's, one letter
    each) is told, in their language, why and what happens next; once for the day, not
    again when a later plan of the day leaves it out too (newly left out: told again)."""
    told = left_out_before(plan)
    for d in left:
        order = d.order
        if order.id in told:
            continue
        letters.send_letter(
            order.user,
            _l("Order #%(id)s: no delivery on %(day)s"),
            _l(
                "Order #%(id)s could not be fitted into the park's delivery routes of "
                "%(day)s: %(why)s\n%(next)s\n%(link)s\n"
            ),
            id=order.id,
            day=plan.plan_date.isoformat(),
            why=labels.LEFT_OUT_DELIVERY_REASON.get(d.reason)
            or (
                _l("the truck its packs are on does not go there that day")
                if d.reason in SHIPPED
                else d.message
            ),
            next=_back_at_park(order, d.truck)
            if d.reason in SHIPPED
            else _l(
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


def _back_at_park(order, plate: str):
    """What happens to a shipped delivery left out: its packs come back, and it is due
    again from its day (a sentence without the day when none is set: no "from ." left)."""
    if order.due_from is None:
        return _l(
            "Its packs come back to the park from truck %(plate)s, and it stays due for "
            "delivery: the park plans it again with its next routes, and you get a message "
            "with the day and time once it is on a truck. You may also contact the park.",
            plate=plate,
        )
    return _l(
        "Its packs come back to the park from truck %(plate)s, and it stays due for "
        "delivery from %(first)s: the park plans it again with its next routes, and "
        "you get a message with the day and time once it is on a truck. You may also "
        "contact the park.",
        plate=plate,
        first=order.due_from.isoformat(),
    )
