"""Trucks arriving at the park: the routes with picked-up bookings still to be received, each
booking's done pickup stop, and the codes its truck should carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, Plan, PlanRoute, PlanStatus, PlanStop
from lithloop.services.errors import NotFound

ARRIVAL_DAYS = 7  # how far back the arrivals list looks
_PLANS_WITH_PICKUPS = (PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED)


@dataclass(frozen=True)
class Arrival:
    """A truck's route with the picked-up bookings still to be received."""

    route: PlanRoute
    stops: tuple[PlanStop, ...]

    @property
    def picked_kg(self) -> Decimal:
        """What the driver recorded loading (the booked mass where not recorded)."""
        return sum(
            (
                s.picked_kg if s.picked_kg is not None else s.booking.total_mass_kg
                for s in self.stops
            ),
            Decimal(0),
        )


def arrivals(days: int = ARRIVAL_DAYS) -> list[Arrival]:
    """Routes of today and recent days with done pickups whose bookings are picked up."""
    today = clock.today()
    query = (
        sa.select(PlanStop)
        .join(PlanRoute)
        .join(Plan)
        .join(Booking, PlanStop.booking_id == Booking.id)
        .where(
            Plan.status.in_(_PLANS_WITH_PICKUPS),
            Plan.plan_date.between(today - timedelta(days=days), today),
            PlanStop.kind == "pickup",
            PlanStop.done_at.is_not(None),
            Booking.status == BookingStatus.PICKED_UP,
        )
        .options(
            selectinload(PlanStop.booking).selectinload(Booking.lots),
            selectinload(PlanStop.booking).selectinload(Booking.site),
            selectinload(PlanStop.route).selectinload(PlanRoute.truck),
        )
        .order_by(Plan.plan_date.desc(), PlanRoute.id, PlanStop.seq)
    )
    grouped: dict[int, list[PlanStop]] = {}
    seen: set[int] = set()
    for stop in db.session.scalars(query):
        if stop.booking_id not in seen:
            seen.add(stop.booking_id)
            grouped.setdefault(stop.route_id, []).append(stop)
    return [Arrival(stops[0].route, tuple(stops)) for stops in grouped.values()]


def pickup_stop(booking_id: int) -> PlanStop | None:
    """The done pickup stop of a booking on a published (or since superseded) plan."""
    return db.session.scalar(
        sa.select(PlanStop)
        .join(PlanRoute)
        .join(Plan)
        .where(
            PlanStop.booking_id == booking_id,
            PlanStop.kind == "pickup",
            PlanStop.done_at.is_not(None),
            Plan.status.in_(_PLANS_WITH_PICKUPS),
        )
        .order_by(PlanStop.done_at.desc())
        .limit(1)
    )


def booking_to_receive(booking_id: int) -> tuple[Booking, PlanStop | None]:
    """A booking for the receive form, with its pickup stop; NotFound if it never existed."""
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(_l("No such booking."))
    return booking, pickup_stop(booking_id)


def expected_codes(booking: Booking, stop: PlanStop | None) -> list[list[str]]:
    """Per lot, the codes the truck should carry: the driver's, else the booking's."""
    lots = booking.lots
    if stop is None or stop.picked_codes is None:
        return [list(lot.codes or []) for lot in lots]
    picked = list(stop.picked_codes)
    per_lot = [[c for c in (lot.codes or []) if c in picked] for lot in lots]
    placed = {c for codes in per_lot for c in codes}
    for code in (c for c in picked if c not in placed):
        room = next(
            (i for i, lot in enumerate(lots) if len(per_lot[i]) < lot.pack_count), len(lots) - 1
        )
        per_lot[room].append(code)
    return per_lot
