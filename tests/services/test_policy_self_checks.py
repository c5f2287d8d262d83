"""Each service checks its own authorisation through accounts/policies.py, whatever view,
job or script calls it: called directly by a user of another organisation (or a role that
does not do it), it answers the domain's NotFound or Forbidden, and nothing is written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    Grade,
    Order,
    OrderStatus,
    OrgKind,
    PackEvent,
    PackState,
    Role,
    Site,
)
from lithloop.services.accounts import policies
from lithloop.services.booking import booking_list, bookings, price_versions, sites
from lithloop.services.dispatch import left_out, runs
from lithloop.services.errors import Forbidden, NotFound
from lithloop.services.market import invoices, orders, payments, rfq_admin
from lithloop.services.packs import events, passports, traceability
from lithloop.services.plant import (
    certificates,
    dismantling,
    grading,
    intake,
    settlement,
    warehouses,
)
from tests.factories import make_org, make_user
from tests.plant_world import booked, make_pack, plant_world, receive


@pytest.fixture
def world(app):
    with force_locale("en"):
        world = plant_world()
        world["booking"] = booked(world)  # the dealer's, at the dealer's site
        world["buyer"] = make_user(make_org(OrgKind.BUYER), role=Role.BUYER)
        world["rival"] = make_user(make_org(OrgKind.BUYER), role=Role.BUYER)
        yield world


def _order(buyer) -> Order:
    order = Order(
        buyer_org_id=buyer.organisation_id,
        user_id=buyer.id,
        status=OrderStatus.PAID,
        total_fen=100,
        paid_at=clock.now(),
        reserved_until=clock.now() + timedelta(minutes=15),
    )
    db.session.add(order)
    db.session.commit()
    return order


# --- another organisation's records: NotFound, never revealed ---


def test_another_organisations_booking_is_not_found(world):
    booking_id = world["booking"].id
    with pytest.raises(NotFound):
        booking_list.get_booking(world["other"], booking_id)
    with pytest.raises(NotFound):
        bookings.change_status(world["other"], booking_id, BookingStatus.CANCELLED)
    with pytest.raises(NotFound):
        left_out.move_to_day(world["other"], booking_id, world["booking"].pickup_date)
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).status is BookingStatus.REQUESTED


def test_another_organisations_site_is_not_found_nor_changed(world):
    site = world["site"]
    data = sites.SiteInput(name="改名", lat=site.lat, lon=site.lon)
    with pytest.raises(NotFound):
        sites.get_site(world["other"], site.id)
    with pytest.raises(NotFound):
        sites.update_site(world["other"], site.id, data)
    with pytest.raises(NotFound):  # the park sees the site but changes no owner's site
        sites.update_site(world["admin"], site.id, data)
    db.session.expire_all()
    assert db.session.get(Site, site.id).name != "改名"


def test_another_organisations_settlement_and_pack_are_not_found(world):
    booking = world["booking"]
    receive(world, booking, "600")
    lot = booking.lots[0]
    pack = make_pack(
        world["plant"], PackState.RAW, grade=Grade.S, soh="30", booking=booking, lot=lot
    )
    settlement.settle(world["plant"], booking.id)
    with pytest.raises(NotFound):
        certificates.statement(world["other"], booking.id)
    assert certificates.own_settlements(world["other"]) == []
    assert len(certificates.own_settlements(world["dealer"])) == 1
    with pytest.raises(NotFound):
        passports.pack_for(world["other"], pack.code)
    assert passports.pack_for(world["dealer"], pack.code) == pack


def test_another_buyers_order_is_not_found(world):
    order = _order(world["buyer"])
    for call in (
        lambda: orders.get_order(world["rival"], order.id),
        lambda: invoices.invoice_for(world["rival"], order.id),
        lambda: payments.start_card_setup(world["rival"], order.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert orders.order_page(world["rival"], 1, 10) == ([], 0)
    assert [o.id for o in orders.order_page(world["buyer"], 1, 10)[0]] == [order.id]


# --- roles that do not do it: Forbidden, whatever calls the service ---


def test_owners_and_drivers_do_not_work_the_plant(world):
    pack = make_pack(world["plant"], PackState.RECEIVED)
    for user in (world["dealer"], world["other"], world["dispatcher"], world["buyer"]):
        for service, args in (
            (intake.receive, (world["booking"].id, {})),
            (grading.record_test, (pack.id, {"soh_pct": "85"})),
            (grading.send, (pack.id, "raw")),
            (warehouses.move, (pack.id, "raw", "aging")),
            (dismantling.open_batch, (1,)),
            (settlement.settle, (world["booking"].id,)),
        ):
            with pytest.raises(Forbidden):
                service(user, *args)
    db.session.expire_all()
    assert pack.state is PackState.RECEIVED and pack.tests == []


def test_only_admins_mark_handovers_add_prices_and_run_orders(world):
    pack = make_pack(world["plant"], PackState.RAW)
    handover = db.session.scalar(sa.select(PackEvent).where(PackEvent.pack_id == pack.id))
    order = _order(world["buyer"])
    for user in (world["dispatcher"], world["plant"], world["dealer"], world["buyer"]):
        with pytest.raises(Forbidden):
            traceability.mark_reported(user, [handover.id])
        with pytest.raises(Forbidden):
            price_versions.add_version(
                user, version="x-1", effective_date=clock.today(), note="", prices={}
            )
        with pytest.raises(Forbidden):
            orders.advance(user, order.id)
        with pytest.raises(Forbidden):
            rfq_admin.open_requests(user)
    db.session.expire_all()
    assert handover.reported_at is None and order.status is OrderStatus.PAID


def test_only_the_plant_corrects_a_packs_history(world):
    pack = make_pack(world["plant"], PackState.RAW)
    received = db.session.scalar(sa.select(PackEvent).where(PackEvent.pack_id == pack.id))
    for user in (world["dealer"], world["buyer"], world["dispatcher"]):
        with pytest.raises(Forbidden):
            events.correct(user, received.id, "weighed again")
    assert events.correct(world["plant"], received.id, "weighed again").corrects_id == received.id


def test_only_planners_plan(world):
    for user in (world["dealer"], world["plant"], world["buyer"]):
        with pytest.raises(Forbidden):
            runs.start_run(user, clock.today(), 5)


# --- the predicates themselves ---


def test_scoped_queries_keep_what_each_user_may_see(world):
    query = sa.select(Site.id).order_by(Site.id)
    every = list(db.session.scalars(query))

    def scoped(user):
        return list(db.session.scalars(policies.scoped(query, user, Site.organisation_id)))

    assert scoped(world["dispatcher"]) == every  # the park sees all
    assert scoped(world["dealer"]) == [world["site"].id]  # others their own
    assert scoped(make_user(world["park"], role=Role.DRIVER)) == []  # drivers none
    orders_query = sa.select(Order.id)
    order = _order(world["buyer"])

    def mine(user):
        query = policies.buyer_scoped(orders_query, user, Order.buyer_org_id)
        return list(db.session.scalars(query))

    assert mine(world["buyer"]) == [order.id] and mine(world["admin"]) == [order.id]
    assert mine(world["rival"]) == [] and mine(world["dispatcher"]) == []


def test_the_buttons_ask_the_same_predicates(world):
    assert policies.may(world["dealer"], "edit_site", world["site"])
    assert not policies.may(world["other"], "edit_site", world["site"])
    assert not policies.may(world["admin"], "edit_site", world["site"])
    assert policies.may(world["dispatcher"], "plan") and not policies.may(world["dealer"], "plan")
    assert policies.may(world["plant"], "settle") and not policies.may(world["buyer"], "settle")
    assert policies.may(world["buyer"], "buy") and not policies.may(world["admin"], "buy")
    assert set(policies.ABILITIES) >= {"book", "plan", "settle", "buy", "administer"}
    with pytest.raises(KeyError):
        policies.may(world["admin"], "fly")


def test_the_admin_still_adds_a_price_version(world):
    version = price_versions.add_version(
        world["admin"],
        version="policy-test-1",
        effective_date=clock.today(),
        note="",
        prices={"li2co3": Decimal("80000")},
    )
    assert version.version == "policy-test-1"
