"""The factories make valid, committed rows that the services and pages accept."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    ROLES_BY_KIND,
    Booking,
    OrgKind,
    PackEvent,
    PlanRoute,
    Role,
    SiteKind,
    Truck,
)
from lithloop.models.market import Order
from tests import factories as f


@pytest.mark.parametrize("role", list(Role))
def test_a_user_per_role_in_an_organisation_that_allows_it(app, role):
    user = f.USER_FACTORIES[role]()
    db.session.expire_all()  # read back what was committed
    assert user.role is role
    assert role in ROLES_BY_KIND[user.organisation.kind]


def test_users_and_organisations_are_numbered_apart(app):
    first, second = f.DealerFactory(), f.DealerFactory()
    assert first.email != second.email
    assert first.organisation.name != second.organisation.name


def test_a_user_can_log_in_with_the_factory_password(app, client, auth):
    user = f.BuyerFactory(password="another-secret-9")
    assert auth.login(user.email, "another-secret-9").status_code == 302
    assert client.get("/account").status_code == 200


def test_make_park_has_its_depot_and_trucks(app):
    park = f.make_park(payload_kg=5000, trucks=3)
    trucks = db.session.scalars(sa.select(Truck).where(Truck.organisation_id == park.id)).all()
    assert park.kind is OrgKind.PARK_OPERATOR
    assert len(trucks) == 3 and {t.payload_kg for t in trucks} == {5000}
    assert {t.depot.kind for t in trucks} == {SiteKind.PARK}


def test_a_booking_of_the_dealer_at_its_own_site_with_its_lots(app):
    dealer = f.DealerFactory()
    booking = f.BookingFactory(
        created_by=dealer,
        lots=[{"mass_kg": "600", "pack_count": 2}, {"chemistry": "NCM811", "mass_kg": "300"}],
    )
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert booking.organisation_id == booking.site.organisation_id == dealer.organisation_id
    assert [(lot.position, lot.chemistry) for lot in booking.lots] == [(0, "LFP"), (1, "NCM811")]
    assert booking.total_mass_kg == Decimal("900")


def test_a_pack_received_by_a_plant_operator(app):
    plant = f.PlantOperatorFactory()
    pack = f.PackFactory(received_by=plant, mass_kg=Decimal("250"))
    events = db.session.scalars(sa.select(PackEvent).where(PackEvent.pack_id == pack.id)).all()
    assert [(e.kind, e.by_user_id, e.data) for e in events] == [
        ("received", plant.id, {"mass_kg": "250"})
    ]


def test_a_route_with_its_stops_and_trips(app):
    booking = f.BookingFactory()
    route = f.PlanRouteFactory(
        stops=[
            ("start", None, "07:30"),
            ("pickup", booking.id, "09:00"),
            ("reload", None, "11:00"),
            ("end", None, "12:00"),
        ]
    )
    db.session.expire_all()
    route = db.session.get(PlanRoute, route.id)
    assert [(s.seq, s.kind, s.trip) for s in route.stops] == [
        (0, "start", 1),
        (1, "pickup", 1),
        (2, "reload", 1),
        (3, "end", 2),
    ]
    assert route.trips == 2
    assert route.stops[0].arrival == clock.at(route.plan.plan_date, 7 * 3600 + 30 * 60)


def test_an_order_of_packs(app):
    packs = [f.PackFactory(price_fen=price) for price in (120_000, 80_000)]
    order = f.OrderFactory(packs=packs)
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.total_fen == 200_000
    assert [line.pack_id for line in order.lines] == [p.id for p in packs]
    assert order.buyer_org.kind is OrgKind.BUYER
