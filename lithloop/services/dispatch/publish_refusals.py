"""Why publishing refuses a plan: each check raises the Conflict that stops a publish, and
the caller (publishing.publish_plan, within its locks) publishes nothing, tells no one.

The plan is not a draft, a route has no driver (unless confirmed), or since the plan was
made a booking changed or another day's published plan routes it, or an order it delivers
ended (refunded, cancelled, delivered, shipped otherwise) or another day's published plan
carries it, or it was shipped on another truck than the one this plan sends with it."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import labels
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import (
    Booking,
    BookingStatus,
    Order,
    Plan,
    PlanRoute,
    PlanStatus,
    PlanStop,
    Truck,
)
from lithloop.services.booking import pickup_change
from lithloop.services.dispatch import left_deliveries, roster
from lithloop.services.dispatch.errors import Code
from lithloop.services.errors import Conflict

#: A routed booking's states that publishing accepts (refuse_if_changed).
PUBLISHABLE = (BookingStatus.REQUESTED, BookingStatus.SCHEDULED)


def refuse_unless_draft(plan: Plan) -> None:
    """Only a draft is published (the transaction rolled back first)."""
    if plan.status is not PlanStatus.DRAFT:
        db.session.rollback()
        raise Conflict(
            _l(
                "%(what)s; only a draft can be published.",
                what=labels.clause(labels.PLAN_IS, plan.status, plan.id),
            ),
            code=Code.NOT_DRAFT,
        )


def retired_words(plan: Plan):
    """The plates of the plan's trucks retired since it was made, in words; None if none."""
    if retired := sorted({r.truck.plate for r in plan.routes if not r.truck.active}):
        return _l(
            "%(p)s was retired after this plan was made: run the day again to plan "
            "without it, or put it back into service.",
            p=listed(retired),
        )
    return None


def refuse_if_retired(plan: Plan) -> None:
    """A route driven by a truck retired since the plan was made (the transaction rolled
    back first): the day is planned again without it."""
    if (words := retired_words(plan)) is not None:
        db.session.rollback()
        raise Conflict(
            words,
            code=Code.TRUCK_RETIRED,
        )


def refuse_if_unmanned(plan: Plan) -> None:
    """A route whose truck has no driver on the day's roster (the transaction rolled back
    first); the caller skips this check when publishing without them was confirmed."""
    if missing := roster.unmanned(plan):
        db.session.rollback()
        raise Conflict(
            _l(
                "No driver on %(p)s on %(d)s: put drivers on the roster, or confirm "
                "publishing without them.",
                p=listed([r.truck.plate for r in missing]),
                d=plan.plan_date.isoformat(),
            ),
            code=Code.NO_DRIVER,
        )


def rescheduled(plan: Plan, routes=None) -> set[int]:
    """The bookings the plan routes (on `routes`, default all of its routes) whose owner
    changed their day or time window since its run began (pickup_change.py): the plan
    routes them as they were. Asked once the bookings are locked, so a change committing
    meanwhile is seen."""
    stops = (s for r in (plan.routes if routes is None else routes) for s in r.stops)
    ids = {s.booking_id for s in stops if s.booking_id and not s.done_at}
    return pickup_change.rescheduled_among(ids, plan.run.created_at)


def booking_change(booking: Booking, changed: set[int] = frozenset()):
    """Why publishing refuses a booking the plan routes, in words, or None: no longer
    requested or scheduled, or its owner changed its day or window since the plan was made
    (its id in `changed`: rescheduled). The plan page's warning reads the same."""
    if booking.status not in PUBLISHABLE:
        return changed_words(booking)
    if booking.id in changed:
        return rescheduled_words(booking)
    return None


def refuse_if_changed(booking: Booking, changed: set[int] = frozenset()) -> None:
    """Conflict (booking_changed) when publishing refuses the booking (booking_change)."""
    words = booking_change(booking, changed)
    if words is not None:
        raise Conflict(words, code=Code.BOOKING_CHANGED)


def changed_words(booking: Booking):
    """What became of a booking since the plan was made, and what to do (run it again)."""
    return _l(
        "%(what)s since the plan was made; run the plan again.",
        what=labels.clause(labels.BOOKING_IS, booking.status, booking.id),
    )


def rescheduled_words(booking: Booking):
    """A booking whose owner changed its day or window since the plan was made."""
    return _l(
        "The owner of booking #%(id)s changed its pickup day or time window since the plan "
        "was made; run the plan again.",
        id=booking.id,
    )


def ended_words(order: Order):
    """What became of an order since the plan was made, and what to do (run it again)."""
    return _l(
        "%(what)s since the plan was made; run the plan again.",
        what=labels.clause(labels.ORDER_IS, order.status, order.id),
    )


def _days_elsewhere(plan: Plan, column, ids, *more) -> dict:
    """Each of `ids` (of the stop `column`) on another day's published plan: that day; one
    query, none for no ids."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(column, Plan.plan_date)
        .select_from(PlanStop)
        .join(PlanRoute, PlanRoute.id == PlanStop.route_id)
        .join(Plan, Plan.id == PlanRoute.plan_id)
        .where(
            column.in_(ids),
            *more,
            Plan.status == PlanStatus.PUBLISHED,
            Plan.plan_date != plan.plan_date,
        )
    )
    return dict(rows.all())


def routed_elsewhere(plan: Plan, bookings) -> dict:
    """Of the bookings carried to this plan's day (their pickup day another), those another
    day's published plan still routes, by id: the day (published after this plan was
    made, two trucks would come for them)."""
    moved = [b.id for b in bookings if b.pickup_date != plan.plan_date]
    return _days_elsewhere(plan, PlanStop.booking_id, moved, PlanStop.done_at.is_(None))


def delivered_elsewhere(plan: Plan, order_ids) -> dict:
    """Of the orders this plan delivers, those another day's published plan carries too
    (published after this plan was made, or delivered by it since), by id: the day."""
    return _days_elsewhere(plan, PlanStop.order_id, order_ids)


def routed_elsewhere_words(booking_id: int, other, plan: Plan):
    """A booking another day's published plan routes, and what to do (run the day again)."""
    return _l(
        "Booking #%(id)s is on the published plan of %(d)s now; this plan would send a "
        "second truck for it: run %(day)s again.",
        id=booking_id,
        d=other.isoformat(),
        day=plan.plan_date.isoformat(),
    )


def delivered_elsewhere_words(order_id: int, other, plan: Plan):
    """An order another day's published plan carries, and what to do (run the day again)."""
    return _l(
        "Order #%(id)s is on the published plan of %(d)s now; this plan would send a "
        "second truck with it: run %(day)s again.",
        id=order_id,
        d=other.isoformat(),
        day=plan.plan_date.isoformat(),
    )


def refuse_if_routed_elsewhere(booking: Booking, plan: Plan) -> None:
    """Conflict when another day's published plan routes the booking (routed_elsewhere)."""
    other = routed_elsewhere(plan, [booking]).get(booking.id)
    if other is not None:
        raise Conflict(routed_elsewhere_words(booking.id, other, plan), code=Code.BOOKING_CHANGED)


def refuse_if_delivered_elsewhere(order: Order, plan: Plan) -> None:
    """Conflict when another day's published plan carries the order (delivered_elsewhere)."""
    other = delivered_elsewhere(plan, [order.id]).get(order.id)
    if other is not None:
        raise Conflict(delivered_elsewhere_words(order.id, other, plan), code=Code.BOOKING_CHANGED)


def refuse_if_ended(order: Order, plan: Plan) -> None:
    """An order this plan delivers that changed since the plan was made: refunded or
    cancelled, delivered (by another plan's truck or by hand), or shipped otherwise than on
    a truck of this day's published plan (its delivery day not this one). A truck would go
    with packs that are no longer the buyer's or no longer at the park, and the buyer would
    be told a delivery time."""
    if not left_deliveries.ended(order, plan.plan_date):
        return
    raise Conflict(
        _l(
            "%(what)s since the plan was made; this plan would send a truck with it. Nothing "
            "was published: run %(day)s again.",
            what=labels.clause(labels.ORDER_IS, order.status, order.id),
            day=plan.plan_date.isoformat(),
        ),
        code=Code.BOOKING_CHANGED,
    )


def refuse_if_on_another_truck(order: Order, plan: Plan, truck, shipped: dict) -> None:
    """An order shipped on a truck of the day's published plan (`shipped`:
    day_work.shipped_on_trucks; its packs on that truck) that this plan delivers with
    another truck, which has not got the packs."""
    on = shipped.get(order.id)
    if on is None or on[1] == truck.id:
        return
    packs_on = db.session.get(Truck, on[1])
    raise Conflict(
        _l(
            "Order #%(id)s was shipped on truck %(on)s: its packs are on that truck, so this "
            "plan cannot deliver it with %(other)s. Nothing was published: run %(day)s again.",
            id=order.id,
            on=packs_on.plate if packs_on else on[1],
            other=truck.plate,
            day=plan.plan_date.isoformat(),
        ),
        code=Code.SHIPPED_ON_TRUCK,
    )
