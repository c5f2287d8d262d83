"""Demo activity on top of the region: bookings for the next open day, and today's published
plan with the demo driver on a route, so that every role has something to do on a fresh start.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from lithloop import clock
from lithloop.batteries import make_park_code
from lithloop.demo import retired
from lithloop.demo.history import HistorySummary, seed_history
from lithloop.demo.replay import replaying
from lithloop.extensions import db
from lithloop.models import (
    Organisation,
    OrgKind,
    Plan,
    Role,
    Site,
    SiteKind,
    User,
)
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import capacity
from lithloop.services.dispatch import publishing, roster, runs
from lithloop.services.errors import ServiceError

#: (chemistry, kg per pack range, packs range): bus packs are heavy, car packs lighter.
LOT_KINDS = {
    SiteKind.BUS_DEPOT: ("LFP", (650, 900), (2, 6)),
    SiteKind.BRANCH: ("NCM523", (280, 450), (1, 4)),
}
MANUFACTURERS = ("CAT", "BYD", "EVE", "CAL")  # 3-character manufacturer codes (fictional use)
SOLVE_SECONDS = 3
REACH_KM = 150  # straight line; beyond it a round trip overruns a driver's 10-hour day
#: The next open day keeps this share of its capacity free: whoever tries the demo can book it.
ROOM_FOR_VISITORS = Decimal("0.2")


def _km(site: Site, park: Site) -> float:
    """Great-circle distance from the park, for choosing demo sites (not for routing)."""
    lat = math.radians((site.lat + park.lat) / 2)
    dx = math.radians(site.lon - park.lon) * math.cos(lat)
    return 6371 * math.hypot(dx, math.radians(site.lat - park.lat))


@dataclass(frozen=True)
class ActivitySummary:
    """What seed_activity created."""

    bookings_next_day: int
    bookings_today: int
    today_plan_id: int | None
    driver_stops: int
    history: HistorySummary


def next_open_day(after: date) -> date:
    """The first day after `after` on which the park takes pickups."""
    day = after + timedelta(days=1)
    while not capacity.is_open(day):
        day += timedelta(days=1)
    return day


def _staff(org: Organisation, hashed: str, n: int) -> User:
    existing = db.session.scalar(
        sa.select(User).where(User.organisation_id == org.id).order_by(User.id).limit(1)
    )
    if existing:
        return existing
    role = Role.FLEET_MANAGER if org.kind is OrgKind.BUS_COMPANY else Role.DEALER_STAFF
    user = User(
        email=f"staff{n:03d}@demo.lithloop",
        name=f"{org.name[:20]}演示员工",
        password_hash=hashed,
        role=role,
        organisation=org,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _lots(
    site: Site, rng: random.Random, serials, damaged: bool, coded: bool = False
) -> list[dict]:
    chemistry, kg, packs = LOT_KINDS.get(site.kind, LOT_KINDS[SiteKind.BRANCH])
    count = rng.randint(*packs)
    letter = "B" if chemistry == "LFP" else "E"
    codes = (
        [
            make_park_code(
                next(serials),
                chemistry_letter=letter,
                product_type="P",
                produced=date(2017 + rng.randint(0, 3), rng.randint(1, 12), 1),
                manufacturer=rng.choice(MANUFACTURERS),
            )
            for _ in range(count)
        ]
        if coded or rng.random() < 0.7
        else []
    )
    lot = {
        "chemistry": chemistry,
        "form": "pack",
        "count": count,
        "mass_kg": str(count * rng.randint(*kg)),
        "condition": "intact",
        "codes": codes,
    }
    if damaged:
        lot.update(condition="damaged", damage=["deformed"])
    return [lot]


def _room_after(day: date, mass_kg: Decimal, share: Decimal) -> bool:
    """True when one more stop of `mass_kg` leaves at least `share` of the day's mass and
    stops free."""
    (status,) = capacity.calendar(day, day)
    return (
        status.remaining_kg - mass_kg >= share * status.capacity_kg
        and status.capacity_stops - status.booked_stops - 1 >= share * status.capacity_stops
    )


def _book(
    sites: list[Site],
    day: date,
    as_of: date,
    rng,
    hashed,
    serials,
    n0: int,
    coded: bool = False,
    leave_free: Decimal = Decimal(0),
) -> int:
    """Book a pickup at each site (fewer when the day fills, or once only `leave_free` of
    its capacity is left); how many were booked."""
    made = 0
    for n, site in enumerate(sites):
        user = _staff(site.organisation, hashed, n0 + n)
        opens = datetime.combine(day, max(site.opens_at or time(8), time(8)))
        closes = datetime.combine(day, min(site.closes_at or time(17), time(17)))
        end = min(opens + timedelta(hours=rng.choice((3, 4, 6))), closes)
        raw = {
            "site_id": site.id,
            "date": day.isoformat(),
            "window": [opens.strftime("%H:%M"), end.strftime("%H:%M")],
            "lots": _lots(site, rng, serials, damaged=(n % 7 == 3) and not coded, coded=coded),
        }
        mass = sum(Decimal(str(lot["mass_kg"])) for lot in raw["lots"])
        if leave_free and not _room_after(day, mass, leave_free):
            continue  # a smaller lot of another site may still fit
        try:
            if coded and user.role is Role.FLEET_MANAGER:  # from the fleet register, the
                with replaying(as_of, 14):  # day before, as the fleet manager does; its own
                    lot, own = raw["lots"][0], random.Random(site.id)  # draws: the rest as ever
                    retired.book_lot(user, site.id, lot, day, raw["window"], own)
            else:
                booking_service.book_pickup(user, raw, as_of=as_of)
            made += 1
        except ServiceError:
            db.session.rollback()  # a full day or a closed site: the demo just books fewer
    return made


def _publish_today(dispatcher: User, driver: User, today: date) -> tuple[int | None, int]:
    run = runs.start_run(dispatcher, today, SOLVE_SECONDS)
    runs.execute_run(run.id)
    plan = db.session.scalar(sa.select(Plan).where(Plan.run_id == run.id))
    if plan is None or not plan.routes:
        return None, 0
    best = max(plan.routes, key=lambda r: sum(s.kind == "pickup" for s in r.stops))
    roster.swap(dispatcher, today, best.truck_id, driver.id)  # the demo driver has work
    publishing.publish_plan(dispatcher, plan.id)  # every route has a driver: no override
    return plan.id, sum(s.kind == "pickup" for s in best.stops)


def seed_activity(rng: random.Random, hashed: str) -> ActivitySummary:
    """Book pickups for the next open day and today; plan and publish today's routes."""
    today = clock.today()
    users = {  # the first user of each role: the demo's (driver2@... are colleagues)
        u.role: u
        for u in db.session.scalars(
            sa.select(User).where(User.email.like("%@demo.lithloop")).order_by(User.id.desc())
        )
    }
    sites = list(
        db.session.scalars(sa.select(Site).where(Site.kind != SiteKind.PARK).order_by(Site.id))
    )
    serials = iter(range(rng.randint(1000, 9000), 9_999_999))
    park = db.session.scalar(sa.select(Site).where(Site.kind == SiteKind.PARK))
    near = sorted(sites, key=lambda s: _km(s, park))
    in_reach = [s for s in near if _km(s, park) <= REACH_KM]  # a day's round trip by truck
    depots = [s for s in in_reach if s.kind is SiteKind.BUS_DEPOT][:3]
    history = seed_history(
        rng,
        depots,
        lambda chosen, day, as_of: _book(chosen, day, as_of, rng, hashed, serials, 200, coded=True),
    )
    tomorrow = next_open_day(today)
    booked_next = _book(
        rng.sample(in_reach, min(24, len(in_reach))),
        tomorrow,
        today,
        rng,
        hashed,
        serials,
        1,
        leave_free=ROOM_FOR_VISITORS,
    )
    booked_today, plan_id, stops = 0, None, 0
    if capacity.is_open(today):
        booked_today = _book(near[:6], today, today - timedelta(days=1), rng, hashed, serials, 100)
        if booked_today:
            plan_id, stops = _publish_today(users[Role.DISPATCHER], users[Role.DRIVER], today)
    return ActivitySummary(booked_next, booked_today, plan_id, stops, history)
