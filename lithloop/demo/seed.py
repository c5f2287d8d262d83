"""seed_demo: fill an empty database with the demo region, deterministically per seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import time

import sqlalchemy as sa

from lithloop import clock
from lithloop.demo import names
from lithloop.demo.activity import ActivitySummary, seed_activity
from lithloop.demo.market import seed_market_packs
from lithloop.demo.replay import unsynced_commits
from lithloop.extensions import db
from lithloop.geo import load_places, park_place
from lithloop.models import (
    InvoiceDetails,
    Organisation,
    OrgKind,
    OrgStatus,
    Role,
    Site,
    SiteKind,
    Truck,
    User,
)
from lithloop.services.accounts.passwords import hash_password
from lithloop.services.booking.prices import ensure_default_index

PARK_NAME = "牡丹江锂循环产业园"
DEALER_BRANCHES = 200
RADIUS_KM = {"district": 2.0, "city": 4.0, "county": 5.0}

#: role -> (e-mail, display name); the demo's one user per role.
DEMO_USERS = {
    Role.DEALER_STAFF: ("dealer@demo.lithloop", "经销商演示用户"),
    Role.FLEET_MANAGER: ("fleet@demo.lithloop", "车队经理演示用户"),
    Role.DISPATCHER: ("dispatcher@demo.lithloop", "调度员演示用户"),
    Role.PLANT_OPERATOR: ("plant@demo.lithloop", "工厂操作员演示用户"),
    Role.DRIVER: ("driver@demo.lithloop", "司机演示用户"),
    Role.BUYER: ("buyer@demo.lithloop", "买家演示用户"),
    Role.ADMIN: ("admin@demo.lithloop", "管理员演示用户"),
    Role.GOVERNMENT: ("gov@demo.lithloop", "主管部门演示用户"),
}
GOVERNMENT_NAME = "牡丹江市工业和信息化局（演示）"
#: The demo park's seller details on invoices (SELLER_* unset in the demo): plainly a demo's,
#: never a real company's. The taxpayer ID is well formed (GB 32100 check character), "DEM".
DEMO_SELLER = {
    "company_name": "牡丹江锂循环产业园运营有限公司（演示）",
    "taxpayer_id": "91231000DEM000000C",
    "address": "黑龙江省牡丹江市经济技术开发区循环路 1 号（演示地址）",
    "phone": "0453-0000000（演示）",
    "bank_name": "演示银行牡丹江经济技术开发区支行",
    "bank_account": "0000 0000 0000 0000 000（演示）",
}


@dataclass(frozen=True)
class SeedSummary:
    """What seed_demo created."""

    organisations: int
    sites: int
    trucks: int
    users: list[tuple[str, str]]
    activity: ActivitySummary | None = None


def _org(name: str, kind: OrgKind, city: str, rng: random.Random) -> Organisation:
    org = Organisation(
        name=name,
        kind=kind,
        status=OrgStatus.ACTIVE,
        city=city,
        phone=names.phone(rng),
        approved_at=clock.now(),
    )
    db.session.add(org)
    return org


def _seller_details(park: Organisation) -> None:
    """The demo park's invoice details, so that a demo invoice names its seller in full."""
    park.taxpayer_id = DEMO_SELLER["taxpayer_id"]
    db.session.add(InvoiceDetails(organisation=park, **DEMO_SELLER))


def _site(org, kind, name, place, rng, radius_km, **extra) -> Site:
    lat, lon = (
        names.jitter(rng, place.lat, place.lon, radius_km) if radius_km else (place.lat, place.lon)
    )
    city, district = names.city_and_district(place.name_zh)
    site = Site(
        organisation=org,
        kind=kind,
        name=name,
        city=city,
        district=district,
        lat=lat,
        lon=lon,
        address=names.address(rng),
        contact_name=names.person(rng),
        contact_phone=names.phone(rng),
        **extra,
    )
    db.session.add(site)
    return site


def _dealers(rng: random.Random) -> list[Organisation]:
    places = [p for p in load_places() if p.kind != "park"]
    counts = names.allocate([p.population for p in places], DEALER_BRANCHES)
    taken: set[str] = set()
    dealers = []
    for place, count in zip(places, counts, strict=True):
        for _ in range(count):
            base = f"{rng.choice(names.BRANDS)}{place.name_zh}{rng.choice(names.KINDS)}"
            name, n = base, 2
            while name in taken:
                name, n = f"{base}（{n}店）", n + 1
            taken.add(name)
            org = _org(name, OrgKind.DEALER_BRANCH, place.name_zh, rng)
            opens = time(rng.choice((7, 8, 8, 9)), rng.choice((0, 30)))
            _site(
                org,
                SiteKind.BRANCH,
                name,
                place,
                rng,
                RADIUS_KM.get(place.kind, 3.0),
                opens_at=opens,
                closes_at=time(rng.choice((17, 17, 18, 20)), 0),
            )
            dealers.append(org)
    return dealers


def _trucks(org: Organisation, depot: Site, rng: random.Random) -> int:
    plates: set[str] = set()
    specs = [("6.8米厢式货车 5吨", 5000, 10, 300)] * 8 + [
        ("9.6米厢式货车 12吨", 12000, 24, 450)
    ] * 6
    for i, (model, payload, pallets, per_km) in enumerate(specs):
        early = i % 3 == 0
        db.session.add(
            Truck(
                organisation=org,
                depot=depot,
                plate=names.plate(rng, plates),
                model=model,
                payload_kg=payload,
                pallet_places=pallets,
                hazmat_certified=payload > 5000 or i % 4 == 1,
                tail_lift=payload == 5000,
                shift_start=time(6 if early else 7, 0),
                shift_end=time(18 if early else 19, 0),
                max_work_s=10 * 3600,
                fixed_cost_fen=30000,
                cost_per_km_fen=per_km,
                cost_per_hour_fen=6000,
            )
        )
    return len(specs)


def _drivers(park: Organisation, hashed: str, rng: random.Random) -> None:
    """A regular driver for every truck: the demo driver on the first, colleagues on the
    others (driver2@demo.lithloop, ...), so every route of a demo day has a driver."""
    demo = db.session.scalar(sa.select(User).where(User.email == DEMO_USERS[Role.DRIVER][0]))
    taken = {demo.name}  # two drivers of one name on the roster cannot be told apart
    for n, truck in enumerate(db.session.scalars(sa.select(Truck).order_by(Truck.id)), start=1):
        if n == 1:
            truck.driver = demo
            continue
        truck.driver = User(
            email=f"driver{n}@demo.lithloop",
            name=names.person(rng, taken),
            password_hash=hashed,
            role=Role.DRIVER,
            organisation=park,
        )


def seed_demo(
    *,
    seed: int = 7,
    password: str = "lithloop-demo",  # noqa: S107
    activity: bool = False,
) -> SeedSummary:
    """Create the demo region in an empty database; refuses to touch a database with data.

    With `activity`, also book pickups and publish today's plan (see demo/activity.py)."""
    if db.session.scalar(sa.select(sa.func.count(Organisation.id))):
        raise RuntimeError("the database already has organisations; seed-demo needs it empty")
    with unsynced_commits(db.engine):
        summary = _seed(seed, password, activity)
        db.session.commit()  # its connection back to the pool that unsynced_commits closes
    return summary


def _seed(seed: int, password: str, activity: bool) -> SeedSummary:
    rng = random.Random(seed)
    places = {p.name_en: p for p in load_places()}
    park = _org(PARK_NAME, OrgKind.PARK_OPERATOR, "牡丹江", rng)
    _seller_details(park)
    depot = _site(
        park,
        SiteKind.PARK,
        PARK_NAME,
        park_place(),
        rng,
        0,
        opens_at=time(6, 0),
        closes_at=time(22, 0),
    )
    trucks = _trucks(park, depot, rng)
    dealers = _dealers(rng)
    buses = []
    for name, place_en, depots in names.BUS_COMPANIES:
        org = _org(name, OrgKind.BUS_COMPANY, places[place_en].name_zh, rng)
        for n in range(1, depots + 1):
            _site(
                org,
                SiteKind.BUS_DEPOT,
                f"{name}第{n}停保场",
                places[place_en],
                rng,
                6.0,
                opens_at=time(6, 0),
                closes_at=time(20, 0),
            )
        buses.append(org)
    buyers = [_org(name, OrgKind.BUYER, places[p].name_zh, rng) for name, p in names.BUYERS]
    home = {
        Role.DEALER_STAFF: next(d for d in dealers if d.city == places["Dong'an District"].name_zh),
        Role.FLEET_MANAGER: buses[0],
        Role.BUYER: buyers[0],
        Role.GOVERNMENT: _org(GOVERNMENT_NAME, OrgKind.GOVERNMENT, "牡丹江", rng),
    }
    hashed = hash_password(password)  # one scrypt hash for all demo users: same password
    users = []
    for role, (email, display) in DEMO_USERS.items():
        db.session.add(
            User(
                email=email,
                name=display,
                password_hash=hashed,
                role=role,
                organisation=home.get(role, park),
            )
        )
        users.append((role.value, email))
    db.session.flush()
    _drivers(park, hashed, random.Random(seed + 1))
    db.session.commit()
    ensure_default_index()
    db.session.expunge_all()  # each of the chain's commits would expire the whole region
    seed_market_packs(seed)
    orgs = 2 + len(dealers) + len(buses) + len(buyers)
    sites = db.session.scalar(sa.select(sa.func.count(Site.id)))
    done = seed_activity(rng, hashed) if activity else None
    return SeedSummary(organisations=orgs, sites=sites, trucks=trucks, users=users, activity=done)
