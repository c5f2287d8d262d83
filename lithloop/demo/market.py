"""Demo stock for the market, made the way real stock is: retired bus packs booked by their
bus company, picked up on a published plan, received, tested and graded at the park, aged,
re-tested, released and assembled into the second-life packs listed for sale.

Every step calls the service the users' pages call, with the clock replayed weeks before
"today" (demo/replay.py): the pickup AGING_DAYS + SETTLE_DAYS ago, aging for the park's
AGING_DAYS, assembly the day after. So every pack on sale has a passport chain down to the
bus it left.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from lithloop import clock
from lithloop.demo import retired
from lithloop.demo.replay import Replay, replaying
from lithloop.extensions import db
from lithloop.models import Booking, Pack, PackState, Role, User
from lithloop.services.booking import capacity
from lithloop.services.booking import prices as price_service
from lithloop.services.plant import assembly, grading, intake, settlement, warehouses

#: LFP only: the index has a new-pack price for LFP alone.
#: (chemistry, rated Wh, grade, SoH, cycles, warranty, use, how many)
SPECS = [
    ("LFP", 51_200, "A", Decimal("88"), 1100, 24, "storage", 8),
    ("LFP", 14_336, "B", Decimal("72"), 1800, 12, "base_station", 6),
    ("LFP", 5_120, "B", Decimal("70"), 900, 12, "low_speed_vehicle", 5),
    ("LFP", 51_200, "C", Decimal("55"), 1400, 6, "storage", 3),
]
#: Nominal voltage of a built pack by rated Wh: 100 cells in series, or 16 (48 V class).
NOMINAL_V = {51_200: Decimal(320), 14_336: Decimal("51.2"), 5_120: Decimal("51.2")}
#: Retired packs a built pack is made of, by its grade: one, or two for grade C (the
#: weaker modules of two packs).
PARENTS = {"C": 2}
SETTLE_DAYS = 10  # after aging: release, assembly and a week on sale before today
BUS_PACK_V = Decimal(576)  # a bus pack: 180 LFP cells in series
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Reading:
    """What a retired pack shows at its intake test."""

    soh_pct: Decimal
    cycles: int


@dataclass(frozen=True)
class Build:
    """One pack to build: its spec and the codes of the retired packs it is made of."""

    spec: tuple
    parents: tuple[str, ...]


def _open_on_or_before(day: date) -> date:
    while not capacity.is_open(day):
        day -= timedelta(days=1)
    return day


def _users() -> dict[Role, User]:
    found = db.session.scalars(
        sa.select(User).where(User.email.like("%@demo.lithloop")).order_by(User.id.desc())
    )
    return {u.role: u for u in found}  # the first of each role (driver2@... are colleagues)


def refurbishable_soh(cycles: int) -> Decimal:
    """About the lowest SoH at which the pricing engine refurbishes a bus pack of this many
    cycles rather than recycling it (66 % when new to the count, a point per 300 cycles);
    so the packs a grade C pack is built from are graded B: its modules test lower once
    built into it."""
    return (Decimal(66) + Decimal(cycles) / 300).quantize(Decimal("0.1"))


def _plan_builds(rng: random.Random) -> tuple[list[Build], dict[str, Reading]]:
    """The packs to build and what each retired pack will show at its intake test: a SoH a
    little above the built pack's (whose modules are chosen from it) and high enough to be
    refurbished, and the BMS's cycle count (the built pack's is its parents' highest)."""
    builds, readings, n = [], {}, 0
    for spec in SPECS:
        for _ in range(spec[-1]):
            codes = []
            for k in range(PARENTS.get(spec[2], 1)):
                n += 1
                code = f"#{n}"  # replaced by the register's code
                codes.append(code)
                readings[code] = Reading(
                    max(spec[3], refurbishable_soh(spec[4])) + Decimal(rng.randint(20, 60)) / 10,
                    spec[4] - (rng.randint(50, 300) if k else 0),
                )
            builds.append(Build(spec, tuple(codes)))
    return builds, readings


def _test(plant: User, pack_id: int, soh: Decimal, rng, cycles: int | None = None) -> None:
    volts = BUS_PACK_V + rng.randint(0, 20)
    raw = {
        "capacity_ah": str((retired.PACK_KWH * 1000 * soh / 100 / volts).quantize(CENT)),
        "soh_pct": str(soh),
        "resistance_mohm": str(rng.randint(18, 26)),
        "ocv_v": str(volts),
        "insulation_ok": "on",
    }
    if cycles is not None:
        raw["cycle_count"] = str(cycles)
    grading.record_test(plant, pack_id, raw)


def _receive(plant: User, booking: Booking, masses: dict[str, Decimal]) -> list[Pack]:
    lots = [
        {
            "mass_kg": str(sum((masses[c] for c in lot.codes), Decimal(0))),
            "count": str(lot.pack_count),
            "codes": "\n".join(f"{c}, {masses[c]}" for c in lot.codes),
        }
        for lot in booking.lots
    ]
    intake.receive(plant, booking.id, {"lots": lots, "note": ""})
    return list(
        db.session.scalars(sa.select(Pack).where(Pack.booking_id == booking.id).order_by(Pack.id))
    )


def _grade(plant: User, packs: list[Pack], readings: dict[str, Reading], replay, rng) -> None:
    """Intake tests on the pickup day; each pack goes to the aging warehouse."""
    for pack in packs:
        replay.tick(6)
        reading = readings[pack.code]
        _test(plant, pack.id, reading.soh_pct, rng, reading.cycles)
        grading.send(plant, pack.id)  # to aging: graded A/B/C and worth refurbishing
        if pack.state is not PackState.AGING:
            raise RuntimeError(f"demo pack {pack.code} was not sent to aging ({pack.decision})")


def _age(plant: User, packs: list[Pack], replay: Replay, rng) -> None:
    """Retests when aging is over, and release to the finished-product warehouse."""
    replay.at(packs[0].aging_until, 9)
    for pack in packs:
        replay.tick(4)
        _test(plant, pack.id, Decimal(pack.soh_pct) - Decimal(rng.randint(0, 5)) / 10, rng)
        warehouses.move(plant, pack.id, "aging", "finished")


def _assemble(plant: User, build: Build, rng: random.Random) -> Pack:
    chemistry, rated_wh, grade, soh, cycles, warranty, use, _count = build.spec
    mass = price_service.price_second_life(  # the mass the index estimates for the spec
        {
            "chemistry": chemistry,
            "rated_kwh": str(Decimal(rated_wh) / 1000),
            "soh_pct": str(soh),
            "cycles": cycles,
            "grade": grade,
            "warranty_months": warranty,
        }
    ).mass_kg
    volts = NOMINAL_V[rated_wh]
    return assembly.build(
        plant,
        assembly.BuildOrder(
            parent_codes=build.parents,
            rated_wh=rated_wh,
            mass_kg=mass,
            test=assembly.FinalTest(
                capacity_ah=(Decimal(rated_wh) / volts * soh / 100).quantize(CENT),
                soh_pct=soh,
                resistance_mohm=Decimal(rng.randint(150, 220)) / 10,
                ocv_v=(volts * Decimal("1.04")).quantize(CENT),  # at rest, charged
                insulation_ok=True,
            ),
            warranty_months=warranty,
            use_case=use,
        ),
    )


def seed_market_packs(seed: int = 7) -> int:
    """Build and list the demo's second-life packs if none are listed yet; returns how many."""
    if db.session.scalar(sa.select(sa.func.count(Pack.id)).where(Pack.refurbished.is_(True))):
        return 0
    rng = random.Random(seed)
    users = _users()
    plant, dispatcher = users[Role.PLANT_OPERATOR], users[Role.DISPATCHER]
    fleet = retired.fleet_manager(users[Role.FLEET_MANAGER].password_hash)
    builds, planned = _plan_builds(rng)
    lead = int(current_app.config["AGING_DAYS"]) + SETTLE_DAYS
    pickup = _open_on_or_before(clock.today() - timedelta(days=lead))
    with replaying(pickup - timedelta(days=12), 10) as replay:
        order = [c for b in builds for c in b.parents]
        registered = retired.register(fleet, [planned[c].soh_pct for c in order], rng)
        names = dict(zip(order, [p.code for p in registered], strict=True))
        builds = [Build(b.spec, tuple(names[c] for c in b.parents)) for b in builds]
        readings = {names[c]: r for c, r in planned.items()}
        replay.at(pickup - timedelta(days=5), 14)
        bookings = retired.book(fleet, [p.code for p in registered], pickup)
        replay.at(pickup - timedelta(days=1), 16)
        plan = retired.plan_and_publish(dispatcher, pickup)
        stops = retired.pick_up(plan, replay)
        replay.moment = max(s.route.stops[-1].arrival for s in stops)
        kg = Decimal(retired.PACK_KG)
        masses = {p.code: kg * rng.randint(985, 1015) / 1000 for p in registered}
        packs = []
        for booking in bookings:
            replay.tick(20)
            packs += _receive(plant, db.session.get(Booking, booking.id), masses)
        _grade(plant, packs, readings, replay, rng)
        replay.at(pickup + timedelta(days=1), 10)
        for booking in bookings:
            replay.tick(15)
            settlement.settle(plant, booking.id)  # the bus company's statement, certificate
        _age(plant, packs, replay, rng)
        replay.at(clock.local_day(replay.moment) + timedelta(days=1), 8, 30)
        for build in builds:
            replay.tick(20)
            _assemble(plant, build, rng)
    return len(builds)
