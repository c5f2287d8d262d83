"""Publishing a plan: every booking in it scheduled with an ETA window, or none.

Lock order of every change to a plan (publishing, moving a stop, locking a route or a stop,
inserting an urgent booking; here, in plan_edit.py and urgent_insert.py): first plan rows,
FOR UPDATE until the commit (publishing takes every plan of the day in id order, the others
the one plan they read or change), then bookings, then marketplace orders (publishing: those
it delivers or leaves out, in id order), then booking-day counters (capacity.lock_day). Each
reads the plan only once its lock is held, so what publishing tells the owners (the ETAs)
are the stops its own transaction commits, and two publishes of one day run one after the
other. The database keeps one published plan a day whatever a caller does
(uq_plan_published_day); a violation of it is a 409, never a 500.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock
from lithloop.db import write_lock_on_sqlite
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    Order,
    Plan,
    PlanRoute,
    PlanStatus,
    PlanStop,
    PlanUnassigned,
    User,
)
from lithloop.services.booking import capacity, event_details
from lithloop.services.booking.booking_status import record_status
from lithloop.services.dispatch import (
    left_at_publishing,
    left_deliveries,
    left_out,
    publish_refusals,
    roster,
)
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.live_ops import place_arrival
from lithloop.services.dispatch.planning import require_planner
from lithloop.services.dispatch.publish_notices import (
    already_told,
    eta_range,
    published_trucks,
    schedule_deliveries,
)
from lithloop.services.errors import Conflict, NotFound


def get_plan(plan_id: int, *, lock: bool = False) -> Plan:
    """A plan by id, with its routes, stops, bookings and sites loaded in a few queries.

    With `lock`, its row is locked FOR UPDATE until the commit and everything is read
    afresh (never from an earlier read of the session): the lock order above. On SQLite,
    which drops FOR UPDATE, the database's write lock is taken before the read instead (a
    second publish or move by hand waits, then reads what the first wrote).
    """
    if lock:
        write_lock_on_sqlite()
    stops = selectinload(Plan.routes).selectinload(PlanRoute.stops)
    plan = db.session.get(
        Plan,
        plan_id,
        options=[
            selectinload(Plan.routes).selectinload(PlanRoute.truck),
            stops.selectinload(PlanStop.booking).selectinload(Booking.site),
            stops.selectinload(PlanStop.booking).selectinload(Booking.lots),
            selectinload(Plan.unassigned)
            .selectinload(PlanUnassigned.booking)
            .selectinload(Booking.site),
        ],
        with_for_update=lock,
        populate_existing=lock,
    )
    if plan is None:
        raise NotFound(_l("No such plan."))
    return plan


def lock_day_plans(plan_id: int) -> Plan:
    """Lock every plan of this plan's day (id order), then read this one afresh."""
    write_lock_on_sqlite()  # (SQLite: before the first read of the use case)
    day = db.session.scalar(sa.select(Plan.plan_date).where(Plan.id == plan_id))
    if day is None:
        raise NotFound(_l("No such plan."))
    db.session.scalars(
        sa.select(Plan.id).where(Plan.plan_date == day).order_by(Plan.id).with_for_update()
    ).all()
    return get_plan(plan_id, lock=True)


def publish_plan(
    user: User,
    plan_id: int,
    *,
    allow_unmanned: bool = False,
    drivers: dict[int, int | None] | None = None,
) -> Plan:
    """Schedule the plan's bookings and supersede the day's earlier plan, atomically; the
    owners of bookings left out are told with the next days that fit, the buyers of
    deliveries left out that theirs stays due. A route whose truck has no driver on the
    day's roster is refused unless `allow_unmanned` says so. `drivers` (truck id: driver
    id) go on the day's roster in the same transaction: a refused publish changes no
    roster."""
    require_planner(user)
    plan = lock_day_plans(plan_id)
    publish_refusals.refuse_unless_draft(plan)
    publish_refusals.refuse_if_retired(plan)
    if drivers:
        try:
            roster.stage_drivers(user, plan.plan_date, drivers)
        except Exception:
            db.session.rollback()
            raise
    if not allow_unmanned:
        publish_refusals.refuse_if_unmanned(plan)
    day = plan.plan_date
    try:
        _lock_bookings(plan)
        _lock_orders(plan)
        routed = _schedule_routed(user, plan)
        _unschedule_left_out(user, plan, routed)
        left_out.tell_owners(user, plan, routed)
        left_at_publishing.tell_buyers(plan, left_at_publishing.keep_due(plan))
        schedule_deliveries(plan)
        for old in db.session.scalars(
            sa.select(Plan).where(Plan.plan_date == day, Plan.status == PlanStatus.PUBLISHED)
        ):
            old.status = PlanStatus.SUPERSEDED
        db.session.flush()  # the old plan stops being published before this one starts
        plan.status, plan.published_at, plan.published_by_id = (
            PlanStatus.PUBLISHED,
            clock.now(),
            user.id,
        )
        db.session.commit()
    except sa.exc.IntegrityError as exc:  # uq_plan_published_day: a publish the lock missed
        db.session.rollback()
        raise Conflict(
            _l(
                "Another plan for %(d)s was published at the same moment, so this "
                "one was not; nothing changed. Reload the day to see which plan is "
                "published.",
                d=day.isoformat(),
            ),
            code=Code.PUBLISHED_MEANWHILE,
        ) from exc
    except Exception:
        db.session.rollback()
        raise
    return plan


def _lock_bookings(plan: Plan) -> None:
    """Lock every booking the plan routes or leaves out, in id order (no two publishes of
    different days deadlock over a booking carried from one day to the other)."""
    ids = {s.booking_id for r in plan.routes for s in r.stops if s.booking_id}
    ids |= {u.booking_id for u in plan.unassigned}
    db.session.scalars(
        sa.select(Booking.id)
        .where(Booking.id.in_(sorted(ids)))
        .order_by(Booking.id)
        .with_for_update()
    ).all()


def _lock_orders(plan: Plan) -> None:
    """Lock every order the plan delivers or leaves out, in id order, and read them afresh:
    two publishes of different days that carry one order run one after the other, so the
    second sees the first's published plan (publish_refusals.refuse_if_delivered_elsewhere)."""
    ids = {s.order_id for r in plan.routes for s in r.stops if s.order_id}
    ids |= left_deliveries.order_ids(plan)
    if not ids:
        return
    db.session.scalars(
        sa.select(Order)
        .where(Order.id.in_(sorted(ids)))
        .order_by(Order.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()


def _lock(booking_id: int) -> Booking:
    return db.session.scalar(
        sa.select(Booking)
        .where(Booking.id == booking_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _schedule_routed(user: User, plan: Plan) -> set[int]:
    routed = set()
    told_truck = published_trucks(plan.plan_date)  # what the owners were told so far
    changed = publish_refusals.rescheduled(plan)  # the bookings are locked: no change in flight
    for route in plan.routes:
        for stop in route.stops:
            if stop.booking_id is None or stop.done_at is not None:
                continue  # a pickup done (kept from a route under way) is history
            booking = _lock(stop.booking_id)
            publish_refusals.refuse_if_changed(booking, changed)
            moved = booking.pickup_date != plan.plan_date
            if moved:
                publish_refusals.refuse_if_routed_elsewhere(booking, plan)
                _move_day(booking, plan.plan_date, user)
            again = booking.status is not BookingStatus.REQUESTED
            unchanged = not moved and already_told(booking, stop, route.truck_id, told_truck)
            arrival = place_arrival(stop)  # at its place: one arrival for its bookings
            booking.eta_start, booking.eta_end = eta_range(booking, arrival)
            eta = clock.local(arrival).strftime("%H:%M")
            detail = event_details.scheduled(route.truck.plate, eta, again=again)
            # the same day and arrival as the owner was told: nothing new to tell them
            record_status(
                booking,
                booking.status,
                BookingStatus.SCHEDULED,
                user,
                "",
                detail,
                tell=not unchanged,
            )
            routed.add(booking.id)
    return routed


def _move_day(booking: Booking, day, user: User) -> None:
    """A booking carried over from a full day moves to the plan's day; capacity follows."""
    old = capacity.lock_day(booking.pickup_date)
    old.booked_kg -= booking.total_mass_kg
    old.booked_stops -= 1
    new = capacity.lock_day(day)
    new.booked_kg += booking.total_mass_kg
    new.booked_stops += 1
    detail = event_details.moved(booking.pickup_date, day)
    booking.pickup_date = day
    record_status(booking, booking.status, booking.status, user, "", detail)


def _unschedule_left_out(user: User, plan: Plan, routed: set[int]) -> None:
    """Bookings scheduled by an earlier plan of the day but left out now go back to requested."""
    for entry in plan.unassigned:
        booking = _lock(entry.booking_id)
        if (
            booking.status is BookingStatus.SCHEDULED
            and booking.id not in routed
            and booking.pickup_date == plan.plan_date
        ):
            booking.eta_start = booking.eta_end = None
            detail = event_details.left_out(plan.plan_date, entry.reason, [])
            record_status(
                booking, BookingStatus.SCHEDULED, BookingStatus.REQUESTED, user, "", detail
            )


def set_route_lock(user: User, route_id: int, locked: bool) -> PlanRoute:
    """Lock a route so that the next run keeps it as it is, or unlock it (a state, not a
    toggle: a form sent twice leaves it as asked)."""
    require_planner(user)
    plan_id = db.session.scalar(sa.select(PlanRoute.plan_id).where(PlanRoute.id == route_id))
    plan = get_plan(plan_id, lock=True) if plan_id is not None else None
    route = next((r for r in plan.routes if r.id == route_id), None) if plan else None
    if route is None or plan.status is PlanStatus.SUPERSEDED:
        db.session.rollback()
        raise NotFound(_l("No such route."))
    route.locked = locked
    db.session.commit()
    return route
