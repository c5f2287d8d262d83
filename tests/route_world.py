"""A published route for today (trip 1 two pickups, a reload, trip 2 one pickup) and the
builders behind it: pack codes, lots, bookings through the service, routes with stops."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.batteries import make_park_code
from lithloop.batteries.working_days import load_calendar
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    Plan,
    PlanRoute,
    PlanRun,
    PlanStatus,
    PlanStop,
    Role,
    RunStatus,
    Truck,
)
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import prices as price_service
from tests.factories import PlanRunFactory, make_org, make_park, make_site, make_user

_serial = iter(range(1, 10_000))


def code() -> str:
    """A fresh valid GB/T 34014 pack code."""
    return make_park_code(
        next(_serial), chemistry_letter="B", product_type="P", produced=date(2018, 5, 1)
    )


def lot(
    chemistry="LFP", form="pack", count=1, mass="500", condition="intact", damage=(), codes=()
) -> dict:
    return {
        "chemistry": chemistry,
        "form": form,
        "count": count,
        "mass_kg": mass,
        "condition": condition,
        "damage": list(damage),
        "codes": list(codes),
    }


def book(dealer, site, lots: list[dict], dispatcher) -> int:
    """A booking through the service, scheduled by the dispatcher, for the first open day
    (not a Sunday, not a public holiday: on 2 October the next days are closed too)."""
    day = open_day(1)
    raw = {"site_id": site.id, "date": day.isoformat(), "window": ["09:00", "11:00"], "lots": lots}
    booking, _ = booking_service.book_pickup(dealer, raw)
    booking_service.change_status(dispatcher, booking.id, BookingStatus.SCHEDULED)
    return booking.id


def book_places(day: date, places, *, mass: str = "500", name: str = "网点") -> list[int]:
    """One dealer organisation per (lat, lon), each booking one intact LFP pack of `mass` kg
    for `day`, 08:00-17:00, through the service; the bookings' ids."""
    ids = []
    for i, (lat, lon) in enumerate(places):
        org = make_org(name=f"{name}{i}")
        raw = {
            "site_id": make_site(org, lat=lat, lon=lon).id,
            "date": day.isoformat(),
            "window": ["08:00", "17:00"],
            "lots": [lot(mass=mass)],
        }
        booking, _ = booking_service.book_pickup(make_user(org), raw)
        ids.append(booking.id)
    return ids


def open_day(offset: int = 1) -> date:
    """The offset-th open day (not a Sunday, not a public holiday) after today, in China."""
    day, found, holidays = clock.today(), 0, load_calendar().off
    while found < offset:
        day += timedelta(days=1)
        if day.weekday() != 6 and day not in holidays:
            found += 1
    return day


def quick_run(first_day: date, *, seconds: int, days: int) -> PlanRun:
    """A quick-mode run of `days` days from `first_day`, started and committed, not solved."""
    run = PlanRunFactory(
        plan_date=first_day,
        time_limit_s=seconds,
        horizon_days=days,
        status=RunStatus.RUNNING,
        progress=[],
        log="mode: quick",
    )
    db.session.commit()
    return run


def at(day: date, hhmm: str) -> datetime:
    """Beijing wall-clock time on a day as an aware UTC datetime."""
    hour, minute = map(int, hhmm.split(":"))
    return clock.at(day, hour * 3600 + minute * 60)


def make_route(
    truck: Truck,
    stops: list[tuple[str, int | None, str]],
    *,
    day: date,
    status=PlanStatus.PUBLISHED,
    by=None,
) -> PlanRoute:
    """A plan with one route (a published route joins the day's published plan: one a
    day); stops are (kind, booking_id, 'HH:MM' Beijing time)."""
    plan = (
        db.session.scalar(
            sa.select(Plan).where(Plan.plan_date == day, Plan.status == PlanStatus.PUBLISHED)
        )
        if (status is PlanStatus.PUBLISHED)
        else None
    )
    if plan is None:
        run = PlanRun(
            plan_date=day, time_limit_s=10, status=RunStatus.SUCCEEDED, created_by_id=by.id
        )
        plan = Plan(run=run, plan_date=day, status=status, solution={})
    route = PlanRoute(
        plan=plan,
        truck=truck,
        distance_m=50_000,
        duration_s=6 * 3600,
        cost_fen=0,
        trips=1 + sum(k == "reload" for k, _, _ in stops),
    )
    trip = 1
    for seq, (kind, booking_id, hhmm) in enumerate(stops):
        route.stops.append(
            PlanStop(
                seq=seq,
                kind=kind,
                booking_id=booking_id,
                arrival=at(day, hhmm),
                departure=at(day, hhmm) + timedelta(minutes=20),
                trip=trip,
            )
        )
        trip += kind == "reload"
    db.session.add_all([plan, route])
    db.session.commit()
    return route


def shared_site_route(world: dict, at_one_site: int) -> PlanRoute:
    """A published route of `world` (worlds.published_route): `at_one_site` bookings at one
    site, 15 minutes apart from 10:02, then one at another site at 11:00."""
    dealer, dispatcher = world["dealer"], world["dispatcher"]
    b1, b2, _ = (db.session.get(Booking, i) for i in world["bookings"])
    here = [book(dealer, b1.site, [lot()], dispatcher) for _ in range(at_one_site)]
    there = book(dealer, b2.site, [lot()], dispatcher)
    first = datetime(2000, 1, 1, 10, 2)
    loads = [
        ("pickup", booking, (first + timedelta(minutes=15 * k)).strftime("%H:%M"))
        for k, booking in enumerate(here)
    ]
    return make_route(
        world["trucks"][1],
        [("start", None, "07:30"), *loads, ("pickup", there, "11:00"), ("end", None, "12:00")],
        day=world["today"],
        by=dispatcher,
    )


def build_world() -> dict:
    """The park with two trucks and drivers, a dealer with two sites, three bookings."""
    price_service.ensure_default_index()
    park = make_park()
    depot = db.session.scalars(sa.select(Truck)).first().depot
    depot.address, depot.contact_phone = "阳明区产业园路1号", "0453-6100119"
    dispatcher = make_user(park, role=Role.DISPATCHER)
    driver = make_user(park, role=Role.DRIVER)
    other_driver = make_user(park, role=Role.DRIVER)
    trucks = list(db.session.scalars(sa.select(Truck).order_by(Truck.id)))
    trucks[0].driver_id, trucks[1].driver_id = driver.id, other_driver.id
    dealer_org = make_org(name="东安汽车经销店")
    dealer = make_user(dealer_org)
    site = make_site(dealer_org, name="东安网点")
    site.address, site.contact_name = "东安区太平路8号", "王师傅"
    site.contact_phone = "138 0453 0001"
    other = make_site(dealer_org, name="西安网点", lat=44.60, lon=129.58)
    db.session.commit()
    b1 = book(
        dealer,
        site,
        [
            lot(count=2, mass="2400", codes=[code(), code()]),
            lot("NCM811", "module", 4, "300", "damaged", ["deformed", "bms_damaged"]),
        ],
        dispatcher,
    )
    b2 = book(
        dealer,
        other,
        [lot("NCM622", count=1, mass="450", condition="swollen_leaking"), lot(count=1, mass="500")],
        dispatcher,
    )
    b3 = book(dealer, site, [lot("LFP", "cell", 40, "120")], dispatcher)
    today = clock.today()
    route = make_route(
        trucks[0],
        [
            ("start", None, "07:30"),
            ("pickup", b1, "09:10"),
            ("pickup", b2, "10:05"),
            ("reload", None, "11:30"),
            ("pickup", b3, "13:00"),
            ("end", None, "14:40"),
        ],
        day=today,
        by=dispatcher,
    )
    return {
        "park": park,
        "dispatcher": dispatcher,
        "driver": driver,
        "other_driver": other_driver,
        "dealer": dealer,
        "trucks": trucks,
        "bookings": (b1, b2, b3),
        "route_id": route.id,
        "today": today,
    }
