"""Reading settlements: the owner's statement, the plant's list, the public certificate.

The certificate of recycling is public by its unguessable token and carries only
non-confidential facts: booking id, owner organisation, the park as issuer, the settlement
date, and each pack's code, mass and destination (never prices or people). Destinations are
read from the packs' current states, so a certificate printed later shows how far each got.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer, selectinload

from lithloop import vocab
from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, Intake, Pack, PackState, Settlement, User
from lithloop.services import paging
from lithloop.services.accounts import policies
from lithloop.services.errors import NotFound

DISMANTLED, SECOND_LIFE, AWAITING = vocab.PackDestination
DESTINATION_OF_STATE = {
    PackState.DISMANTLED: DISMANTLED,
    PackState.CONSUMED: SECOND_LIFE,
    PackState.FINISHED: SECOND_LIFE,
    PackState.RESERVED: SECOND_LIFE,
    PackState.SOLD: SECOND_LIFE,
}


@dataclass(frozen=True)
class CertificatePack:
    """One line of the certificate."""

    code: str
    mass_kg: Decimal
    destination: str
    into: tuple[str, ...]  # refurbished packs it went into


@dataclass(frozen=True)
class Certificate:
    """The public facts of a settled booking."""

    token: str
    booking_id: int
    owner: str
    issuer: str
    settled_at: datetime
    measured_kg: Decimal | None
    packs: tuple[CertificatePack, ...]

    @property
    def pack_mass_kg(self) -> Decimal:
        """The sum of the packs' masses."""
        return sum((p.mass_kg for p in self.packs), Decimal(0))


def destination(pack: Pack) -> str:
    """Dismantled, second life (consumed into a refurbished pack, listed or sold), or awaiting."""
    return DESTINATION_OF_STATE.get(pack.state, AWAITING)


def certificate(token: str) -> Certificate:
    """The certificate of a settlement by its token; NotFound for an unknown token."""
    token = (token or "").strip()
    settlement = (
        db.session.scalar(sa.select(Settlement).where(Settlement.certificate_token == token))
        if token
        else None
    )
    if settlement is None:
        raise NotFound(_l("No such certificate."))
    booking = settlement.booking
    packs = db.session.scalars(
        sa.select(Pack)
        .options(selectinload(Pack.children))
        .where(Pack.booking_id == booking.id)
        .order_by(Pack.code)
    )
    intake = db.session.scalar(sa.select(Intake).where(Intake.booking_id == booking.id))
    issuer = settlement.by_user.organisation.name if settlement.by_user else ""
    return Certificate(
        token=token,
        booking_id=booking.id,
        owner=booking.organisation.name,
        issuer=issuer,
        settled_at=settlement.at,
        measured_kg=intake.measured_kg if intake else None,
        packs=tuple(
            CertificatePack(
                p.code, Decimal(p.mass_kg), destination(p), tuple(c.code for c in p.children)
            )
            for p in packs
        ),
    )


def statement(user: User, booking_id: int) -> Settlement:
    """A booking's settlement for its owner organisation or the park; NotFound otherwise."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not policies.sees_organisation(user, booking.organisation_id):
        raise NotFound(_l("No such settlement."))
    settlement = db.session.scalar(sa.select(Settlement).where(Settlement.booking_id == booking.id))
    if settlement is None:
        raise NotFound(_l("No such settlement."))
    return settlement


def _own(user: User, what=Settlement) -> sa.Select:
    """`what` of the settlements the user may see (the park sees all), not yet ordered."""
    return policies.scoped(sa.select(what).join(Booking), user, Booking.organisation_id)


def own_settlements(user: User, limit: int = 100, offset: int = 0) -> list[Settlement]:
    """Settlements the user may see, newest first (the park sees all)."""
    query = _own(user).order_by(Settlement.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(query.options(defer(Settlement.lines))))


def settled_page(user: User, page: int = 1, per_page: int = 50) -> paging.Page[Settlement]:
    """One page of own_settlements, read one row more instead of counting (services/paging.py)."""
    ordered = _own(user).options(defer(Settlement.lines)).order_by(Settlement.id.desc())
    rows = list(db.session.scalars(paging.window(ordered, page=page, per_page=per_page)))
    return paging.page_of(rows, page=page, per_page=per_page, count=_own(user, Settlement.id))


def _awaiting():
    # NOT EXISTS: a probe of the settlement's unique index per received booking, where
    # NOT IN (SELECT booking_id FROM settlement) hashed every settlement ever made first.
    settled = sa.exists().where(Settlement.booking_id == Booking.id)
    return [Booking.status == BookingStatus.RECEIVED, ~settled]


def awaiting_settlement(limit: int = 100, offset: int = 0) -> list[Booking]:
    """Received bookings not yet settled, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Booking)
            .options(selectinload(Booking.site), defer(Booking.quote))
            .where(*_awaiting())
            .order_by(Booking.pickup_date, Booking.id)
            .limit(limit)
            .offset(offset)
        )
    )


def awaiting_count() -> int:
    """How many received bookings wait for their settlement (one aggregate)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(*_awaiting()))
