"""Route documents: the manifest and the dangerous-goods document (SP376/377, totals, access)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.batteries import make_park_code
from lithloop.extensions import db
from lithloop.models import (
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
from lithloop.services.dispatch import transport_docs as docs
from tests.factories import make_org, make_park, make_site, make_user
from tests.pdf_text import pdf_text

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
    """A booking through the service, scheduled by the dispatcher, for the first open day."""
    day = clock.today() + timedelta(days=1)
    while day.weekday() == 6:
        day += timedelta(days=1)
    raw = {"site_id": site.id, "date": day.isoformat(), "window": ["09:00", "11:00"], "lots": lots}
    booking, _ = booking_service.book_pickup(dealer, raw)
    booking_service.change_status(dispatcher, booking.id, BookingStatus.SCHEDULED)
    return booking.id


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


@pytest.fixture
def world(app):
    """A published route for today: trip 1 two pickups, a reload, trip 2 one pickup."""
    return build_world()


def test_entries_follow_condition_and_masses_add_up(world):
    route = db.session.get(PlanRoute, world["route_id"])
    document = docs.dangerous_goods(route)
    assert [t.trip.number for t in document.trips] == [1, 2]
    first = {e.provision.key: e for e in document.trips[0].entries}
    assert set(first) == {"sp377", "sp376", "sp376_reactive"}
    assert (first["sp376"].provision.special_provision, first["sp376"].provision.packing) == (
        376,
        "P908 / LP904",
    )
    assert first["sp376_reactive"].provision.packing == "P911 / LP906"
    assert (first["sp377"].provision.special_provision, first["sp377"].provision.packing) == (
        377,
        "P909",
    )
    assert first["sp377"].mass_kg == Decimal("2900") and first["sp377"].packages == 3
    assert first["sp376"].mass_kg == Decimal("300") and first["sp376"].by_form == {"module": 4}
    assert first["sp376_reactive"].mass_kg == Decimal("450")
    for part in document.trips:
        for entry in part.entries:
            assert entry.mass_kg == sum(Decimal(x.mass_kg) for x in entry.lots)
        assert part.dangerous_kg == sum(Decimal(x.mass_kg) for x in part.trip.lots)
    (second,) = document.trips[1].entries
    assert second.provision is docs.SP377 and second.by_form == {"cell": 40}
    assert document.has_sp376 and document.has_sp377 and docs.PACKING_GROUP is None
    assert second.description == "UN3480 LITHIUM ION BATTERIES, 9, (E)"
    booking_service.change_status(
        world["dispatcher"], world["bookings"][2], BookingStatus.CANCELLED, "客户取消"
    )
    db.session.expire_all()
    after = docs.dangerous_goods(db.session.get(PlanRoute, world["route_id"]))
    assert after.trips[1].entries == [] and after.dangerous_kg == Decimal("3650")


def test_dangerous_goods_document_page(client, auth, world):
    black = db.session.get(booking_service.Booking, world["bookings"][2]).lots[0]
    black.form = "black_mass"  # not a battery: listed apart, not under UN3480
    db.session.commit()
    auth.login(world["dispatcher"].email)
    page = client.get(f"/routes/{world['route_id']}/dangerous-goods")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    truck = world["trucks"][0]
    for expected in (
        "UN3480",
        "LITHIUM ION BATTERIES",
        "锂离子电池组",
        "SP376",
        "SP377",
        "P908 / LP904",
        "P911 / LP906",
        "P909",
        truck.plate,
        "东安汽车经销店",
        "东安区太平路8号",
        "阳明区产业园路1号",
        world["park"].name,
        "(E)",
        "LITHIUM BATTERIES FOR DISPOSAL/RECYCLING",
        "special provision 376",
        "2,900.00",
        "8,000",
        "tel:0453-6100119",
        "Consignor",
        "Consignee",
    ):
        assert expected in text, expected
    assert "documents.css" in text and "<script" not in text
    assert "Goods not carried as UN3480" in text and "3,650 kg" in text  # the LQ note
    printed = client.get(f"/routes/{world['route_id']}/dangerous-goods?format=pdf")
    assert printed.headers["Content-Type"] == "application/pdf"
    words = pdf_text(printed.data)
    for expected in ("UN3480", "锂离子电池组", "危险货物", "P911 / LP906", truck.plate, "2,900.00"):
        assert expected in words, expected
    assert "Download PDF" not in words and "下载 PDF" not in words  # .no-print stays out
    client.get("/lang/en")
    english = client.get(f"/routes/{world['route_id']}/dangerous-goods")
    assert english.status_code == 200 and "Trip" in english.get_data(as_text=True)


def test_manifest_shows_stops_in_order_with_local_times(client, auth, world):
    auth.login(world["driver"].email)
    page = client.get(f"/routes/{world['route_id']}/manifest")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.index("09:10") < text.index("10:05") < text.index("11:30") < text.index("13:00")
    assert 'href="tel:13804530001"' in text and "王师傅" in text and "西安网点" in text
    b1, _, b3 = world["bookings"]
    assert f"#{b1}" in text and f"#{b3}" in text
    assert "/bookings/" not in text  # the booking pages are not the driver's (issue 17)
    b1_codes = db.session.get(booking_service.Booking, b1).lots[0].codes
    assert all(c in text for c in b1_codes)
    assert "P911 / LP906" in text and "3,650" in text  # trip 1: 2,700 + 950 kg
    assert f"/routes/{world['route_id']}/dangerous-goods" in text
    words = pdf_text(client.get(f"/routes/{world['route_id']}/manifest?format=pdf").data)
    assert words.index("09:10") < words.index("10:05") < words.index("13:00")
    assert "王师傅" in words and "西安网点" in words and all(c in words for c in b1_codes)
    auth.logout()
    auth.login(world["dispatcher"].email)
    text = client.get(f"/routes/{world['route_id']}/manifest").get_data(as_text=True)
    assert f"/bookings/{b1}" in text and f"/bookings/{b3}" in text


def test_who_may_open_the_documents(client, auth, world):
    expected = [
        (world["dispatcher"], 200),
        (make_user(world["park"], role=Role.PLANT_OPERATOR), 200),
        (make_user(world["park"], role=Role.ADMIN), 200),
        (world["driver"], 200),
        (world["other_driver"], 404),
        (world["dealer"], 404),
    ]
    for user, status in expected:
        auth.login(user.email)
        for kind in ("manifest", "dangerous-goods"):
            response = client.get(f"/routes/{world['route_id']}/{kind}")
            assert response.status_code == status, (user.role, kind)
        assert client.get("/routes/999999/manifest").status_code == 404
        auth.logout()


def test_drafts_are_for_the_park_only_and_login_is_required(client, auth, world):
    route = db.session.get(PlanRoute, world["route_id"])
    route.plan.status = PlanStatus.DRAFT
    db.session.commit()
    assert client.get(f"/routes/{route.id}/manifest").status_code == 302  # to the login page
    auth.login(world["driver"].email)
    assert client.get(f"/routes/{route.id}/manifest").status_code == 404
