"""Demo history: bookings of an open day AGING_DAYS + HISTORY_SETTLE_DAYS ago taken through
the whole chain by the real services — picked up, received, tested and graded, aged,
refurbished into a listed pack or dismantled on a line, settled with a certificate — so that
passports, warehouses, the catalog and the dashboard have something in them on a fresh start.

Every step happens at its own time, the clock replayed as demo/market.py does
(demo/replay.py): booked the day before, picked up at each stop's time, received and graded
that evening, aged for the park's AGING_DAYS, retested and released, refurbished the next
morning. A passport never shows the aging taking no time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from lithloop import clock
from lithloop.demo.market import SETTLE_DAYS as MARKET_SETTLE_DAYS
from lithloop.demo.replay import Replay, replaying
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
#: Days between the end of the history packs' aging and today (release, build, settle).
HISTORY_SETTLE_DAYS = 3


@dataclass(frozen=True)
class HistorySummary:
    """What seed_history took through the chain."""

    bookings: int
    packs: int
    refurbished: int
    dismantled: int
    settled: int
    day: date | None = None


def _open_on_or_before(day: date) -> date:
    from lithloop.services.booking import capacity

    while not capacity.is_open(day):
        day -= timedelta(days=1)
    return day


def history_day(today: date) -> date:
    """The open day whose pickups the history replays: its packs' aging over before today,
    and not the market's pickup day (demo/market.py: one published plan a day)."""
    aging = int(current_app.config["AGING_DAYS"])
    day = _open_on_or_before(today - timedelta(days=aging + HISTORY_SETTLE_DAYS))
    market = _open_on_or_before(today - timedelta(days=aging + MARKET_SETTLE_DAYS))
    return day if day != market else _open_on_or_before(market - timedelta(days=1))


def _pick_up(day, dispatcher: User, driver: User, replay: Replay) -> list[int]:
    """Plan and publish the day, then record every pickup as its route's driver (else the
    demo driver) when the truck leaves the stop."""
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
        .order_by(PlanStop.departure, PlanStop.id)
    ).all()
    for stop in stops:  # each route's pickups by its driver on the day's roster
        replay.moment = stop.departure
        booking = stop.booking
        codes = "\n".join(c for lot in booking.lots for c in lot.codes)
        on_route = roster.driver_of(stop.route) or driver
        driver_work.record_pickup(on_route, stop.id, str(booking.total_mass_kg), codes)
        picked.append(booking.id)
    return picked


def _receive_and_grade(
    plant: User, booking_ids: list[int], rng: random.Random, replay: Replay
) -> list[Pack]:
    packs = []
    for booking_id in booking_ids:
        replay.tick(20)
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
        replay.tick(6)
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


def _age_and_release(
    plant: User, packs: list[Pack], rng: random.Random, replay: Replay
) -> list[Pack]:
    """Retests once aging is over (the day the last pack's ends), and release."""
    aging = [p for p in packs if p.state is PackState.AGING]
    if aging:
        replay.at(max(p.aging_until for p in aging), 9)
    released = []
    for pack in aging:
        replay.tick(4)
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
    day = history_day(clock.today())
    with replaying(day - timedelta(days=1), 14) as replay:
        booked = book(sites, day, day - timedelta(days=1))
        if not booked:
            return HistorySummary(0, 0, 0, 0, 0, day)
        replay.at(day - timedelta(days=1), 16)
        picked = _pick_up(day, users[Role.DISPATCHER], users[Role.DRIVER], replay)
        plant = users[Role.PLANT_OPERATOR]
        replay.at(day, 18)  # the trucks are back: intake that evening
        packs = _receive_and_grade(plant, picked, rng, replay)
        replay.at(day + timedelta(days=1), 10)
        settled = 0
        for booking_id in picked:  # the owner's statement and certificate, as for the market's
            replay.tick(15)
            settlement.settle(plant, booking_id)
            settled += 1
        replay.tick(30)
        dismantled = _dismantle(plant, packs)
        finished = _age_and_release(plant, packs, rng, replay)
        replay.at(clock.local_day(replay.moment) + timedelta(days=1), 8, 30)
        built = _refurbish(plant, finished)
    return HistorySummary(len(picked), len(packs), built, dismantled, settled, day)
