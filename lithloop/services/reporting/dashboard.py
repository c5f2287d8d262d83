"""The dashboard's figures for a year (Beijing time), read from the monthly rollups
(services/reporting/rollups.py); the GROUP BY queries over the raw rows (raw_figures.py) stay
as the reference a test compares the rollups with.

Received = measured intake mass; processed = mass of packs dismantled or consumed into a
refurbished pack; second life = refurbished packs built (raw_figures.py says how each counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from lithloop import clock
from lithloop.batteries.co2 import Co2Factors, co2_avoided
from lithloop.extensions import db
from lithloop.models import Pack, Warehouse
from lithloop.services.reporting import rollups
from lithloop.services.reporting.raw_figures import BUCKET, ZERO

AGING_BUCKETS = ((7, "0-7"), (14, "8-14"), (21, "15-21"), (30, "22-30"))  # days, label


def _tonnes(kg) -> Decimal:
    return (Decimal(kg or 0) / 1000).quantize(Decimal("0.001"))


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
