"""The bus company's side of the demo's stock: a fleet register of retired packs, a booking
of them, and their pickup on a published plan, all through the users' own services.

Each step runs at the moment the replay clock (demo/replay.py) stands at, so the register,
the booking and the driver's pickup keep plausible dates weeks before "today".
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from lithloop.batteries import letter_for_chemistry, make_park_code
from lithloop.batteries.fleet_csv import COLUMNS
from lithloop.demo.replay import Replay
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BusPack,
    Organisation,
    OrgKind,
    Plan,
    PlanStop,
    Role,
    Site,
    User,
)
from lithloop.services.booking import bus_fleet, fleet_proposals
from lithloop.services.dispatch import driver_work, publishing, roster, runs

#: The bus company whose retired packs become the demo's stock: within a day's round trip
#: of the park (Jixi, about 130 km), and not the demo fleet manager's own register.
BUS_CITY = "鸡西市"
FLEET_EMAIL = "fleet-jixi@demo.lithloop"
MANUFACTURERS = ("CAT", "BYD", "EVE", "CAL")  # 3-character manufacturer codes (fictional use)
PACK_KWH = Decimal("64.5")  # one of a city bus's battery packs
PACK_KG = 480
PACKS_PER_BUS = 3
KWH_PER_KG = Decimal("0.134")  # an LFP bus pack's energy per kg (295 kWh, 2,200 kg)
SERIAL_BASE = 7_100_000  # apart from the serials the demo's other bookings use
WINDOW = ("08:00", "16:00")
PLAN_SECONDS = 1


@dataclass(frozen=True)
class RetiredPack:
    """One pack of the register, with the state of health the fleet last read."""

    plate: str
    code: str
    soh_pct: Decimal


def fleet_manager(password_hash: str) -> User:
    """The bus company's fleet manager (made once, with the demo users' password)."""
    user = db.session.scalar(sa.select(User).where(User.email == FLEET_EMAIL))
    if user is not None:
        return user
    org = db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.kind == OrgKind.BUS_COMPANY, Organisation.city == BUS_CITY)
        .order_by(Organisation.id)
    )
    if org is None:
        raise RuntimeError("the demo region has no bus company in Jixi")
    user = User(
        email=FLEET_EMAIL,
        name=f"{org.name[:20]}车队经理",
        password_hash=password_hash,
        role=Role.FLEET_MANAGER,
        organisation=org,
    )
    db.session.add(user)
    db.session.commit()
    return user


def register(user: User, soh: list[Decimal], rng: random.Random) -> list[RetiredPack]:
    """Import the retiring packs (one per SoH given) through the fleet CSV import."""
    plates: set[str] = set()
    packs = []
    for n, health in enumerate(soh):
        if n % PACKS_PER_BUS == 0:
            plate = _plate(rng, plates, "G")  # Jixi's plates
        code = make_park_code(
            SERIAL_BASE + n + 1,
            chemistry_letter=letter_for_chemistry("LFP") or "Z",
            product_type="P",
            produced=date(2017 + rng.randint(0, 1), rng.randint(1, 12), 1),
            manufacturer=rng.choice(MANUFACTURERS),
        )
        packs.append(RetiredPack(plate, code, health))
    _import(user, packs, PACK_KWH, Decimal(PACK_KG), rng)
    return packs


def _import(user: User, packs: list[RetiredPack], kwh: Decimal, kg: Decimal, rng) -> None:
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(COLUMNS)
    for pack in packs:
        since = date(2018, rng.randint(1, 12), rng.randint(1, 28))
        rows.writerow([pack.plate, pack.code, "LFP", kwh, kg, since, pack.soh_pct])
    bus_fleet.import_packs(user, out.getvalue().encode())


def _plate(rng: random.Random, used: set[str], letter: str) -> str:
    while True:
        plate = f"黑{letter}·D{rng.randrange(10000):04d}"
        if plate not in used:
            used.add(plate)
            return plate


def _register_ids(user: User, codes: list[str]) -> dict[str, int]:
    return dict(
        db.session.execute(
            sa.select(BusPack.pack_code, BusPack.id).where(
                BusPack.organisation_id == user.organisation_id,
                BusPack.pack_code.in_(codes),
            )
        ).all()
    )


def book_lot(user: User, site_id: int, lot: dict, day: date, window, rng) -> Booking:
    """A bus depot's coded LFP lot booked as its fleet manager does: the packs added to the
    fleet register (one bus each), then accepted from it as a pickup on `day`."""
    codes = list(lot["codes"])
    kg = (Decimal(lot["mass_kg"]) / len(codes)).quantize(Decimal("0.01"))
    used: set[str] = set()
    letter = "G" if user.organisation.city == BUS_CITY else "C"  # Jixi, else Mudanjiang
    packs = [RetiredPack(_plate(rng, used, letter), c, Decimal(rng.randint(700, 790)) / 10)
             for c in codes]  # fmt: skip
    _import(user, packs, (kg * KWH_PER_KG).quantize(Decimal("0.1")), kg, rng)
    ids = _register_ids(user, codes)
    booking, _ = fleet_proposals.accept_proposal(
        user, site_id, [ids[c] for c in codes], day.isoformat(), tuple(window)
    )
    return booking


def book(user: User, codes: list[str], pickup: date) -> list[Booking]:
    """Accept the register's packs as one pickup per depot (about half the packs each)."""
    ids = _register_ids(user, codes)
    depots = list(
        db.session.scalars(
            sa.select(Site.id).where(Site.organisation_id == user.organisation_id).order_by(Site.id)
        )
    )
    half = (len(codes) + 1) // 2
    bookings = []
    for site_id, chunk in zip(depots, (codes[:half], codes[half:]), strict=False):
        if chunk:
            booking, _ = fleet_proposals.accept_proposal(
                user, site_id, [ids[c] for c in chunk], pickup.isoformat(), WINDOW
            )
            bookings.append(booking)
    return bookings


def plan_and_publish(dispatcher: User, day: date) -> Plan:
    """The dispatcher's run for the day (one second), published."""
    run = runs.start_run(dispatcher, day, PLAN_SECONDS, mode="quick")
    runs.execute_run(run.id)
    plan = db.session.scalar(sa.select(Plan).where(Plan.run_id == run.id))
    if plan is None or plan.unassigned:
        raise RuntimeError(f"the demo's pickups on {day} were not all planned")
    return publishing.publish_plan(dispatcher, plan.id)


def pick_up(plan: Plan, replay: Replay) -> list[PlanStop]:
    """Every pickup of the plan recorded by its route's driver when the truck leaves."""
    stops = db.session.scalars(
        sa.select(PlanStop)
        .join(PlanStop.route)
        .where(PlanStop.kind == "pickup", PlanStop.route.has(plan_id=plan.id))
        .order_by(PlanStop.departure, PlanStop.id)
    ).all()
    for stop in stops:
        replay.moment = stop.departure
        booking = stop.booking
        codes = "\n".join(c for lot in booking.lots for c in lot.codes)
        driver_work.record_pickup(
            roster.driver_of(stop.route), stop.id, str(booking.total_mass_kg), codes
        )
    return list(stops)
