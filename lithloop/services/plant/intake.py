"""Receiving a truck's booking at the park: its packs weighed in, all or nothing.

Receiving creates a Pack for every pack of every lot, backfills each pack's chain with
"booked" and "picked_up", records the handover "received", stores the Intake with the
measured mass and moves the booking to received, in one transaction. The arrivals list and
a booking's pickup stop are in `truck_arrivals`.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels
from lithloop.batteries import letter_for_chemistry, make_park_code
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    BusPack,
    Intake,
    Pack,
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
from lithloop.services.plant.truck_arrivals import pickup_stop
from lithloop.services.reporting import rollups
from lithloop.services.strict_input import limited_text

NOTE_MAX = 500  # intake.note's length, and the form field's maxlength
PARK_MANUFACTURER = park_serials.PARK_MANUFACTURER
PRODUCT_TYPE_OF_FORM = {"pack": "P", "module": "M", "cell": "C"}


def _lock_booking(booking_id: int) -> Booking:
    booking = db.session.scalar(
        sa.select(Booking)
        .where(Booking.id == booking_id)
        .with_for_update()
        .execution_options(populate_existing=True)
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
            _l(
                "%(what)s; it has not been picked up yet.",
                what=labels.clause(labels.BOOKING_IS, booking.status, booking_id),
            ),
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


def _picked_up_by(booking: Booking, stop: PlanStop) -> User | None:
    """Who recorded the booking's pickup (its history's last entry to picked up: the driver
    who drove it that day, perhaps not the truck's regular one), else the truck's driver."""
    recorded = db.session.scalar(
        sa.select(BookingEvent)
        .where(
            BookingEvent.booking_id == booking.id,
            BookingEvent.to_status == BookingStatus.PICKED_UP.value,
            BookingEvent.by_user_id.is_not(None),
        )
        .order_by(BookingEvent.id.desc())
        .limit(1)
    )
    return recorded.by_user if recorded is not None else stop.route.truck.driver


def _chain(
    pack: Pack,
    booking: Booking,
    stop: PlanStop | None,
    users: tuple[User | None, User],
    measured: Decimal,
) -> None:
    driver, user = users  # who picked it up, who receives it
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
            driver,
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
        users = (_picked_up_by(booking, stop) if stop is not None else None, user)
        for receipt in receipts:
            for pack in _packs_of(booking, receipt, serials, plates):
                db.session.add(pack)
                _chain(pack, booking, stop, users, receipt.mass_kg)
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
