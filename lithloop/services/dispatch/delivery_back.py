"""A delivery not made on its day: the driver's exception at its stop (kept in the order's
history, the buyer and the dispatchers told), and the packs of an order that went out on a
truck brought back to the park undelivered (its truck's day over, or the day's published
plan leaving it out): the order is packed again, its day cleared, and due for delivery from
the next open day on (Order.due_from), so a later run plans it again.

A real park unloads what a truck brings back into its finished-goods warehouse: the buyer's
packs stay sold and reserved to the order, and the next truck takes them from there."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.models import (
    Order,
    OrderEvent,
    OrderStatus,
    Plan,
    PlanRoute,
    PlanStatus,
    PlanStop,
    Truck,
    User,
)
from lithloop.services.accounts import policies
from lithloop.services.booking import capacity
from lithloop.services.dispatch.day_work import undelivered_on_published_trucks
from lithloop.services.dispatch.errors import Code
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.strict_input import limited_text

DELIVERY_EXCEPTION = "delivery_exception"
BACK_TO_PARK = "back_to_park"
NOTE_MAX = 300
#: An order a truck of its day may still hand over (left_deliveries.DELIVERABLE).
ON_THE_WAY = (OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED)


def next_open_day(day: date) -> date:
    """The park's first open day after `day` (the day after, if none is open within a year)."""
    for ahead in range(1, 367):
        if capacity.is_open(day + timedelta(days=ahead)):
            return day + timedelta(days=ahead)
    return day + timedelta(days=1)


def exceptions_on(order: Order, day: date) -> list[OrderEvent]:
    """The driver's exceptions at the order's delivery stops of `day`, oldest first."""
    return [
        e
        for e in order.events
        if e.kind == DELIVERY_EXCEPTION and e.detail.get("day") == day.isoformat()
    ]


def back_to_park(
    order: Order, day: date, plate: str, why: str, by: User | None = None, due_from=None
) -> None:
    """The order's delivery of `day` was not made and its packs are (or go) back at the
    park: shipped -> packed, its day cleared, due from `due_from` (the next open day by
    default); the event kept in its history (`why`: a reason's code)."""
    if order.status is OrderStatus.SHIPPED:
        order.status, order.status_at = OrderStatus.PACKED, clock.now()
    order.delivery_date = None
    order.due_from = due_from or next_open_day(day)
    db.session.add(
        OrderEvent(
            order=order,
            kind=BACK_TO_PARK,
            by_user_id=by.id if by else None,
            detail={"day": day.isoformat(), "plate": plate, "why": why},
        )
    )


def record_exception(user: User, stop: PlanStop, reason: str, note: str, dispatchers) -> PlanStop:
    """The driver could not hand the packs over at a delivery stop of theirs (`stop`, locked):
    kept in the order's history, the buyer and the dispatchers told. The order stays on its
    truck: a re-plan of the rest of the day visits it again, and if the truck's day ends
    without it, its packs come back to the park (returned_with)."""
    _require_open(stop)
    if reason not in labels.DELIVERY_EXCEPTION:
        raise Invalid(_l("Choose what went wrong."), field="reason")
    text = limited_text(note, "note", NOTE_MAX)
    order, day, plate = stop.order, stop.route.plan.plan_date, stop.route.truck.plate
    db.session.add(
        OrderEvent(
            order=order,
            kind=DELIVERY_EXCEPTION,
            by_user_id=user.id,
            note=text[:NOTE_MAX],
            detail={"day": day.isoformat(), "plate": plate, "reason": reason},
        )
    )
    link = letters.link("market.order", order_id=order.id)
    letters.send_letter(
        order.user,
        _l("Order #%(id)s: not delivered on %(day)s"),
        _l(
            "Truck %(plate)s could not hand over order #%(id)s on %(day)s: %(reason)s. "
            "%(text)s\nThe park arranges the delivery again and tells you the day and time "
            "once it is on a truck. You may also contact the park.\n%(link)s\n"
        ),
        id=order.id,
        day=day.isoformat(),
        plate=plate,
        reason=labels.DELIVERY_EXCEPTION[reason],
        text=text,
        link=link,
    )
    for dispatcher in dispatchers:
        letters.send_letter(
            dispatcher,
            _l("Delivery problem, order #%(id)s: %(reason)s"),
            _l(
                "Order #%(id)s to %(address)s (%(day)s), truck %(plate)s, driver %(name)s: "
                "%(reason)s. %(text)s\n%(link)s\n"
            ),
            id=order.id,
            reason=labels.DELIVERY_EXCEPTION[reason],
            address=order.delivery_address,
            day=day.isoformat(),
            plate=plate,
            name=user.name,
            text=text,
            link=link,
        )
    return stop


def _require_open(stop: PlanStop) -> None:
    """A delivery stop still to make today, its order still to hand over on that day."""
    if stop.order is None:
        raise NotFound(_l("No such stop on your routes."))
    if stop.done_at is not None:
        raise Conflict(_l("This stop was already recorded."), code=Code.ALREADY_RECORDED)
    day = stop.route.plan.plan_date
    if day > clock.today():
        raise Conflict(
            _l("This route is for %(d)s, not today.", d=day.isoformat()), code=Code.NOT_TODAY
        )
    order = stop.order
    if order.status not in ON_THE_WAY or order.delivery_date != day:
        raise Conflict(
            _l(
                "%(what)s and cannot be delivered.",
                what=labels.clause(labels.ORDER_IS, order.status, order.id),
            ),
            code=Code.NOT_DELIVERABLE,
        )


def plan_of_stop(stop_id: int) -> int:
    """The id of the plan a stop is on; NotFound when there is no such stop."""
    plan_id = db.session.scalar(
        sa.select(PlanRoute.plan_id).join(PlanStop).where(PlanStop.id == stop_id)
    )
    if plan_id is None:
        raise NotFound(_l("No such stop."))
    return plan_id


def move_day(user: User, stop_id: int, due_from: date) -> int:
    """The dispatcher takes a delivery whose driver reported an exception off its day (as a
    pickup's exception is moved to another day): its packs come back to the park with the
    truck, and it is due from `due_from` (an open day after the stop's). Returns the plan's
    id. Refused, nothing changed: not a delivery of a published plan with an exception
    reported and still to hand over that day, or a day that is not later and open."""
    policies.require(user, policies.PLANNERS, _l("Only dispatchers plan routes."))

    def work():
        stop = db.session.scalar(
            sa.select(PlanStop)
            .join(PlanRoute)
            .join(Plan)
            .where(PlanStop.id == stop_id)
            .with_for_update(of=PlanStop)
            .execution_options(populate_existing=True)
        )
        if stop is None:
            raise NotFound(_l("No such stop."))
        published = stop.route.plan.status is PlanStatus.PUBLISHED
        order = db.session.scalar(
            sa.select(Order)
            .where(Order.id == stop.order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        day = stop.route.plan.plan_date
        if (
            order is None
            or not published
            or stop.done_at is not None
            or order.status not in ON_THE_WAY
            or order.delivery_date != day
            or not exceptions_on(order, day)
        ):
            raise Conflict(
                _l(
                    "Only a delivery whose driver reported a problem, still to hand over on "
                    "its day, can be moved to another day."
                ),
                code=Code.NOT_DELIVERABLE,
            )
        if due_from <= day or not capacity.is_open(due_from):
            raise Invalid(_l("Choose an open day after %(d)s.", d=day.isoformat()), field="date")
        back_to_park(order, day, stop.route.truck.plate, "moved", by=user, due_from=due_from)
        return stop.route.plan_id

    return atomic(work)


def returned_with(user: User, end: PlanStop) -> list[Order]:
    """The truck is back at the park at the end of its day (`end` recorded): each order of
    its route not delivered comes back with it (back_to_park), due again from the next open
    day; its buyer is told, unless the driver's exception told them already."""
    route, day = end.route, end.route.plan.plan_date
    back = []
    for stop in sorted(route.stops, key=lambda s: s.seq):
        order = stop.order
        if stop.kind != "delivery" or order is None or stop.done_at is not None:
            continue
        if order.delivered_at is not None or order.delivery_date != day:
            continue  # delivered otherwise, or no longer this day's
        if order.status not in ON_THE_WAY:
            continue
        told = bool(exceptions_on(order, day))
        back_to_park(order, day, route.truck.plate, "not_delivered", by=user)
        back.append(order)
        if not told:
            _tell_back(order, day, route.truck.plate)
    return back


def sweep_days_over(today: date | None = None) -> int:
    """Housekeeping: an order still to hand over on a day now past (its truck's driver never
    recorded the truck back at the park) comes back to the park as returned_with would
    have done it, due from the next open day; returns how many."""
    today = today or clock.today()
    rows = db.session.execute(
        undelivered_on_published_trucks(Order.delivery_date < today, Order.status.in_(ON_THE_WAY))
        .order_by(Order.id)
        .with_for_update(of=Order)
        .execution_options(populate_existing=True)
    ).all()
    for order, truck_id in rows:
        day, plate = order.delivery_date, db.session.get(Truck, truck_id).plate
        told = bool(exceptions_on(order, day))
        back_to_park(order, day, plate, "not_delivered")
        if not told:
            _tell_back(order, day, plate)
    db.session.commit()
    return len(rows)


def _tell_back(order: Order, day: date, plate: str) -> None:
    letters.send_letter(
        order.user,
        _l("Order #%(id)s: not delivered on %(day)s"),
        _l(
            "Order #%(id)s was not delivered on %(day)s: its packs came back to the park "
            "with truck %(plate)s. It stays due for delivery: the park plans it again with "
            "its next routes, and you get a message with the day and time once it is on a "
            "truck. You may also contact the park.\n%(link)s\n"
        ),
        id=order.id,
        day=day.isoformat(),
        plate=plate,
        link=letters.link("market.order", order_id=order.id),
    )
