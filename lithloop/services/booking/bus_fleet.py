"""A bus company's pack register: CSV preview and import, retirement forecast, pickup proposals."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.batteries import (
    FleetImport,
    FleetIssue,
    MonthDue,
    forecast_retirements,
    parse_fleet_csv,
    predict_retirement,
)
from lithloop.batteries.forecast import add_months
from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, BusPack, Role, Site, SiteKind, Truck, User
from lithloop.services.booking import capacity
from lithloop.services.booking.bookings import book_pickup
from lithloop.services.booking.draft import MAX_LOT_KG
from lithloop.services.booking.errors import Code
from lithloop.services.booking.sites import get_site
from lithloop.services.errors import Conflict, Forbidden, Invalid, NotFound

#: issue code added here (not by the parser): the code is already in the register
ALREADY_REGISTERED = Code.ALREADY_REGISTERED
ALREADY_REGISTERED_EN = "Pack code {value} is already in your register."
DEFAULT_THRESHOLD = Decimal(80)
DEFAULT_PROPOSAL_MONTHS = 1
FALLBACK_PROPOSAL_KG = Decimal(12000)
_CHUNK = 500


class ImportRefused(Invalid):
    """The file has errors: nothing was saved; `result` lists them."""

    def __init__(self, result: FleetImport):
        super().__init__(
            _l("Nothing was imported: the file has %(n)s problems to fix.", n=len(result.errors)),
            field="file",
            code=Code.IMPORT_REFUSED,
        )
        self.result = result


def _fleet_manager(user: User) -> None:
    if user.role is not Role.FLEET_MANAGER:
        raise Forbidden(_l("Only bus fleet managers keep a pack register."))


def soh_threshold() -> Decimal:
    """The SoH (%) at which a pack retires: config FLEET_SOH_THRESHOLD, 80 by default."""
    return Decimal(str(current_app.config.get("FLEET_SOH_THRESHOLD", DEFAULT_THRESHOLD)))


def _registered(org_id: int, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(codes), _CHUNK):
        found.update(
            db.session.scalars(
                sa.select(BusPack.pack_code).where(
                    BusPack.organisation_id == org_id, BusPack.pack_code.in_(codes[i : i + _CHUNK])
                )
            )
        )
    return found


def preview_import(user: User, data: bytes) -> FleetImport:
    """Parse and check a fleet CSV; codes already in the register are errors. Saves nothing."""
    _fleet_manager(user)
    result = parse_fleet_csv(data, today=clock.today())
    coded = [r for r in result.rows if r.pack_code]
    taken = _registered(user.organisation_id, [r.pack_code for r in coded])
    extra = tuple(
        FleetIssue(
            r.row,
            "pack_code",
            ALREADY_REGISTERED,
            {"value": r.pack_code},
            ALREADY_REGISTERED_EN.format(value=r.pack_code),
        )
        for r in coded
        if r.pack_code in taken
    )
    if not extra:
        return result
    errors = sorted(result.errors + extra, key=lambda i: (i.row or 0, i.column or ""))
    return replace(result, errors=tuple(errors))


def import_packs(user: User, data: bytes) -> int:
    """Add every pack of the file in one transaction, or none if any row has an error."""
    result = preview_import(user, data)
    if not result.ok:
        raise ImportRefused(result)
    db.session.add_all(
        BusPack(
            organisation_id=user.organisation_id,
            vehicle_plate=r.vehicle_plate,
            pack_code=r.pack_code,
            chemistry=r.chemistry,
            rated_kwh=r.rated_kwh,
            mass_kg=r.mass_kg,
            in_service_since=r.in_service_since,
            soh_pct=r.soh_pct,
        )
        for r in result.rows
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _l(
                "Some pack codes were registered meanwhile; nothing was imported. "
                "Check the file again."
            ),
            field="file",
            code=ALREADY_REGISTERED,
        ) from exc
    return len(result.rows)


def packs(user: User) -> sa.Select:
    """A query for the packs of the user's own organisation, by plate."""
    _fleet_manager(user)
    return (
        sa.select(BusPack)
        .where(BusPack.organisation_id == user.organisation_id)
        .order_by(BusPack.vehicle_plate, BusPack.id)
    )


def _open_packs(user: User) -> list[BusPack]:
    """Packs not yet on a live booking (unbooked, or their booking was cancelled)."""
    query = (
        packs(user)
        .outerjoin(Booking, Booking.id == BusPack.booking_id)
        .where(sa.or_(BusPack.booking_id.is_(None), Booking.status == BookingStatus.CANCELLED))
    )
    return list(db.session.scalars(query))


def forecast(
    user: User, today: date, *, threshold: Decimal | None = None, horizon_months: int = 12
) -> list[MonthDue]:
    """Packs not yet booked that come due per month, from this month on."""
    return forecast_retirements(
        _open_packs(user),
        today,
        horizon_months=horizon_months,
        soh_threshold=threshold or soh_threshold(),
    )


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
    )


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
    if site is None:
        return []
    limit, until = threshold or soh_threshold(), add_months(today, months)
    due = sorted(
        (
            (predict_retirement(p, today, soh_threshold=limit).retires_on, p)
            for p in _open_packs(user)
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
    _fleet_manager(user)
    try:
        ids = sorted({int(i) for i in pack_ids})
    except (TypeError, ValueError) as exc:
        raise NotFound(_l("No such pack.")) from exc
    if not ids:
        raise Invalid(_l("The proposal has no packs."), field="pack_ids")
    site = depot(user, site_id)
    chosen = list(
        db.session.scalars(
            sa.select(BusPack).where(
                BusPack.organisation_id == user.organisation_id, BusPack.id.in_(ids)
            )
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
                ids=", ".join(f"#{i}" for i in sorted(live)),
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
        "note": str(_l("Retired bus packs from the fleet register (%(n)s packs).", n=len(ids))),
    }
    booking, created = book_pickup(user, raw, key)
    db.session.execute(
        sa.update(BusPack)
        .where(
            BusPack.organisation_id == user.organisation_id,
            BusPack.id.in_(ids),
            sa.or_(BusPack.booking_id.is_(None), BusPack.booking_id.in_(linked)),
        )
        .values(booking_id=booking.id)
    )
    db.session.commit()
    return booking, created
