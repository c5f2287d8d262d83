"""The dashboard's figures counted straight from the raw rows, with GROUP BY queries: the
reference a test compares the monthly rollups (rollups.py) with.

Received = measured intake mass; processed = mass of packs dismantled or consumed into a
refurbished pack (each pack counted once, at its first such event); second life = refurbished
packs built. Months are bucketed in SQL with a CASE over the months' UTC start instants, so
that the same query works on SQLite and PostgreSQL and respects Beijing time.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Booking, DismantlingBatch, Intake, Pack, PackEvent, PackState, Site

ZERO = Decimal(0)
BUCKET = sa.literal_column("bucket")  # GROUP BY the label: PG refuses repeated bound CASEs


def month_starts(year: int) -> list[datetime]:
    """The UTC instants at which each Beijing-time month of the year starts, and the next year."""
    return [clock.at(date(year, m, 1)) for m in range(1, 13)] + [clock.at(date(year + 1, 1, 1))]


def _in_year(column, starts):
    return sa.and_(column >= starts[0], column < starts[12])


def _month(column, starts):
    """1..12: the Beijing-time month of a UTC timestamp inside the year."""
    return sa.case(*[(column < starts[m], m) for m in range(1, 12)], else_=12).label("bucket")


def _first_event(kinds: tuple[str, ...]):
    """Per pack: the time of its first event of these kinds (a pack counts once)."""
    return (
        sa.select(PackEvent.pack_id, sa.func.min(PackEvent.at).label("at"))
        .where(PackEvent.kind.in_(kinds))
        .group_by(PackEvent.pack_id)
        .subquery()
    )


def _by_month(query, starts) -> list:
    values = [ZERO] * 12
    for bucket, value in db.session.execute(query.group_by(BUCKET)):
        values[int(bucket) - 1] = value or ZERO
    return values


def received_by_month(starts) -> list[Decimal]:
    """Measured intake kg per month."""
    return _by_month(
        sa.select(_month(Intake.at, starts), sa.func.sum(Intake.measured_kg)).where(
            _in_year(Intake.at, starts)
        ),
        starts,
    )


def _pack_events_query(kinds, value, starts, *extra):
    first = _first_event(kinds)
    return (
        sa.select(_month(first.c.at, starts), value)
        .join(Pack, Pack.id == first.c.pack_id)
        .where(_in_year(first.c.at, starts), *extra)
    )


def processed_by_month(starts, kinds=("dismantled", "consumed")) -> list[Decimal]:
    """kg of packs dismantled or consumed per month."""
    return _by_month(
        _pack_events_query(
            kinds,
            sa.func.sum(Pack.mass_kg),
            starts,
            Pack.state.in_([PackState.DISMANTLED, PackState.CONSUMED]),
        ),
        starts,
    )


def built_by_month(starts) -> list[int]:
    """Refurbished packs built per month."""
    counts = _by_month(
        _pack_events_query(("built",), sa.func.count(Pack.id), starts, Pack.refurbished.is_(True)),
        starts,
    )
    return [int(n) for n in counts]


def by_chemistry(starts) -> list[dict]:
    """Per chemistry: kg received (pack masses), kg processed, second-life packs built."""
    rows: dict[str, dict] = {}

    def add(query, key):
        for chemistry, value in db.session.execute(query.group_by(Pack.chemistry)):
            rows.setdefault(
                chemistry,
                {"chemistry": chemistry, "received_kg": ZERO, "processed_kg": ZERO, "built": 0},
            )[key] = value or 0

    def query(kinds, value, *extra):
        first = _first_event(kinds)
        return (
            sa.select(Pack.chemistry, value)
            .join(first, Pack.id == first.c.pack_id)
            .where(_in_year(first.c.at, starts), *extra)
        )

    add(query(("received",), sa.func.sum(Pack.mass_kg)), "received_kg")
    add(
        query(
            ("dismantled", "consumed"),
            sa.func.sum(Pack.mass_kg),
            Pack.state.in_([PackState.DISMANTLED, PackState.CONSUMED]),
        ),
        "processed_kg",
    )
    add(query(("built",), sa.func.count(Pack.id), Pack.refurbished.is_(True)), "built")
    return sorted(rows.values(), key=lambda r: (-r["received_kg"], r["chemistry"]))


def by_city(starts) -> list[tuple[str, Decimal]]:
    """Measured intake kg per city of the booking's site, largest first."""
    query = (
        sa.select(Site.city, sa.func.sum(Intake.measured_kg).label("kg"))
        .join(Booking, Booking.id == Intake.booking_id)
        .join(Site, Site.id == Booking.site_id)
        .where(_in_year(Intake.at, starts))
        .group_by(Site.city)
        .order_by(sa.desc("kg"), Site.city)
    )
    return [(city or "—", kg) for city, kg in db.session.execute(query)]


def recovered_materials(starts) -> list[tuple[str, Decimal]]:
    """kg weighed out of the batches closed in the year, per material (outputs are JSON)."""
    totals: dict[str, Decimal] = {}
    for outputs in db.session.scalars(
        sa.select(DismantlingBatch.outputs).where(
            DismantlingBatch.closed_at.is_not(None), _in_year(DismantlingBatch.closed_at, starts)
        )
    ):
        for material, kg in (outputs or {}).items():
            totals[material] = totals.get(material, ZERO) + Decimal(str(kg))
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def second_life_kwh(starts) -> Decimal:
    """Usable kWh (rated × SoH) of the refurbished packs built in the year."""
    first = _first_event(("built",))
    total = db.session.scalar(
        sa.select(sa.func.sum(Pack.rated_wh * Pack.soh_pct))
        .join(first, Pack.id == first.c.pack_id)
        .where(_in_year(first.c.at, starts), Pack.refurbished.is_(True))
    )
    return (Decimal(total or 0) / 100000).quantize(Decimal("0.01"))
