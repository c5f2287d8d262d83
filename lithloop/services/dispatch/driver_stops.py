"""What a driver sees of their work: their routes and stops on published plans, and the
arrival and exceptions recorded at a stop (driver_work.py records them).

Arrivals and exceptions are BookingEvent notes whose text starts with ARRIVED or EXCEPTION;
a delivery stop's exceptions are its order's (delivery_back.py).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    BookingEvent,
    BookingStatus,
    Plan,
    PlanRoute,
    PlanStatus,
    PlanStop,
    Role,
    User,
)
from lithloop.services.dispatch import delivery_back, roster
from lithloop.services.dispatch.problem import place_of
from lithloop.services.errors import NotFound

ARRIVED = "arrived"
EXCEPTION = "exception"


def driver_routes(user: User, days: tuple[date, ...] | None = None) -> list[PlanRoute]:
    """The driver's routes of published plans for the given days (today and tomorrow):
    the routes of the trucks the day's roster gives the driver."""
    today = clock.today()
    days = days or (today, today + timedelta(days=1))
    found = []
    for day in days:
        trucks = roster.trucks_of(user, day)
        found += db.session.scalars(
            sa.select(PlanRoute)
            .join(Plan)
            .where(
                PlanRoute.truck_id.in_(sorted(trucks)),
                Plan.status == PlanStatus.PUBLISHED,
                Plan.plan_date == day,
            )
            .order_by(PlanRoute.id)
        )
    return found


def own_stop(user: User, stop_id: int, *, lock: bool = False) -> PlanStop:
    """A stop of one of the driver's published routes; NotFound for anything else."""
    query = (
        sa.select(PlanStop)
        .join(PlanRoute)
        .join(Plan)
        .where(PlanStop.id == stop_id, Plan.status == PlanStatus.PUBLISHED)
    )
    if lock:
        query = query.with_for_update(of=PlanStop).execution_options(populate_existing=True)
    stop = db.session.scalar(query) if user.role is Role.DRIVER else None
    if stop is None or stop.route.truck_id not in roster.trucks_of(user, stop.route.plan.plan_date):
        raise NotFound(_l("No such stop on your routes."))
    return stop


def arrival_of(stop: PlanStop) -> BookingEvent | None:
    """The arrival note of a pickup stop, if the driver recorded one."""
    if stop.booking is None:
        return None
    return next((e for e in stop.booking.events if e.note.startswith(f"{ARRIVED}:")), None)


def exceptions_of(stop: PlanStop) -> list[BookingEvent]:
    """The exceptions the driver reported at a pickup stop."""
    if stop.booking is None:
        return []
    return [e for e in stop.booking.events if e.note.startswith(f"{EXCEPTION}:")]


def delivery_exceptions_of(stop: PlanStop) -> list:
    """The exceptions the driver reported at a delivery stop (its order's, on its day)."""
    if stop.order is None:
        return []
    return delivery_back.exceptions_on(stop.order, stop.route.plan.plan_date)


def same_place_next(stop: PlanStop) -> list[PlanStop]:
    """The pickups right after a pickup stop on its route at the same place (`place_of`,
    one location of the day's problem), still to be arrived at."""
    place, found = place_of(stop), []
    for after in (s for s in stop.route.stops if s.seq > stop.seq):
        if after.booking is None or place_of(after) != place:
            break
        if after.done_at is None and after.booking.status is BookingStatus.SCHEDULED:
            found += [after] if arrival_of(after) is None else []
    return found
