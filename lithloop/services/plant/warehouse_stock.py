"""A warehouse's stock as it grows: filtered by chemistry, grade and days in the warehouse,
totals from one aggregate, one page of packs, and the aging alert without loading stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackState, PackTest, Warehouse
from lithloop.services.plant.warehouses import StockRow, is_overdue, local_date

PAGE_SIZE = 50
#: Days-in-the-warehouse filters: label -> (at least, fewer than) days.
AGES = {"0-7": (0, 8), "8-14": (8, 15), "15-30": (15, 31), ">30": (31, None)}
ALERT_CODES = 20  # packs named in the aging alert; the count is of all


@dataclass(frozen=True)
class Filters:
    """What the stock is narrowed to (None: everything)."""

    chemistry: str | None = None
    grade: str | None = None
    age: str | None = None
    code: str | None = None  # part of a pack code

    def where(self, warehouse: Warehouse) -> list:
        """The SQL conditions of these filters in one warehouse."""
        conditions = [Pack.warehouse == warehouse]
        if self.chemistry:
            conditions.append(Pack.chemistry == self.chemistry)
        if self.code:
            conditions.append(Pack.code.contains(self.code.strip().upper(), autoescape=True))
        if self.grade in {g.value for g in Grade}:
            conditions.append(Pack.grade == Grade(self.grade))
        if self.age in AGES:
            low, high = AGES[self.age]
            start = clock.at(clock.today())  # midnight today, Beijing time
            conditions.append(Pack.warehouse_since < start - timedelta(days=low - 1))
            if high is not None:
                conditions.append(Pack.warehouse_since >= start - timedelta(days=high - 1))
        return conditions


@dataclass(frozen=True)
class Totals:
    """Count, mass and energy of the filtered stock."""

    packs: int
    mass_kg: Decimal
    rated_kwh: Decimal
    usable_kwh: Decimal


def totals(warehouse: Warehouse, filters: Filters) -> Totals:
    """The filtered stock's totals in one aggregate query."""
    count, kg, wh, wh_soh = db.session.execute(
        sa.select(
            sa.func.count(Pack.id),
            sa.func.sum(Pack.mass_kg),
            sa.func.sum(Pack.rated_wh),
            sa.func.sum(Pack.rated_wh * Pack.soh_pct),
        ).where(*filters.where(warehouse))
    ).one()
    return Totals(
        int(count),
        Decimal(kg or 0),
        (Decimal(wh or 0) / 1000).quantize(Decimal("0.01")),
        (Decimal(wh_soh or 0) / 100000).quantize(Decimal("0.01")),
    )


def page(warehouse: Warehouse, filters: Filters, number: int, per_page: int = PAGE_SIZE):
    """One page of the filtered stock, oldest first, each with its days and overdue flag."""
    today = clock.today()
    packs = db.session.scalars(
        sa.select(Pack)
        .where(*filters.where(warehouse))
        .options(selectinload(Pack.tests))
        .order_by(Pack.warehouse_since, Pack.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return [
        StockRow(p, (today - (local_date(p.warehouse_since) or today)).days, is_overdue(p, today))
        for p in packs
    ]


def chemistries(warehouse: Warehouse) -> list[str]:
    """The chemistries in a warehouse now (for the filter)."""
    return list(
        db.session.scalars(
            sa.select(Pack.chemistry)
            .where(Pack.warehouse == warehouse)
            .distinct()
            .order_by(Pack.chemistry)
        )
    )


def overdue(limit: int = ALERT_CODES) -> tuple[int, list[tuple[int, str]]]:
    """How many packs are overdue in aging, and (id, code) of the oldest `limit` of them:
    aging past their aging_until date with no retest taken on or after it (two queries,
    reading only the packs past their date and their latest retest)."""
    today = clock.today()
    candidates = db.session.execute(
        sa.select(Pack.id, Pack.code, Pack.aging_until)
        .where(
            Pack.state == PackState.AGING,
            Pack.aging_until.is_not(None),
            Pack.aging_until < today,
        )
        .order_by(Pack.aging_until, Pack.id)
    ).all()
    retests = {}
    if candidates:
        retests = dict(
            db.session.execute(
                sa.select(PackTest.pack_id, sa.func.max(PackTest.at))
                .where(PackTest.kind == "retest", PackTest.pack_id.in_([c[0] for c in candidates]))
                .group_by(PackTest.pack_id)
            ).all()
        )
    late = []
    for pid, code, until in candidates:
        retest = retests.get(pid)
        if retest is not None and retest.tzinfo is None:
            retest = retest.replace(tzinfo=UTC)
        if retest is None or local_date(retest) < until:
            late.append((pid, code))
    return len(late), late[:limit]
