"""The dashboard's monthly rollups: kept in the transaction of each event that changes them,
rebuilt from the event log by `flask rebuild-rollups`, and read instead of rescanning
history (services/reporting/dashboard.py).

Measures per Beijing-time month (key in brackets): intake_kg and intake_kg_city [city]
(measured intake mass); received_kg [chemistry] (pack masses at their first `received`);
processed_kg [chemistry] (first `dismantled` or `consumed` of a pack); dismantled_kg (first
`dismantled`); built [chemistry] and built_wh_soh (refurbished packs at their first `built`:
count, rated Wh × SoH %); material_kg [material] (weighed out of the batches closed);
bookings (bookings made, by their creation: counted by a mapper event on every insert and
delete, so that no path that writes a booking through the ORM can miss it; the API's booking
list reads the park's total from it instead of counting every booking).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    DismantlingBatch,
    Intake,
    MonthlyRollup,
    Pack,
    PackEvent,
    PackState,
    Site,
)

#: The kinds whose first occurrence on a pack counts, per measure family.
PROCESSED = ("dismantled", "consumed")
FAMILIES = {"received": ("received",), "built": ("built",), "dismantled": PROCESSED}
FAMILIES["consumed"] = PROCESSED
ZERO = Decimal(0)


def month_of(at: datetime) -> date:
    """The first day of the Beijing-time month of a UTC time."""
    return clock.local_day(at).replace(day=1)


def _upsert(dialect: str, month: date, measure: str, key: str, value):
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = MonthlyRollup.__table__
    statement = insert(table).values(
        month=month, measure=measure, key=key or "", value=Decimal(value)
    )
    return statement.on_conflict_do_update(
        index_elements=["month", "measure", "key"],
        set_={"value": table.c.value + statement.excluded.value},
    )


def add(month: date, measure: str, key: str, value) -> None:
    """Add to one rollup row (an atomic upsert: concurrent transactions both count)."""
    if not value:
        return
    statement = _upsert(db.session.get_bind().dialect.name, month, measure, key, value)
    with db.session.no_autoflush:  # only this table: the caller's pending rows stay pending
        db.session.execute(statement)


@sa.event.listens_for(Booking, "after_insert")
def _booking_made(_mapper, connection, booking: Booking) -> None:
    at = booking.created_at or clock.now()
    connection.execute(_upsert(connection.dialect.name, month_of(at), "bookings", "", 1))


@sa.event.listens_for(Booking, "after_delete")
def _booking_deleted(_mapper, connection, booking: Booking) -> None:
    at = booking.created_at or clock.now()
    connection.execute(_upsert(connection.dialect.name, month_of(at), "bookings", "", -1))


def booking_total() -> int:
    """How many bookings there are, from the bookings rollup (a row a month, not a row a
    booking): the park-wide total of the API's booking list."""
    where = MonthlyRollup.measure == "bookings"
    return int(db.session.scalar(sa.select(sa.func.sum(MonthlyRollup.value)).where(where)) or 0)


def _is_first(pack: Pack, kinds: tuple[str, ...], event: PackEvent) -> bool:
    """No other event of these kinds on the pack, stored or pending in this session."""
    pending = [
        e
        for e in db.session.new
        if isinstance(e, PackEvent) and e is not event and e.pack is pack and e.kind in kinds
    ]
    if pending:
        return False
    if pack.id is None:
        return True
    with db.session.no_autoflush:
        return not db.session.scalar(
            sa.select(
                sa.exists().where(
                    PackEvent.pack_id == pack.id,
                    PackEvent.kind.in_(kinds),
                    PackEvent.id != (event.id or 0),
                )
            )
        )


def on_event(event: PackEvent) -> None:
    """Count a pack event that a measure depends on (called by pack_events.record)."""
    kinds = FAMILIES.get(event.kind)
    pack = event.pack
    if kinds is None or not _is_first(pack, kinds, event):
        return
    month, chemistry, mass = month_of(event.at), pack.chemistry, pack.mass_kg
    if event.kind == "received":
        add(month, "received_kg", chemistry, mass)
    elif event.kind == "built":
        if pack.refurbished:
            add(month, "built", chemistry, 1)
            add(month, "built_wh_soh", "", (pack.rated_wh or 0) * (pack.soh_pct or 0))
    elif pack.state in (PackState.DISMANTLED, PackState.CONSUMED):
        add(month, "processed_kg", chemistry, mass)
        if event.kind == "dismantled":
            add(month, "dismantled_kg", "", mass)


def on_intake(intake: Intake, city: str | None) -> None:
    """Count an intake's measured mass (called where the intake is recorded)."""
    intake.at = intake.at or clock.now()
    month = month_of(intake.at)
    add(month, "intake_kg", "", intake.measured_kg)
    add(month, "intake_kg_city", city or "", intake.measured_kg)


def on_batch_closed(batch: DismantlingBatch) -> None:
    """Count the materials weighed out of a closed batch."""
    month = month_of(batch.closed_at)
    for material, kg in (batch.outputs or {}).items():
        add(month, "material_kg", material, Decimal(str(kg)))


@dataclass(frozen=True)
class _Row:
    chemistry: str
    mass_kg: Decimal
    state: PackState
    rated_wh: int | None
    soh_pct: Decimal | None
    refurbished: bool


def recompute() -> dict[tuple[date, str, str], Decimal]:
    """Every rollup value computed again from the raw rows (intakes, events, batches)."""
    totals: dict[tuple[date, str, str], Decimal] = defaultdict(lambda: ZERO)

    def put(at, measure, key, value):
        if value:
            totals[(month_of(at), measure, key or "")] += Decimal(value)

    intakes = (
        sa.select(Intake.at, Intake.measured_kg, Site.city)
        .join(Booking, Booking.id == Intake.booking_id)
        .join(Site, Site.id == Booking.site_id)
    )
    for at, kg, city in db.session.execute(intakes):
        put(at, "intake_kg", "", kg)
        put(at, "intake_kg_city", city, kg)
    for kinds in (("received",), PROCESSED, ("dismantled",), ("built",)):
        first = (
            sa.select(PackEvent.pack_id, sa.func.min(PackEvent.at).label("at"))
            .where(PackEvent.kind.in_(kinds))
            .group_by(PackEvent.pack_id)
            .subquery()
        )
        columns = (Pack.chemistry, Pack.mass_kg, Pack.state, Pack.rated_wh, Pack.soh_pct)
        rows = db.session.execute(
            sa.select(first.c.at, *columns, Pack.refurbished).join(Pack, Pack.id == first.c.pack_id)
        )
        for at, *values in rows:
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            pack = _Row(*values)
            processed = pack.state in (PackState.DISMANTLED, PackState.CONSUMED)
            if kinds == ("received",):
                put(at, "received_kg", pack.chemistry, pack.mass_kg)
            elif kinds == PROCESSED and processed:
                put(at, "processed_kg", pack.chemistry, pack.mass_kg)
            elif kinds == ("dismantled",) and processed:
                put(at, "dismantled_kg", "", pack.mass_kg)
            elif kinds == ("built",) and pack.refurbished:
                put(at, "built", pack.chemistry, 1)
                put(at, "built_wh_soh", "", (pack.rated_wh or 0) * (pack.soh_pct or 0))
    for (at,) in db.session.execute(sa.select(Booking.created_at)):
        put(at if at.tzinfo else at.replace(tzinfo=UTC), "bookings", "", 1)
    closed = sa.select(DismantlingBatch.closed_at, DismantlingBatch.outputs).where(
        DismantlingBatch.closed_at.is_not(None)
    )
    for at, outputs in db.session.execute(closed):
        for material, kg in (outputs or {}).items():
            put(at, "material_kg", material, Decimal(str(kg)))
    return dict(totals)


def stored() -> dict[tuple[date, str, str], Decimal]:
    """The rollup rows as they are (zero rows left out)."""
    rows = db.session.execute(
        sa.select(
            MonthlyRollup.month, MonthlyRollup.measure, MonthlyRollup.key, MonthlyRollup.value
        )
    )
    return {(m, measure, key): Decimal(v) for m, measure, key, v in rows if v}


def rebuild() -> int:
    """Replace every rollup row with a recomputation from the raw rows; how many rows."""
    values = recompute()
    db.session.execute(sa.delete(MonthlyRollup))
    db.session.add_all(
        MonthlyRollup(month=m, measure=measure, key=key, value=value)
        for (m, measure, key), value in values.items()
    )
    db.session.commit()
    return len(values)


def year_rows(year: int) -> dict[str, dict[str, list[Decimal]]]:
    """measure -> key -> 12 monthly values of a year, from one query."""
    found: dict[str, dict[str, list[Decimal]]] = defaultdict(dict)
    rows = db.session.execute(
        sa.select(
            MonthlyRollup.month, MonthlyRollup.measure, MonthlyRollup.key, MonthlyRollup.value
        ).where(MonthlyRollup.month >= date(year, 1, 1), MonthlyRollup.month <= date(year, 12, 1))
    )
    for month, measure, key, value in rows:
        found[measure].setdefault(key, [ZERO] * 12)[month.month - 1] += Decimal(value)
    return found
