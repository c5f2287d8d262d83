"""The dashboard's figures for a year (Beijing time), read from the monthly rollups
(services/reporting/rollups.py); the GROUP BY queries over the raw rows below stay as the reference
a test compares the rollups with.

Received = measured intake mass; processed = mass of packs dismantled or consumed into a
refurbished pack (each pack counted once, at its first such event); second life = refurbished
packs built. Months are bucketed in SQL with a CASE over the months' UTC start instants, so
that the same query works on SQLite and PostgreSQL and respects Beijing time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from lithloop import clock
from lithloop.batteries.co2 import Co2Factors, co2_avoided
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    DismantlingBatch,
    Intake,
    Pack,
    PackEvent,
    PackState,
    Site,
    Warehouse,
)
from lithloop.services.reporting import rollups

ZERO = Decimal(0)
AGING_BUCKETS = ((7, "0-7"), (14, "8-14"), (21, "15-21"), (30, "22-30"))  # days, label
BUCKET = sa.literal_column("bucket")  # GROUP BY the label: PG refuses repeated bound CASEs


def month_starts(year: int) -> list[datetime]:
    """The UTC instants at which each Beijing-time month of the year starts, and the next year."""
    return [clock.at(date(year, m, 1)) for m in range(1, 13)] + [clock.at(date(year + 1, 1, 1))]


def _in_year(column, starts):
    return sa.and_(column >= starts[0], column < starts[12])


def _month(column, starts):
    """1..12: the Beijing-time month of a UTC timestamp inside the year."""
    return sa.case(*[(column < starts[m], m) for m in range(1, 12)], else_=12).label("bucket")


def _tonnes(kg) -> Decimal:
    return (Decimal(kg or 0) / 1000).quantize(Decimal("0.001"))


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


@dataclass(frozen=True)
class Summary:
    """The year's headline figures against the park's capacity."""

    year: int
    received_t: Decimal
    processed_t: Decimal
    capacity_t: int
    second_life_packs: int
    capacity_packs: int


def _total(rows: dict, measure: str) -> list:
    """12 monthly values of a measure, summed over its keys."""
    months = [ZERO] * 12
    for values in rows.get(measure, {}).values():
        months = [a + b for a, b in zip(months, values, strict=True)]
    return months


def summary(year: int | None = None) -> Summary:
    """Tonnes received and processed, second-life packs built, and the capacities (from
    the monthly rollups: one query)."""
    year = year or clock.today().year
    rows = rollups.year_rows(year)
    config = current_app.config
    return Summary(
        year,
        _tonnes(sum(_total(rows, "intake_kg"))),
        _tonnes(sum(_total(rows, "processed_kg"))),
        int(config["PARK_INTAKE_T_PER_YEAR"]),
        int(sum(_total(rows, "built"))),
        int(config["SECOND_LIFE_PACKS_PER_YEAR"]),
    )


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


def aging_days() -> list[tuple[str, int]]:
    """Packs now in the aging warehouse, by days spent there (0-7, 8-14, ... , over 30)."""
    now = clock.now()
    since = Pack.warehouse_since
    bucket = sa.case(
        *[(since > now - timedelta(days=d), label) for d, label in AGING_BUCKETS], else_=">30"
    ).label("bucket")
    counts = dict(
        db.session.execute(
            sa.select(bucket, sa.func.count(Pack.id))
            .where(Pack.warehouse == Warehouse.AGING, since.is_not(None))
            .group_by(BUCKET)
        ).all()
    )
    return [
        (label, int(counts.get(label, 0)))
        for label in [label for _, label in AGING_BUCKETS] + [">30"]
    ]


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


def co2_factors() -> Co2Factors:
    """The configured CO2 factors (estimates, no source)."""
    config = current_app.config
    return Co2Factors(
        Decimal(str(config["CO2_KG_PER_KG_RECYCLED"])),
        Decimal(str(config["CO2_KG_PER_KWH_SECOND_LIFE"])),
    )


def _by_key(rows: dict, measure: str) -> dict[str, Decimal]:
    return {key: sum(values) for key, values in rows.get(measure, {}).items()}


def dashboard(year: int | None = None) -> dict:
    """Everything the dashboard page draws, for one year: the monthly rollups (one query)
    and the aging warehouse now (one query), whatever the history's length."""
    year = year or clock.today().year
    rows = rollups.year_rows(year)
    config = current_app.config
    built = [int(n) for n in _total(rows, "built")]
    head = Summary(
        year,
        _tonnes(sum(_total(rows, "intake_kg"))),
        _tonnes(sum(_total(rows, "processed_kg"))),
        int(config["PARK_INTAKE_T_PER_YEAR"]),
        sum(built),
        int(config["SECOND_LIFE_PACKS_PER_YEAR"]),
    )
    received, processed = _by_key(rows, "received_kg"), _by_key(rows, "processed_kg")
    made = _by_key(rows, "built")
    chemistry = [
        {
            "chemistry": c,
            "received_kg": received.get(c, ZERO),
            "processed_kg": processed.get(c, ZERO),
            "built": int(made.get(c, 0)),
        }
        for c in set(received) | set(processed) | set(made)
    ]
    chemistry.sort(key=lambda r: (-r["received_kg"], r["chemistry"]))
    cities = sorted(_by_key(rows, "intake_kg_city").items(), key=lambda i: (-i[1], i[0]))
    materials = sorted(_by_key(rows, "material_kg").items(), key=lambda i: (-i[1], i[0]))
    dismantled_kg = sum(_total(rows, "dismantled_kg"))
    kwh = (sum(_total(rows, "built_wh_soh")) / 100000).quantize(Decimal("0.01"))
    factors = co2_factors()
    return {
        "summary": head,
        "months": {
            "received_t": [_tonnes(v) for v in _total(rows, "intake_kg")],
            "processed_t": [_tonnes(v) for v in _total(rows, "processed_kg")],
            "built": built,
        },
        "chemistry": chemistry,
        "cities": [(city or "—", kg) for city, kg in cities],
        "aging": aging_days(),
        "materials": materials,
        "co2": co2_avoided(Decimal(dismantled_kg), kwh, factors),
        "co2_factors": factors,
        "dismantled_kg": Decimal(dismantled_kg),
        "second_life_kwh": kwh,
    }
