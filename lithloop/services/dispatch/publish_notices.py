"""What publishing tells, and what the day's published plan told already: the ETA window
an owner is given, the trucks and arrivals owners and buyers were told (nothing new to tell
them: no notice), and the deliveries scheduled with their buyers told the ETA."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, letters
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    Order,
    Plan,
    PlanRoute,
    PlanStatus,
    PlanStop,
)
from lithloop.services.dispatch import publish_refusals
from lithloop.services.dispatch.day_work import shipped_on_trucks
from lithloop.services.dispatch.live_ops import place_arrival
from lithloop.services.market import order_letters

ETA_HALF_WINDOW = timedelta(minutes=30)


def eta_range(booking: Booking, arrival) -> tuple:
    """The expected arrival an owner is told: half an hour either side of the planned
    arrival, within the booked window (a truck early at a site waits for the window to
    open, so the range never starts before it, nor ends after it closes)."""
    day = booking.pickup_date
    opens = clock.at(day, booking.window_start.hour * 3600 + booking.window_start.minute * 60)
    closes = clock.at(day, booking.window_end.hour * 3600 + booking.window_end.minute * 60)
    start = max(arrival - ETA_HALF_WINDOW, opens)
    end = max(min(arrival + ETA_HALF_WINDOW, closes), arrival)
    return start, end


def already_told(booking: Booking, stop: PlanStop, truck_id: int, told_truck: dict) -> bool:
    """The owner was told this truck and this arrival already (by the day's published plan):
    publishing the stop tells them nothing new, so no notice is sent."""
    return (
        booking.status is not BookingStatus.REQUESTED
        and booking.eta_start == eta_range(booking, place_arrival(stop))[0]
        and told_truck.get(booking.id) == truck_id
    )


def published_trucks(day) -> dict[int, int]:
    """Booking id -> the truck the day's published plan (before this publish) sends."""
    rows = db.session.execute(
        sa.select(PlanStop.booking_id, PlanRoute.truck_id)
        .join(PlanRoute, PlanStop.route_id == PlanRoute.id)
        .join(Plan, Plan.id == PlanRoute.plan_id)
        .where(
            PlanStop.booking_id.is_not(None),
            Plan.plan_date == day,
            Plan.status == PlanStatus.PUBLISHED,
        )
    )
    return {booking_id: truck_id for booking_id, truck_id in rows}


def _eta(arrival) -> str:
    """A delivery's arrival as its buyer's letter gives it (the park's clock, to the minute)."""
    return clock.local(arrival).strftime("%H:%M")


def published_deliveries(day) -> dict[int, tuple[int, str]]:
    """Order id -> the truck and the arrival (as the buyer's letter gives it) of its stop on
    the day's published plan (before this publish): what its buyer was told."""
    rows = db.session.execute(
        sa.select(PlanStop.order_id, PlanRoute.truck_id, PlanStop.arrival)
        .join(PlanRoute, PlanStop.route_id == PlanRoute.id)
        .join(Plan, Plan.id == PlanRoute.plan_id)
        .where(
            PlanStop.order_id.is_not(None),
            Plan.plan_date == day,
            Plan.status == PlanStatus.PUBLISHED,
        )
    )
    return {order_id: (truck_id, _eta(arrival)) for order_id, truck_id, arrival in rows}


def delivery_told(order: Order, stop: PlanStop, truck_id: int, told: dict, day) -> bool:
    """The buyer was told this day, this truck and this time already (by the day's published
    plan, `told`: published_deliveries): publishing the stop tells them nothing new, so no
    letter is sent (as already_told for a booking's owner). A delivery newly on the day's
    routes, or moved to another truck or time, is told."""
    return order.delivery_date == day and told.get(order.id) == (truck_id, _eta(stop.arrival))


def schedule_deliveries(plan: Plan) -> None:
    """Orders on the plan's routes are delivered that day (none changed since the plan was
    made, none another day's published plan carries, none shipped on another truck); each
    buyer is told the ETA, unless the day's published plan told them the same day, truck
    and time already."""
    told = published_deliveries(plan.plan_date)  # what the buyers were told so far
    shipped = shipped_on_trucks(plan.plan_date)  # their packs on a truck of the day already
    for route in plan.routes:
        for stop in route.stops:
            if stop.order is None or stop.done_at is not None:
                continue
            order = stop.order
            publish_refusals.refuse_if_ended(order, plan)
            publish_refusals.refuse_if_delivered_elsewhere(order, plan)
            publish_refusals.refuse_if_on_another_truck(order, plan, route.truck, shipped)
            unchanged = delivery_told(order, stop, route.truck_id, told, plan.plan_date)
            order.delivery_date = plan.plan_date
            if unchanged:
                continue  # nothing new to tell the buyer
            eta = _eta(stop.arrival)
            letters.send_letter(
                order.user,
                _l("Order #%(id)s: delivery on %(day)s"),
                _l(
                    "Order #%(id)s arrives on %(day)s at about %(eta)s (± 1 hour), truck "
                    "%(plate)s, at %(address)s.\n%(link)s\n"
                ),
                id=order.id,
                day=plan.plan_date.isoformat(),
                eta=eta,
                plate=route.truck.plate,
                address=order_letters.delivery_address(order),
                link=letters.link("market.order", order_id=order.id),
            )
