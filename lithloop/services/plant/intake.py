"""Receiving trucks at the park: the arrivals, and one booking's packs weighed in, all or nothing.

Receiving creates a Pack for every pack of every lot, backfills each pack's chain with
"booked" and "picked_up", records the handover "received", stores the Intake with the
measured mass and moves the booking to received, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock
from lithloop.batteries import letter_for_chemistry, make_park_code
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import (
    Booking,
    BookingStatus,
    BusPack,
    Intake,
    Pack,
    Plan,
    PlanRoute,
    PlanStatus,
    PlanStop,
    User,
)
from lithloop.services.accounts import policies
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import event_details
from lithloop.services.errors import Conflict, Invalid, NotFound, ServiceError
from lithloop.services.packs import events as pack_events
from lithloop.services.plant import intake_check, park_serials
from lithloop.services.plant.errors import Code
from lithloop.services.plant.intake_form import LotReceipt, parse_receipt
from lithloop.services.reporting import rollups
from lithloop.services.strict_input import limited_text

ARRIVAL_DAYS = 7  # how far back the arrivals list looks
NOTE_MAX = 500  # intake.note's length, and the form field's maxlength
PARK_MANUFACTURER = park_serials.PARK_MANUFACTURER
PRODUCT_TYPE_OF_FORM = {"pack": "P", "module": "M", "cell": "C"}
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


def _lock_booking(booking_id: int) -> Booking:
    booking = db.session.scalar(
        sa.select(Booking).where(Booking.id == booking_id).with_for_update()
    )
    if booking is None:
        raise NotFound(_l("No such booking."))
    received = db.session.scalar(sa.select(Intake.id).where(Intake.booking_id == booking_id))
    if received is not None or booking.status in (BookingStatus.RECEIVED, BookingStatus.SETTLED):
        raise Conflict(
            _l("Booking #%(id)s was already received.", id=booking_id), code=Code.ALREADY_RECEIVED
        )
    if booking.status is not BookingStatus.PICKED_UP:
        raise Conflict(
            _l("Booking #%(id)s is %(s)s, not picked up.", id=booking_id, s=booking.status.value),
            code=Code.NOT_PICKED_UP,
        )
    return booking


def check_mass(booked: Decimal, measured: Decimal, note: str) -> None:
    """A measured mass beyond the tolerance of the booked mass needs a note."""
    tolerance = Decimal(current_app.config["INTAKE_MASS_TOLERANCE_PCT"])
    off = abs(measured - booked) * 100 / booked if booked else Decimal(100)
    if off > tolerance and not note:
        raise Invalid(
            _l(
                "Weighed %(m)s kg against %(b)s kg booked (%(p)s%% off, more than "
                "%(t)s%%): add a note saying why.",
                m=f"{measured:,.2f}",
                b=f"{booked:,.2f}",
                p=f"{off:.1f}",
                t=tolerance,
            ),
            field="note",
        )


def lot_counts(receipts: list[LotReceipt]) -> list[dict]:
    """The lots received with a count other than booked or with a note, for the history
    (numbered from 1, as the pages number lots)."""
    return [
        {"lot": r.lot.position + 1, "booked": r.lot.pack_count, "count": r.count, "note": r.note}
        for r in receipts
        if r.count_differs or r.note
    ]


def _refuse_existing(codes: list[str]) -> None:
    existing = sorted(db.session.scalars(sa.select(Pack.code).where(Pack.code.in_(codes))))
    if existing:
        raise Conflict(
            _l("Already registered as packs: %(codes)s.", codes=listed(existing[:10])),
            code=Code.CODE_EXISTS,
        )


def _plates(booking: Booking, codes: list[str]) -> dict[str, tuple[str, int]]:
    """{code: (vehicle plate, rated Wh)} from the fleet registers, the owner's first."""
    rows = db.session.execute(
        sa.select(
            BusPack.pack_code, BusPack.vehicle_plate, BusPack.rated_kwh, BusPack.organisation_id
        ).where(BusPack.pack_code.in_(codes))
    )
    plates: dict[str, tuple[str, int]] = {}
    for code, plate, kwh, _org in sorted(rows, key=lambda r: r[3] != booking.organisation_id):
        plates.setdefault(code, (plate, int(Decimal(kwh) * 1000)))
    return plates


def _packs_of(booking: Booking, receipt: LotReceipt, serials, plates) -> list[Pack]:
    lot = receipt.lot
    letter = letter_for_chemistry(lot.chemistry) or "Z"
    packs = []
    for index, mass in enumerate(receipt.pack_masses()):
        if index < len(receipt.codes):
            code, assigned = receipt.codes[index][0], False
        else:
            code, assigned = (
                make_park_code(
                    next(serials),
                    chemistry_letter=letter,
                    manufacturer=PARK_MANUFACTURER,
                    product_type=PRODUCT_TYPE_OF_FORM.get(lot.form, "P"),
                    traceability="000000" + park_serials.line(),
                    produced=clock.today(),
                ),
                True,
            )
        packs.append(
            Pack(
                code=code,
                original_code=None if assigned else code,
                code_assigned=assigned,
                chemistry=lot.chemistry,
                form=lot.form,
                mass_kg=mass,
                owner_id=booking.organisation_id,
                booking=booking,
                lot=lot,
                damaged=lot.condition != "intact",
                vehicle_plate=plates[code][0] if code in plates else None,
                rated_wh=plates[code][1] if code in plates else None,  # as the owner declared
            )
        )
    return packs


def _chain(
    pack: Pack, booking: Booking, stop: PlanStop | None, user: User, measured: Decimal
) -> None:
    if pack.vehicle_plate:  # known from the owner's fleet register
        pack_events.record(
            pack,
            "retired",
            booking.created_by,
            at=booking.created_at,
            organisation_id=booking.organisation_id,
            data={"vehicle_plate": pack.vehicle_plate},
        )
    pack_events.record(
        pack,
        "booked",
        booking.created_by,
        at=booking.created_at,
        organisation_id=booking.organisation_id,
        data={"booking_id": booking.id, "lot": pack.lot.position},
    )
    if stop is not None:
        route = stop.route
        pack_events.record(
            pack,
            "picked_up",
            route.truck.driver,
            at=stop.done_at,
            organisation_id=route.truck.organisation_id,
            data={"truck": route.truck.plate, "plan_route_id": route.id, "plan_id": route.plan_id},
        )
    pack_events.record(
        pack,
        "received",
        user,
        data={"booking_id": booking.id, "measured_kg": str(measured), "pack_kg": str(pack.mass_kg)},
    )


def receive(user: User, booking_id: int, raw: dict) -> Intake:
    """Weigh in one picked-up booking: packs, their chains, the intake, booking received."""
    policies.require(
        user, policies.PLANT_STAFF, _l("Only plant operators receive, grade and move packs.")
    )
    try:
        booking = _lock_booking(booking_id)
        receipts = parse_receipt(booking, raw)
        note = limited_text(raw.get("note"), "note", NOTE_MAX)
        measured = sum((r.mass_kg for r in receipts), Decimal(0))
        codes = [code for r in receipts for code, _ in r.codes]
        stop = pickup_stop(booking.id)
        intake_check.check_against_driver(stop, measured, codes, note)
        check_mass(Decimal(booking.total_mass_kg), measured, note)
        _refuse_existing(codes)
        serials = iter(park_serials.next_serial, None)  # from the database, no scan
        plates = _plates(booking, codes)
        for receipt in receipts:
            for pack in _packs_of(booking, receipt, serials, plates):
                db.session.add(pack)
                _chain(pack, booking, stop, user, receipt.mass_kg)
        intake = Intake(booking=booking, measured_kg=measured, note=note, by_user_id=user.id)
        db.session.add(intake)
        rollups.on_intake(intake, booking.site.city if booking.site else None)
        booking_service.change_status(
            user,
            booking.id,
            BookingStatus.RECEIVED,
            note,
            event_details.received(measured, lot_counts(receipts)),
        )
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _l(
                "Booking #%(id)s or one of its codes was received at the same "
                "time by someone else.",
                id=booking_id,
            ),
            code=Code.CONFLICT,
        ) from exc
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return intake
