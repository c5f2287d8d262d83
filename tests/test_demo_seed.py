"""The demo region: believable, deterministic per seed, and refuses a non-empty database."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from lithloop.demo import DEMO_USERS, seed_demo
from lithloop.extensions import db
from lithloop.geo import park_place
from lithloop.models import Organisation, OrgKind, Role, Site, SiteKind, Truck, User
from lithloop.services.booking import sites
from tests.conftest import make_app


def test_region_has_the_parts_the_issue_asks_for(demo):
    kinds = Counter(db.session.scalars(sa.select(Organisation.kind)))
    assert 190 <= kinds[OrgKind.DEALER_BRANCH] <= 210
    assert kinds[OrgKind.BUS_COMPANY] == 5 and kinds[OrgKind.PARK_OPERATOR] == 1
    assert kinds[OrgKind.BUYER] >= 2
    park = db.session.scalar(sa.select(Site).where(Site.kind == SiteKind.PARK))
    assert (park.lat, park.lon) == (park_place().lat, park_place().lon)
    trucks = list(db.session.scalars(sa.select(Truck)))
    assert {t.payload_kg for t in trucks} == {5000, 12000}
    assert 0 < sum(t.hazmat_certified for t in trucks) < len(trucks)
    assert all(t.depot_site_id == park.id for t in trucks)


def test_dealers_follow_population(demo):
    branches = db.session.execute(
        sa.select(Site.city, Site.district).where(Site.kind == SiteKind.BRANCH)
    )
    counts = Counter(district or city for city, district in branches)
    assert counts["哈尔滨市"] > counts["鸡西市"] > counts["图们市"] >= 1
    assert len(counts) == 58  # every place but the park has at least one branch


def test_sites_name_city_and_district_once_and_drivers_have_their_own_names(demo):
    """The roster listed two drivers called 马勇; addresses read '牡丹江市牡丹江市…' (the
    place as city, district and the street's start)."""
    for site in db.session.scalars(sa.select(Site)):
        assert site.district != site.city and site.city not in site.address, site.name
        line = sites.address_line(site.city, site.district, site.address)
        assert len(line.split()) == len(set(line.split())), line
    depot = db.session.scalar(sa.select(Site).where(Site.district == "爱民区"))
    assert depot.city == "牡丹江市"
    drivers = list(db.session.scalars(sa.select(User.name).where(User.role == Role.DRIVER)))
    assert len(drivers) > 10 and len(set(drivers)) == len(drivers), Counter(drivers)


def test_an_address_line_says_city_and_district_once():
    assert sites.address_line("牡丹江市", "牡丹江市", "牡丹江市太平路12号") == "牡丹江市太平路12号"
    assert sites.address_line("牡丹江市", "爱民区", "太平路12号") == "牡丹江市 爱民区 太平路12号"
    assert sites.address_line("宁安市", "", "宁安市人民路3号") == "宁安市人民路3号"
    assert sites.address_line("宁安市", "宁安市", "") == "宁安市"


def test_sites_lie_near_their_place(demo):
    for site in db.session.scalars(sa.select(Site)):
        assert 41.0 < site.lat < 48.5 and 124.0 < site.lon < 134.5, site.name


def test_one_user_per_role(demo):
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    for role, (email, _name) in DEMO_USERS.items():
        assert users[email].role is role and users[email].is_active
    assert users["dealer@demo.lithloop"].organisation.kind is OrgKind.DEALER_BRANCH
    assert users["fleet@demo.lithloop"].organisation.kind is OrgKind.BUS_COMPANY
    assert users["dispatcher@demo.lithloop"].role in {Role.DISPATCHER}


def _fingerprint():
    return [(s.name, s.lat, s.lon) for s in db.session.scalars(sa.select(Site).order_by(Site.id))]


def _region(tmp_path, name: str, seed: int):
    """The sites of a region seeded into a database of its own (history is never wiped)."""
    app = make_app(f"sqlite:///{tmp_path / name}.sqlite3")
    with app.app_context():
        db.create_all()
        seed_demo(seed=seed, password="lithloop-demo")
        found = _fingerprint()
        db.session.remove()
        db.engine.dispose()
    return found


def test_same_seed_same_region_other_seed_other_region(tmp_path):
    first = _region(tmp_path, "a", 3)
    assert _region(tmp_path, "b", 3) == first
    assert _region(tmp_path, "c", 4) != first


def test_refuses_a_database_with_data(demo):
    with pytest.raises(RuntimeError, match="empty"):
        seed_demo()


# The command once, on SQLite: seeding on PostgreSQL is what the demo fixtures do for
# test_rollups and test_growth_lists on that backend. The day's activity runs on both (its
# statements are sent by no other test on PostgreSQL).
@pytest.mark.parametrize("backend", ["sqlite"])
def test_seed_demo_command_prints_the_logins(app, backend):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--seed", "5", "--password", "another-pass-1"])
    assert result.exit_code == 0, result.output
    assert "dispatcher@demo.lithloop" in result.output and "another-pass-1" in result.output
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "empty" in again.output
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0


def test_activity_books_pickups_and_gives_the_driver_todays_route(app, client, auth, monkeypatch):
    """A fresh demo lets the dispatcher plan tomorrow and the driver confirm two pickups."""
    from datetime import UTC, date, datetime, timedelta

    from lithloop import clock
    from lithloop.models import Booking, BookingStatus, Plan, PlanStatus
    from tests.conftest import DEMO_PASSWORD, freeze_clock, submit

    friday_morning = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # 09:30 in Mudanjiang
    freeze_clock(monkeypatch, friday_morning)
    summary = seed_demo(seed=7, password=DEMO_PASSWORD, activity=True)
    done = summary.activity
    assert done.bookings_next_day >= 20 and done.bookings_today >= 2
    next_day = db.session.scalars(
        sa.select(Booking).where(Booking.pickup_date == date(2026, 11, 28))
    ).all()
    assert len(next_day) == done.bookings_next_day
    assert all(b.status is BookingStatus.REQUESTED for b in next_day)  # for the dispatcher
    plan = db.session.get(Plan, done.today_plan_id)
    assert plan.status is PlanStatus.PUBLISHED and plan.plan_date == date(2026, 11, 27)
    driver = db.session.scalar(sa.select(User).where(User.email == "driver@demo.lithloop"))
    from lithloop.services.dispatch import roster

    assert all(roster.driver_of(r) is not None for r in plan.routes)  # the roster covers all
    route = next(r for r in plan.routes if roster.driver_of(r) == driver)
    pickups = [s for s in route.stops if s.kind == "pickup"]
    assert len(pickups) == done.driver_stops >= 2

    auth.login(driver.email, DEMO_PASSWORD)
    page = client.get("/driver/").get_data(as_text=True)
    assert all(s.booking.site.name in page for s in pickups)
    for stop in pickups[:2]:
        codes = "\n".join(c for lot in stop.booking.lots for c in lot.codes)
        mass = str(stop.booking.total_mass_kg)
        response = submit(
            client,
            f"/driver/stops/{stop.id}/pickup",
            {"mass_kg": mass, "codes": codes},
            page="/driver/",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    assert [db.session.get(Booking, s.booking_id).status for s in pickups[:2]] == [
        BookingStatus.PICKED_UP
    ] * 2

    # yesterday's bookings went through the whole chain
    from lithloop.models import DismantlingBatch, Pack, PackState, Settlement

    history = done.history
    assert history.bookings >= 2 and history.settled == history.bookings
    yesterday = history.day  # an open day whose packs' aging is over before today
    aging = timedelta(days=app.config["AGING_DAYS"])
    assert yesterday + aging < clock.today()
    settled = db.session.scalars(
        sa.select(Booking).where(
            Booking.status == BookingStatus.SETTLED, Booking.pickup_date == yesterday
        )
    ).all()
    assert len(settled) == history.bookings
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Settlement.id)).where(
                Settlement.booking_id.in_([b.id for b in settled])
            )
        )
        == history.bookings
    )
    refurbished = db.session.scalars(sa.select(Pack).where(Pack.refurbished.is_(True))).all()
    built = [p for p in refurbished if p.parents[0].booking.pickup_date == yesterday]
    assert len(built) == history.refurbished >= 1
    assert all(
        p.state is PackState.FINISHED and p.price_fen > 0 and len(p.parents) == 2 for p in built
    )
    assert {e.kind for p in built for parent in p.parents for e in parent.events} >= {
        "booked",
        "picked_up",
        "received",
        "tested",
        "graded",
        "aged",
        "consumed",
    }
    for parent in (parent for p in built for parent in p.parents):
        at: dict = {}  # each step's first time (a pack is tested and graded again after aging)
        for e in sorted(parent.events, key=lambda e: (e.at, e.id)):
            at.setdefault(e.kind, e.at)
        assert at["booked"] < at["picked_up"] < at["received"] < at["tested"] <= at["graded"]
        assert clock.local_day(at["aged"]) - clock.local_day(at["graded"]) >= aging
        assert at["aged"] < at["consumed"] < clock.now()
    if history.dismantled:
        batch = db.session.scalar(sa.select(DismantlingBatch))
        assert batch.status == "closed" and len(batch.packs) == history.dismantled
    page = client.get(f"/p/{built[0].code}").get_data(as_text=True)
    assert built[0].parents[0].code in page  # the public passport shows the lineage

    from lithloop.services.market import catalog
    from tests.lineage import lineage_problems

    on_sale = catalog.search(catalog.Filters())  # the market's stock and yesterday's build
    assert built[0] in on_sale
    assert [problem for pack in on_sale for problem in lineage_problems(pack)] == []


def test_seed_demo_on_an_unmigrated_database_says_to_upgrade_first(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables: never upgraded
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception  # no traceback
        assert "flask db upgrade" in result.output
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("password", "why"), [("", "10"), ("a", "10"), ("1234567890", ""), ("password123", "")]
)
def test_seed_demo_refuses_a_password_the_policy_refuses(app, password, why):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password", password])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "--password" in result.output and why in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_demo_leaves_room_on_the_next_open_day_for_a_visitor_to_book(demo_activity):
    from lithloop import clock
    from lithloop.demo.activity import ROOM_FOR_VISITORS, next_open_day
    from lithloop.services.booking import capacity

    (day,) = capacity.calendar(*[next_open_day(clock.today())] * 2)
    assert demo_activity.activity.bookings_next_day >= 10  # busy, as a real day is
    assert day.remaining_kg >= ROOM_FOR_VISITORS * day.capacity_kg
    assert day.capacity_stops - day.booked_stops >= ROOM_FOR_VISITORS * day.capacity_stops


def test_after_seeding_the_session_commits_through_the_engines_pool(app):
    """Seeding commits unsynced, then closes its pool: the session's connection must not
    outlive it (it went on committing unsynced, then idled in the closed pool, open until
    collected, so that no copy of the database could be made meanwhile)."""
    from tests.conftest import DEMO_PASSWORD

    seed_demo(seed=7, password=DEMO_PASSWORD)
    db.session.scalar(sa.select(sa.func.count(User.id)))
    assert db.engine.pool.checkedout() == 1  # the session's, from the pool of today


def test_the_demo_parks_invoices_name_a_demo_seller_in_full(demo):
    """Walk finding: a demo invoice's seller had no taxpayer ID, address, phone or bank
    (SELLER_* unset in the demo): the demo park saves plainly demo details."""
    from lithloop.services.accounts import taxpayer_id
    from lithloop.services.market import invoices

    park = db.session.scalar(
        sa.select(Organisation).where(Organisation.kind == OrgKind.PARK_OPERATOR)
    )
    seller = invoices.seller_details(park)
    assert invoices.missing_seller(seller) == [], seller
    assert "演示" in seller["company_name"] and "牡丹江" in seller["address"]
    assert "演示" in seller["address"] and "演示" in seller["bank_name"]
    assert taxpayer_id.validate(seller["taxpayer_id"]) == seller["taxpayer_id"]
