"""The pack register read by what people look for: packs by part of a bus's plate or of a
pack code, still to book, booked and awaiting pickup, or collected by the park; the states
of the bookings a page of packs is on; and the buses a booking carries packs of."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, BusPack
from lithloop.services.booking.search import OPEN
from lithloop.vocab.plates import plate_letters

#: What the register can be narrowed to: every pack, those no live booking holds, those on a
#: booking still open (requested, scheduled, on its way), those the park has received.
SHOWS = ("all", "unbooked", "booked", "collected")
_BY_SHOW = {"booked": OPEN, "collected": (BookingStatus.RECEIVED, BookingStatus.SETTLED)}


def plain(text: str) -> str:
    """A search text or a plate as the register compares them: a plate's letters
    (vocab.plates), without whitespace or invisible characters left in them."""
    text = plate_letters(text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def _plates_containing(query: sa.Select, text: str) -> list[str]:
    """The plates of the query's packs whose plain form contains the text. Compared here,
    not in SQL: a plate is stored as its owner typed it (黑Ｃ·Ｄ12345 with full-width letters,
    黑C－D12345), which no SQL function of both databases folds as NFKC does."""
    plates = db.session.scalars(
        query.with_only_columns(BusPack.vehicle_plate).distinct().order_by(None)
    )
    return [plate for plate in plates if text in plain(plate)]


def narrow(query: sa.Select, search: str = "", show: str = "all") -> sa.Select:
    """The register query for packs whose plate or code contains the search text (written
    with or without its dot, dash or spaces, in any case or width) and, by `show`, only
    those no live booking holds ('unbooked': never booked, or their booking was cancelled),
    those on an open booking ('booked') or those the park has received ('collected'); 'all'
    (or an unknown value) narrows nothing."""
    text = plain(search)
    if text:
        query = query.where(
            sa.or_(
                BusPack.vehicle_plate.in_(_plates_containing(query, text)),
                sa.func.upper(BusPack.pack_code).contains(text, autoescape=True),
            )
        )
    if show == "unbooked":
        live = sa.select(Booking.id).where(Booking.status != BookingStatus.CANCELLED)
        # (NULL IN ... is NULL, not false)
        query = query.where(sa.or_(BusPack.booking_id.is_(None), BusPack.booking_id.not_in(live)))
    elif show in _BY_SHOW:
        held = sa.select(Booking.id).where(Booking.status.in_(_BY_SHOW[show]))
        query = query.where(BusPack.booking_id.in_(held))
    return query


def booking_states(packs: list[BusPack]) -> dict[int, BookingStatus]:
    """The status of each booking these packs are on, by booking id (one query)."""
    ids = {p.booking_id for p in packs if p.booking_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Booking.id, Booking.status).where(Booking.id.in_(ids)))
    return {booking_id: status for booking_id, status in rows}


def buses_on(booking: Booking) -> list[tuple[str, int]]:
    """The plates of the buses whose register packs the booking carries, each with its count
    of packs, by plate (empty for a booking made without the register)."""
    query = (
        sa.select(BusPack.vehicle_plate, sa.func.count(BusPack.id))
        .where(BusPack.booking_id == booking.id)
        .group_by(BusPack.vehicle_plate)
        .order_by(BusPack.vehicle_plate)
    )
    return [(plate, count) for plate, count in db.session.execute(query)]
