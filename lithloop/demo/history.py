"""Demo history: bookings from the last open day taken through the whole chain by the real
services — picked up, received, tested and graded, aged, refurbished into a listed pack or
dismantled on a line, settled with a certificate — so that passports, warehouses, the
catalog and the dashboard have something in them on a fresh start.

One shortcut, for the demo only: packs sent to aging are marked as having rested their
AGING_DAYS already, so that their retest and release can happen today.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Booking, Pack, PackState, Plan, PlanStop, Role, Site, User
from lithloop.services.dispatch import driver_work, publishing, roster, runs
from lithloop.services.plant import assembly, dismantling, grading, intake, settlement, warehouses

#: Share of a dismantled pack's mass weighed out per material (roughly, for an LFP bus pack).
OUTPUT_SHARES = {
    "black_mass": Decimal("0.36"),
    "copper": Decimal("0.08"),
    "aluminium": Decimal("0.11"),
    "steel": Decimal("0.22"),
    "plastics": Decimal("0.08"),
}


@dataclass(frozen=True)
class HistorySummary:
    """What seed_history took through the chain."""

    bookings: int
    packs: int
    refurbished: int
    dismantled: int
    settled: int


def _previous_open_day(today):
    from lithloop.services.booking import capacity

    day = today - timedelta(days=1)
    while not capacity.is_open(day):
        day -= timedelta(days=1)
    return day


def _pick_up(day, dispatcher: User, driver: User) -> list[int]:
    """Plan and publish the day, then record every pickup as the demo driver."""
    run = runs.start_run(dispatcher, day, 3)
    runs.execute_run(run.id)
    plan = db.session.scalar(sa.select(Plan).where(Plan.run_id == run.id))
    if plan is None:
        return []
    publishing.publish_plan(dispatcher, plan.id)
    picked = []
    stops = db.session.scalars(
        sa.select(PlanStop)
        .join(PlanStop.route)
        .where(PlanStop.kind == "pickup", PlanStop.route.has(plan_id=plan.id))
        .order_by(PlanStop.id)
    ).all()
    for stop in stops:  # each route's pickups by its driver on the day's roster
        booking = stop.booking
        codes = "\n".join(c for lot in booking.lots for c in lot.codes)
        on_route = roster.driver_of(stop.route) or driver
        driver_work.record_pickup(on_route, stop.id, str(booking.total_mass_kg), codes)
        picked.append(booking.id)
    return picked


def _receive_and_grade(plant: User, booking_ids: list[int], rng: random.Random) -> list[Pack]:
    packs = []
    for booking_id in booking_ids:
        booking = db.session.get(Booking, booking_id)
        lots = [
            {
                "mass_kg": str(lot.mass_kg * Decimal(rng.randint(97, 103)) / 100),
                "count": str(lot.pack_count),
                "codes": "\n".join(lot.codes),
            }
            for lot in booking.lots
        ]
        intake.receive(
            plant, booking_id, {"lots": lots, "generate": "1", "note": "演示数据 / demo data"}
        )
        packs += db.session.scalars(
            sa.select(Pack).where(Pack.booking_id == booking_id).order_by(Pack.id)
        ).all()
    for pack in packs:
        soh = Decimal(rng.randint(52, 92))
        volts = Decimal(rng.randint(560, 620))
        grading.record_test(
            plant,
            pack.id,
            {
                "capacity_ah": str(_capacity_ah(pack.rated_wh, soh, volts)),
                "soh_pct": str(soh),
                "resistance_mohm": str(rng.randint(18, 40)),
                "ocv_v": str(volts),
                "insulation_ok": "on",
            },
        )
        grading.send(plant, pack.id)
    return packs


def _capacity_ah(rated_wh: int | None, soh: Decimal, volts: Decimal) -> Decimal:
    """The capacity a pack of this rating and health shows at this voltage (Ah × V = Wh)."""
    if not rated_wh:
        return soh * Decimal("2.8")  # no rating to check against: a typical bus pack
    return (Decimal(rated_wh) * soh / 100 / volts).quantize(Decimal("0.01"))


def _age_and_release(plant: User, packs: list[Pack], rng: random.Random) -> list[Pack]:
    aging = [p for p in packs if p.state is PackState.AGING]
    for pack in aging:
        pack.aging_until = clock.today()  # the demo shortcut (see the module docstring)
    db.session.commit()
    released = []
    for pack in aging:
        soh = Decimal(pack.soh_pct) - Decimal(rng.randint(0, 2))
        grading.record_test(
            plant,
            pack.id,
            {
                "capacity_ah": str(_capacity_ah(pack.rated_wh, soh, Decimal(590))),
                "soh_pct": str(soh),
                "insulation_ok": "on",
            },
        )
        if pack.state is PackState.AGING:
            released.append(warehouses.move(plant, pack.id, "aging", "finished"))
    return released


def _refurbish(plant: User, finished: list[Pack]) -> int:
    built = 0
    for first, second in list(zip(finished[0::2], finished[1::2], strict=False))[:1]:
        if first.chemistry != second.chemistry:
            continue
        soh = min(Decimal(first.soh_pct), Decimal(second.soh_pct))
        assembly.build(
            plant,
            assembly.BuildOrder(
                parent_codes=(first.code, second.code),
                rated_wh=100_000,
                mass_kg=(Decimal(first.mass_kg) + Decimal(second.mass_kg)) * Decimal("0.9"),
                test=assembly.FinalTest(
                    capacity_ah=_capacity_ah(100_000, soh, Decimal(590)),
                    soh_pct=soh,
                    resistance_mohm=Decimal(22),
                    ocv_v=Decimal(590),
                    insulation_ok=True,
                ),
                warranty_months=24,
                use_case="storage",
            ),
        )
        built += 1
    return built


def _dismantle(plant: User, packs: list[Pack]) -> int:
    raw = [p for p in packs if p.state is PackState.RAW]
    if not raw:
        return 0
    batch = dismantling.open_batch(plant, 1)
    dismantling.add_packs(plant, batch.id, [p.code for p in raw])
    mass = sum((Decimal(p.mass_kg) for p in raw), Decimal(0))
    dismantling.close_batch(
        plant,
        batch.id,
        {k: str((mass * share).quantize(Decimal("0.1"))) for k, share in OUTPUT_SHARES.items()},
    )
    return len(raw)


def seed_history(rng: random.Random, sites: list[Site], book) -> HistorySummary:
    """Book `sites` for the last open day with `book(sites, day, as_of)`, then take the
    bookings through the chain."""
    users = {
        u.role: u
        for u in db.session.scalars(sa.select(User).where(User.email.like("%@demo.lithloop")))
    }
    today = clock.today()
    day = _previous_open_day(today)
    booked = book(sites, day, day - timedelta(days=1))
    if not booked:
        return HistorySummary(0, 0, 0, 0, 0)
    picked = _pick_up(day, users[Role.DISPATCHER], users[Role.DRIVER])
    plant = users[Role.PLANT_OPERATOR]
    packs = _receive_and_grade(plant, picked, rng)
    finished = _age_and_release(plant, packs, rng)
    built = _refurbish(plant, finished)
    dismantled = _dismantle(plant, packs)
    settled = 0
    for booking_id in picked:
        settlement.settle(plant, booking_id)
        settled += 1
    return HistorySummary(len(picked), len(packs), built, dismantled, settled)
