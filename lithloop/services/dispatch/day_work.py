"""What a day holds for an optimisation run: the bookings and deliveries due, the orders
shipped on trucks, the day's stored plans, the open days a run plans, and the refusal of
a run with nothing to do."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    Organisation,
    OrgStatus,
    Plan,
    PlanRoute,
    PlanRun,
    PlanStatus,
    PlanStop,
)
from lithloop.models.market import Order, OrderStatus
from lithloop.services.booking import capacity
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.held_from_planning import nothing_but_held
from lithloop.services.errors import Conflict, Invalid


def _approved() -> sa.ColumnElement[bool]:
    """The booking's organisation is approved (active): a pending one, as an imported
    organisation is until the park reviews it, a rejected or a suspended one is not
    planned for."""
    return Booking.organisation_id.in_(
        sa.select(Organisation.id).where(Organisation.status == OrgStatus.ACTIVE)
    )


def _day_bookings(day: date, approved: bool) -> list[Booking]:
    return list(
        db.session.scalars(
            sa.select(Booking)
            .where(
                Booking.pickup_date == day,
                Booking.status.in_([BookingStatus.REQUESTED, BookingStatus.SCHEDULED]),
                _approved() if approved else sa.not_(_approved()),
            )
            .order_by(Booking.id)
        )
    )


def due_bookings(day: date) -> list[Booking]:
    """The day's bookings still to be planned or re-planned, oldest first."""
    return _day_bookings(day, approved=True)


def held_bookings(day: date) -> list[Booking]:
    """The day's open bookings of organisations not approved (pending, rejected or
    suspended): left out of every run, shown to the dispatcher with that reason."""
    return _day_bookings(day, approved=False)


def refuse_unapproved(booking: Booking) -> None:
    """Refuse to plan a booking of an organisation not approved, as runs leave it out."""
    if booking.organisation.status is OrgStatus.SUSPENDED:
        raise Conflict(
            _l(
                "Booking #%(id)s belongs to an organisation the park has suspended: it is not "
                "planned until the organisation is reactivated.",
                id=booking.id,
            ),
            code=Code.ORG_NOT_APPROVED,
        )
    if not booking.organisation.is_active:
        raise Conflict(
            _l(
                "Booking #%(id)s belongs to an organisation that is not approved: it is not "
                "planned until the park approves the organisation.",
                id=booking.id,
            ),
            code=Code.ORG_NOT_APPROVED,
        )


def next_day_to_plan(look_ahead_days: int = 14) -> date:
    """The day a dispatcher plans next: the first day after today with requested bookings,
    else the park's next open day (never a closed one), else tomorrow."""
    today = clock.today()
    first = db.session.scalar(
        sa.select(sa.func.min(Booking.pickup_date)).where(
            Booking.pickup_date > today,
            Booking.pickup_date <= today + timedelta(days=look_ahead_days),
            Booking.status == BookingStatus.REQUESTED,
            _approved(),
        )
    )
    if first is not None:
        return first
    for ahead in range(1, look_ahead_days + 1):
        if capacity.is_open(today + timedelta(days=ahead)):
            return today + timedelta(days=ahead)
    return today + timedelta(days=1)


def due_deliveries(day: date) -> list[Order]:
    """Paid marketplace orders to deliver, not yet delivered, not planned for another day,
    and, for one brought back to the park undelivered, due again by then (due_from)."""
    end_of_day = clock.at(day + timedelta(days=1), 0)
    return list(
        db.session.scalars(
            sa.select(Order)
            .where(
                Order.delivery_kind == "address",
                Order.delivered_at.is_(None),
                Order.status.in_([OrderStatus.PAID, OrderStatus.PACKED]),
                Order.delivery_lat.is_not(None),
                Order.paid_at < end_of_day,
                sa.or_(Order.delivery_date.is_(None), Order.delivery_date == day),
                sa.or_(Order.due_from.is_(None), Order.due_from <= day),
            )
            .order_by(Order.id)
        )
    )


def shipped_on_trucks(day: date) -> dict[int, tuple[Order, int]]:
    """Orders shipped on a truck of the day's published plan and not yet delivered: order
    id -> (the order, its truck). Their packs are on that truck (the planner's due
    deliveries are only paid or packed ones): a re-plan of the day keeps each on its
    truck, as an under-way truck keeps what it picked up."""
    rows = db.session.execute(
        undelivered_on_published_trucks(
            Order.status == OrderStatus.SHIPPED, Order.delivery_date == day
        ).order_by(Order.id)
    )
    return {order.id: (order, truck_id) for order, truck_id in rows}


def undelivered_on_published_trucks(*where) -> sa.Select:
    """(order, truck id) of orders a published plan's truck carries and has not handed
    over (its stop not done, the order not delivered), narrowed by `where`."""
    return (
        sa.select(Order, PlanRoute.truck_id)
        .join(PlanStop, PlanStop.order_id == Order.id)
        .join(PlanRoute, PlanStop.route_id == PlanRoute.id)
        .join(Plan, Plan.id == PlanRoute.plan_id)
        .where(
            Plan.status == PlanStatus.PUBLISHED,
            Plan.plan_date == Order.delivery_date,
            PlanStop.done_at.is_(None),
            Order.delivered_at.is_(None),
            *where,
        )
    )


def latest_plan(day: date) -> Plan | None:
    """The day's plan in force: the published one, else the newest draft, or None."""
    return db.session.scalar(
        sa.select(Plan)
        .where(Plan.plan_date == day, Plan.status != PlanStatus.SUPERSEDED)
        .order_by((Plan.status == PlanStatus.PUBLISHED).desc(), Plan.id.desc())
        .limit(1)
    )


def newest_plan(day: date) -> Plan | None:
    """The day's newest plan that is not superseded (a draft or the published one), or None:
    the plan the next run starts from and the dispatch day page speaks of."""
    return db.session.scalar(
        sa.select(Plan)
        .where(Plan.plan_date == day, Plan.status != PlanStatus.SUPERSEDED)
        .order_by(Plan.id.desc())
        .limit(1)
    )


def first_open_day(day: date) -> date:
    """The day itself when the park is open, else the next open day (a run asked for a
    closed day plans from there)."""
    for ahead in range(366):
        if capacity.is_open(day + timedelta(days=ahead)):
            return day + timedelta(days=ahead)
    return day


def horizon(run: PlanRun) -> list[date]:
    """The open days a run plans, starting at its date."""
    return open_days(run.plan_date, run.horizon_days)


def open_days(start: date, count: int) -> list[date]:
    """The first `count` open days from `start` on (start itself when open)."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if capacity.is_open(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def has_work(day: date) -> bool:
    """Whether a run for the day has anything to do: bookings or deliveries due, or a
    stored plan (its routes under way go on; a re-plan of a day whose bookings were all
    cancelled clears it)."""
    return latest_plan(day) is not None or bool(due_bookings(day) or due_deliveries(day))


def require_work(start: date, horizon_days: int) -> None:
    """Refuse a run none of whose open days has anything to plan (see has_work); when the
    days' only bookings are held (their organisation not approved), say so, why, and where
    an admin lets them be planned."""
    days = open_days(start, horizon_days)
    if any(has_work(day) for day in days):
        return
    held = [booking for day in days for booking in held_bookings(day)]
    if held:
        raise Invalid(nothing_but_held(days, held), field="date", code=Code.BOOKINGS_HELD)
    if len(days) == 1:
        message = _l(
            "Nothing to plan on %(d)s: no pickups or deliveries are due and no plan is "
            "stored for that day. Choose another day.",
            d=days[0].isoformat(),
        )
    else:
        message = _l(
            "Nothing to plan on the %(n)s open days from %(first)s to %(last)s: no pickups "
            "or deliveries are due and no plan is stored for them. Choose another day.",
            n=len(days),
            first=days[0].isoformat(),
            last=days[-1].isoformat(),
        )
    raise Invalid(message, field="date", code=Code.NOTHING_TO_PLAN)
