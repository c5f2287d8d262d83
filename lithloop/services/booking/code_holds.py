"""A pack code waits in one pickup at a time: a draft naming a code that an active booking
(requested or scheduled) already lists is refused, so that no pack is fetched twice; so is
one already registered as a pack at the park, which its intake would refuse after the trip.
A booked code of the owner's fleet register marks that register pack booked.

On PostgreSQL each code is locked for the rest of the transaction before the check (an
advisory lock keyed on the code), so two bookings naming one code at the same instant are
served one after the other: the second sees the first's lots and is refused."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import Booking, BookingLot, BookingStatus, BusPack, Pack, User
from lithloop.services.booking.draft import BookingDraft
from lithloop.services.booking.errors import Code
from lithloop.services.errors import Conflict

WAITING = (BookingStatus.REQUESTED, BookingStatus.SCHEDULED)
LOCK_SPACE = 0x7C0D  # advisory lock namespace of pack codes (first key of the pair)


def _lock_codes(codes) -> None:
    """Hold each code's advisory lock until commit (PostgreSQL; in a fixed order, so two
    bookings sharing several codes cannot deadlock). SQLite writes one at a time anyway."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for code in sorted(codes):
        db.session.execute(
            sa.select(sa.func.pg_advisory_xact_lock(LOCK_SPACE, sa.func.hashtext(code)))
        )


def refuse_codes_booked(user: User, draft: BookingDraft) -> None:
    """Conflict (409 already_booked, on the lot's codes) when a code of the draft is in an
    active booking; the booking's number is named only to its own organisation."""
    wanted = {code: i for i, lot in enumerate(draft.lots) for code in lot.codes}
    if not wanted:
        return
    _lock_codes(wanted)
    rows = db.session.execute(
        sa.select(BookingLot.booking_id, BookingLot.codes, Booking.organisation_id)
        .join(Booking, Booking.id == BookingLot.booking_id)
        .where(Booking.status.in_(WAITING), sa.cast(BookingLot.codes, sa.Text) != "[]")
        .order_by(BookingLot.booking_id)
    )
    for booking_id, codes, organisation_id in rows:
        taken = [code for code in codes or () if code in wanted]
        if not taken:
            continue
        code = taken[0]
        if organisation_id == user.organisation_id:
            message = _l(
                "Code %(code)s is already in booking #%(id)s, waiting for its pickup.",
                code=code,
                id=booking_id,
            )
        else:
            message = _l(
                "Code %(code)s is already booked for a pickup by another organisation.",
                code=code,
            )
        raise Conflict(message, field=f"lots[{wanted[code]}].codes", code=Code.ALREADY_BOOKED)
    _refuse_codes_at_park(wanted)


def _refuse_codes_at_park(wanted: dict[str, int]) -> None:
    """Conflict (409 already_booked, on the lot's codes) when a code is a pack the park has
    registered: intake refuses it ("already registered as packs") once the truck is back."""
    known = db.session.scalars(
        sa.select(Pack.code).where(Pack.code.in_(list(wanted))).order_by(Pack.code).limit(1)
    ).first()
    if known is not None:
        message = _l(
            "Code %(code)s belongs to a pack the park has already received; check the code "
            "on the pack's label.",
            code=known,
        )
        raise Conflict(message, field=f"lots[{wanted[known]}].codes", code=Code.ALREADY_BOOKED)


def link_register_packs(user: User, booking: Booking) -> None:
    """Mark the packs of the owner's fleet register that the booking lists by code as booked
    by it: booked from the form or the API, they stayed open in the register and came back
    in the retirement forecast's proposals, whose acceptance this module then refused."""
    codes = [code for lot in booking.lots for code in lot.codes]
    if codes:
        mark_register_booked(user, booking, BusPack.pack_code.in_(codes))


def mark_register_booked(user: User, booking: Booking, which) -> None:
    """Link the owner's register packs that `which` (a condition on BusPack) selects to the
    booking, unless a live booking already holds them (a cancelled one does not)."""
    cancelled = sa.select(Booking.id).where(Booking.status == BookingStatus.CANCELLED)
    db.session.execute(
        sa.update(BusPack)
        .where(
            BusPack.organisation_id == user.organisation_id,
            which,
            sa.or_(BusPack.booking_id.is_(None), BusPack.booking_id.in_(cancelled)),
        )
        .values(booking_id=booking.id)
    )
