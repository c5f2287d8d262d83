"""The bookings list as history grows: current work by default for the park's staff
(open bookings), history one filter away, and a search by booking number, organisation
or plate (a retired bus's, or the truck's that the day's published plan sends)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.batteries.codes import fold_full_width
from lithloop.models import (
    Booking,
    BookingStatus,
    Organisation,
    Pack,
    Plan,
    PlanRoute,
    PlanStatus,
    PlanStop,
    Role,
    Truck,
    User,
)

#: Bookings still being worked on: not yet received, settled or cancelled.
OPEN = (BookingStatus.REQUESTED, BookingStatus.SCHEDULED, BookingStatus.PICKED_UP)
#: Roles whose list starts at the open bookings (the dispatcher and the plant operator).
CURRENT_WORK_ROLES = frozenset({Role.DISPATCHER, Role.PLANT_OPERATOR})

NUMBER = re.compile(r"#?[0-9]{1,9}")  # an order or booking number, ASCII digits


def default_status(user: User) -> str:
    """'open' for the roles that work on current bookings, else 'all'."""
    return "open" if user.role in CURRENT_WORK_ROLES else "all"


def narrow(query, status: str, search: str = ""):
    """The bookings query by status ('open', 'all' or a status) and by a search text: a
    booking number, part of an organisation's name, a vehicle plate of its packs, or the
    plate of the truck its published plan sends (the plate the owner's letter names)."""
    if status == "open":
        query = query.where(Booking.status.in_(OPEN))
    elif status in {s.value for s in BookingStatus}:
        query = query.where(Booking.status == BookingStatus(status))
    search = search.strip()
    # a Chinese keyboard types ＃５９ and 黑Ｃ·Ｄ１４８６: read as #59 and 黑C·D1486 (an
    # organisation's name is searched as typed: its own brackets are full-width)
    folded = fold_full_width(search)
    if NUMBER.fullmatch(folded):
        return query.where(Booking.id == int(folded.lstrip("#")))
    if search:
        organisations = sa.select(Organisation.id).where(
            Organisation.name.contains(search, autoescape=True)
        )
        plates = sa.select(Pack.booking_id).where(Pack.vehicle_plate == folded.upper())
        query = query.where(
            sa.or_(
                Booking.organisation_id.in_(organisations),
                Booking.id.in_(plates),
                Booking.id.in_(_on_truck(folded.upper())),
            )
        )
    return query


def _on_truck(plate: str):
    """The bookings on a stop of a published plan's route driven by the truck of this plate."""
    return (
        sa.select(PlanStop.booking_id)
        .join(PlanRoute, PlanStop.route_id == PlanRoute.id)
        .join(Plan, PlanRoute.plan_id == Plan.id)
        .join(Truck, PlanRoute.truck_id == Truck.id)
        .where(
            PlanStop.booking_id.is_not(None),
            Plan.status == PlanStatus.PUBLISHED,
            sa.func.upper(Truck.plate) == plate,
        )
    )
