"""Pickup proposals for a bus company: the packs coming due, grouped by depot into bookings of
a truck's load, and accepting one as a booking."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.batteries import (
    predict_retirement,
)
from lithloop.batteries.forecast import add_months
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import Booking, BookingStatus, BusPack, Site, SiteKind, Truck, User
from lithloop.services.booking import bus_fleet, capacity, reach
from lithloop.services.booking.bookings import book_pickup
from lithloop.services.booking.code_holds import mark_register_booked
from lithloop.services.booking.draft import MAX_LOT_KG
from lithloop.services.booking.errors import Code
from lithloop.services.booking.sites import get_site
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.strict_input import int_or_default

DEFAULT_PROPOSAL_MONTHS = 1
# The note of a booking made from a proposal is stored in one fixed form, whoever accepted
# it, and told in the reader's language (fleet_note_count); notes stored before were in the
# accepting manager's language, Chinese or English, and are read too.
FLEET_NOTE = "Retired bus packs from the fleet register ({n} packs)."
_FLEET_NOTES = (
    re.compile(r"Retired bus packs from the fleet register \((\d+) packs\)\."),
    re.compile(r"车队电池包台账中的退役公交电池包（(\d+) 个）。"),
)
FALLBACK_PROPOSAL_KG = Decimal(12000)


@dataclass(frozen=True)
class ProposalLot:
    """One chemistry of a proposal."""

    chemistry: str
    count: int
    mass_kg: Decimal
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Proposal:
    """Packs due soon, proposed as one pickup at one depot."""

    id: str
    site: Site
    pack_ids: tuple[int, ...]
    mass_kg: Decimal
    kwh: Decimal
    due_by: date
    lots: tuple[ProposalLot, ...]
    plates: tuple[tuple[str, int], ...] = ()  # the buses the packs come off, each with its count

    @property
    def count(self) -> int:
        """Number of packs."""
        return len(self.pack_ids)

    @property
    def codes(self) -> tuple[str, ...]:
        """Codes of the coded packs."""
        return tuple(c for lot in self.lots for c in lot.codes)


def depot(user: User, site_id: int | None = None) -> Site | None:
    """The chosen depot of the user's organisation, else its first bus depot (or site)."""
    if site_id is not None:
        site = get_site(user, site_id)
        if site.organisation_id != user.organisation_id:
            raise NotFound(_l("No such site."), field="site_id")
        return site
    own = sa.select(Site).where(Site.organisation_id == user.organisation_id)
    return db.session.scalar(
        own.where(Site.kind == SiteKind.BUS_DEPOT).order_by(Site.id)
    ) or db.session.scalar(own.order_by(Site.id))


def out_of_reach(site: Site | None) -> str | None:
    """Why no pickup is proposed at a depot beyond the service region (stored before the
    limit refused such sites; no truck could do it in a shift), else None."""
    beyond = reach.beyond_reach(site.lat, site.lon) if site is not None else None
    return reach.no_proposals(site.name, *beyond) if beyond is not None else None


def proposal_max_kg() -> Decimal:
    """The most one proposal carries: the largest active truck's payload (at most a lot)."""
    payload = db.session.scalar(
        sa.select(sa.func.max(Truck.payload_kg)).where(Truck.active.is_(True))
    )
    return min(Decimal(payload) if payload else FALLBACK_PROPOSAL_KG, MAX_LOT_KG)


def proposal_id(site_id: int, pack_ids) -> str:
    """A stable id for a proposal: the depot and a digest of its packs."""
    digest = hashlib.sha256(",".join(map(str, sorted(pack_ids))).encode()).hexdigest()
    return f"{site_id}-{digest[:16]}"


def _lots(chunk: list[BusPack]) -> tuple[ProposalLot, ...]:
    by_chem: dict[str, list[BusPack]] = defaultdict(list)
    for pack in chunk:
        by_chem[pack.chemistry].append(pack)
    return tuple(
        ProposalLot(
            chem,
            len(ps),
            sum((p.mass_kg for p in ps), Decimal(0)),
            tuple(p.pack_code for p in ps if p.pack_code),
        )
        for chem, ps in sorted(by_chem.items())
    )


def _proposal(site: Site, chunk: list[tuple[date, BusPack]]) -> Proposal:
    ids = tuple(sorted(p.id for _, p in chunk))
    return Proposal(
        proposal_id(site.id, ids),
        site,
        ids,
        sum((p.mass_kg for _, p in chunk), Decimal(0)),
        sum((p.rated_kwh for _, p in chunk), Decimal(0)),
        max(d for d, _ in chunk),
        _lots([p for _, p in chunk]),
        tuple(sorted(Counter(p.vehicle_plate for _, p in chunk).items())),
    )


def proposable_packs(user: User) -> tuple[list[BusPack], int]:
    """The open register packs a proposal may carry, and how many open packs were left out
    because the park has already received their code (registered before the import refused
    such codes: booking them would be refused, and their history is the park's already)."""
    return bus_fleet.still_to_come(user)


def proposals(
    user: User,
    today: date,
    *,
    months: int = DEFAULT_PROPOSAL_MONTHS,
    site_id: int | None = None,
    threshold: Decimal | None = None,
) -> list[Proposal]:
    """Packs due now or within `months`, grouped into truck-sized pickups at one depot."""
    site = depot(user, site_id)
    if site is None or out_of_reach(site) is not None:
        return []
    limit, until = threshold or bus_fleet.soh_threshold(), add_months(today, months)
    due = sorted(
        (
            (predict_retirement(p, today, soh_threshold=limit).retires_on, p)
            for p in proposable_packs(user)[0]
        ),
        key=lambda dp: (dp[0], dp[1].id),
    )
    due = [(d, p) for d, p in due if d <= until]
    cap, chunks, chunk, mass = proposal_max_kg(), [], [], Decimal(0)
    for day, pack in due:
        if chunk and mass + pack.mass_kg > cap:
            chunks.append(chunk)
            chunk, mass = [], Decimal(0)
        chunk.append((day, pack))
        mass += pack.mass_kg
    if chunk:
        chunks.append(chunk)
    return [_proposal(site, c) for c in chunks]


def open_days(mass_kg: Decimal, today: date | None = None) -> list[date]:
    """Days from tomorrow within the booking horizon that are open and fit this mass."""
    today = today or clock.today()
    horizon = current_app.config["BOOKING_HORIZON_DAYS"]
    days = capacity.calendar(today + timedelta(days=1), today + timedelta(days=horizon))
    return [d.day for d in days if d.fits(mass_kg)]


def _idempotency_key(pack_ids, earlier_bookings) -> str:
    text = ",".join(map(str, sorted(pack_ids))) + "|" + ",".join(map(str, sorted(earlier_bookings)))
    return "fleet-" + hashlib.sha256(text.encode()).hexdigest()[:40]


def accept_proposal(
    user: User, site_id: int, pack_ids, pickup_date: str, window: tuple[str, str]
) -> tuple[Booking, bool]:
    """Book a pickup of these packs (lots by chemistry) and link them; repeats return the first."""
    bus_fleet.require_fleet_manager(user)
    # ASCII digits within the id column: a 20-digit id overflowed the query (a 500) and int()
    # read "٣" as 3
    ids = sorted({int_or_default(i, 0, minimum=1) for i in pack_ids})
    if ids and ids[0] == 0:
        raise NotFound(_l("No such pack."), field="pack_ids")
    if not ids:
        raise Invalid(_l("The proposal has no packs."), field="pack_ids")
    site = depot(user, site_id)
    far = out_of_reach(site)
    if far is not None:
        raise Invalid(far, field="site_id")
    chosen = list(
        db.session.scalars(
            sa.select(BusPack)
            .where(BusPack.organisation_id == user.organisation_id, BusPack.id.in_(ids))
            .with_for_update()  # a hand change or removal of one of them waits (fleet_register)
        )
    )
    if len(chosen) != len(ids):
        raise NotFound(_l("No such pack."), field="pack_ids")
    linked = {p.booking_id for p in chosen if p.booking_id}
    live = (
        {
            b.id: b
            for b in db.session.scalars(
                sa.select(Booking).where(
                    Booking.id.in_(linked), Booking.status != BookingStatus.CANCELLED
                )
            )
        }
        if linked
        else {}
    )
    if live:
        if len(live) == 1 and all(p.booking_id in live for p in chosen):
            return next(iter(live.values())), False  # accepted before
        raise Conflict(
            _l(
                "Some of these packs are already booked (booking %(ids)s).",
                ids=listed([f"#{i}" for i in sorted(live)]),
            ),
            code=Code.ALREADY_BOOKED,
        )
    key = _idempotency_key(ids, linked)
    lots = _lots(chosen)
    raw = {
        "site_id": site.id,
        "date": pickup_date,
        "window": list(window),
        "lots": [
            {
                "chemistry": lot.chemistry,
                "form": "pack",
                "count": lot.count,
                "mass_kg": str(lot.mass_kg),
                "condition": "intact",
                "codes": list(lot.codes),
            }
            for lot in lots
        ],
        "note": fleet_note(len(ids)),
    }
    # the packs (without a code too) linked in the booking's own transaction: a hand change
    # or removal waiting on their rows sees them booked (a later link let it through)
    booking, created = book_pickup(user, raw, key, register_packs=ids)
    mark_register_booked(user, booking, BusPack.id.in_(ids))  # a repeat of an older booking
    db.session.commit()
    return booking, created


def fleet_note(count: int) -> str:
    """The stored note of a booking made from a proposal of `count` packs."""
    return FLEET_NOTE.format(n=count)


def fleet_note_count(note: str | None) -> int | None:
    """The pack count of a proposal booking's note (either stored form), else None."""
    for pattern in _FLEET_NOTES:
        found = pattern.fullmatch((note or "").strip())
        if found:
            return int(found.group(1))
    return None
