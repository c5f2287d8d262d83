"""The world of the authorisation matrix: the demo region, another organisation's objects,
one logged-in client and one API token per role, and a fingerprint of the database.

"Own" objects belong to the organisation (or, for a driver, the truck) of the role's user;
"other" objects belong to organisations made here with tests/factories.py, named with
OTHER_MARKER so that a response leaking them can be recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    ApiToken,
    Booking,
    BusPack,
    DismantlingBatch,
    OrgKind,
    OrgStatus,
    Pack,
    PackState,
    Plan,
    PlanRoute,
    PlanStatus,
    PlanStop,
    PriceIndexVersion,
    Role,
    Settlement,
    Site,
    Truck,
    User,
)
from lithloop.models.market import Order, OrderLine, OrderStatus
from lithloop.services.dispatch import roster

DEMO_PASSWORD = "lithloop-demo"
OTHER_MARKER = "AUTHZ外部"
DEMO_EMAILS = {
    Role.DEALER_STAFF: "dealer@demo.lithloop",
    Role.FLEET_MANAGER: "fleet@demo.lithloop",
    Role.DISPATCHER: "dispatcher@demo.lithloop",
    Role.PLANT_OPERATOR: "plant@demo.lithloop",
    Role.DRIVER: "driver@demo.lithloop",
    Role.BUYER: "buyer@demo.lithloop",
    Role.ADMIN: "admin@demo.lithloop",
    Role.GOVERNMENT: "gov@demo.lithloop",
}

#: Columns changed in place by writes that add no row; part of the fingerprint.
MUTABLE_COLUMNS = {
    "booking": ("id", "status", "cancel_reason"),
    "site": ("id", "name"),
    "organisation": ("id", "status"),
    "user": ("id", "enabled", "session_version"),
    "api_token": ("id", "revoked_at"),
    "plan": ("id", "status"),
    "plan_route": ("id", "locked"),
    "plan_stop": ("id", "locked", "done_at", "picked_kg"),
    "plan_run": ("id", "status"),
    "market_order": ("id", "status", "refunded_fen"),
    "pack": ("id", "state"),
    "quote_request": ("id", "status"),
    "market_order_line": ("id", "refunded_fen"),
    "dismantling_batch": ("id", "status"),
}


@dataclass
class World:
    """Ids and values the matrix fills URLs and bodies with."""

    users: dict[Role, User]
    own: dict[str, dict[Role, object]] = field(default_factory=dict)
    other: dict[str, object] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)


def _one(query):
    found = db.session.scalar(query)
    assert found is not None, f"the matrix world lacks {query}"
    return found


def _checkout(buyer: User, pack: Pack):
    from lithloop.services.market import checkout as market_checkout

    return market_checkout.checkout(buyer, [{"pack_id": pack.id}], {"kind": "pickup"})


def _other_bus_pack() -> int:
    """A pack of another bus company's fleet register."""
    from tests.factories import make_bus_pack, make_org

    other = make_org(OrgKind.BUS_COMPANY, name=f"{OTHER_MARKER}公交")
    return make_bus_pack(other.id, "黑C·AUTHZ", commit=False).id


def _delivery_stop(route: PlanRoute, buyer: User, pack: Pack) -> int:
    """A paid order delivered on the route (a stop appended before the route's end)."""
    order = Order(
        buyer_org_id=buyer.organisation_id,
        user_id=buyer.id,
        status=OrderStatus.PAID,
        total_fen=pack.price_fen,
        delivery_kind="address",
        delivery_address="牡丹江市东安区江滨大道1号",
        delivery_phone="13904531234",
        delivery_lat=Decimal("44.57"),
        delivery_lon=Decimal("129.63"),
        paid_at=clock.now(),
    )
    order.lines.append(OrderLine(pack=pack, price_fen=pack.price_fen))
    end = route.stops[-1]
    stop = PlanStop(
        route=route,
        seq=end.seq,
        kind="delivery",
        order=order,
        arrival=end.arrival,
        departure=end.arrival,
        trip=end.trip,
    )
    end.seq += 1
    db.session.add_all([order, stop])
    db.session.commit()
    return stop.id


def _seed_on_an_open_day(seed) -> None:
    """Seed as on the coming open day when today is closed (a Sunday in Beijing): the demo
    plans and publishes today's routes only on an open day, and this world needs the demo
    driver's route. On an open day, seed as today."""
    from lithloop.services.booking import capacity
    from tests.conftest import coming_open_morning

    if capacity.is_open(clock.today()):
        seed()
        return
    real = clock.now
    opening = coming_open_morning()
    clock.now = lambda: opening
    try:
        seed()
    finally:
        clock.now = real


def build_world(seed_demo=None) -> World:
    """Seed the demo region with activity, then add other organisations' objects.
    `seed_demo`: what seeds it (lithloop.demo.seed_demo, or a copy of this process's seeding:
    tests/demo_copies.py), called with the seed, password and activity."""
    if seed_demo is None:
        from lithloop.demo import seed_demo
    from lithloop.demo.activity import next_open_day
    from lithloop.services.booking import bookings as booking_service
    from lithloop.services.market import rfq as rfq_service
    from tests.factories import PASSWORD, make_org, make_site, make_user
    from tests.pack_builders import make_pack

    _seed_on_an_open_day(lambda: seed_demo(seed=7, password=DEMO_PASSWORD, activity=True))
    users = {
        role: _one(sa.select(User).where(User.email == email))
        for role, email in DEMO_EMAILS.items()
    }
    world = World(users=users)

    # Another dealer with a site and a booking; another buyer with an order.
    other_dealer = make_org(OrgKind.DEALER_BRANCH, name=f"{OTHER_MARKER}经销商")
    other_staff = make_user(other_dealer, role=Role.DEALER_STAFF)
    other_site = make_site(other_dealer, name=f"{OTHER_MARKER}网点")
    day = next_open_day(clock.today())
    other_booking, _created = booking_service.book_pickup(
        other_staff,
        {
            "site_id": other_site.id,
            "date": day.isoformat(),
            "window": ["09:00", "12:00"],
            "lots": [
                {
                    "chemistry": "LFP",
                    "form": "pack",
                    "count": 2,
                    "mass_kg": "600",
                    "condition": "intact",
                    "codes": [],
                }
            ],
        },
    )
    other_buyer = make_user(make_org(OrgKind.BUYER, name=f"{OTHER_MARKER}买家"), role=Role.BUYER)
    for_sale = list(
        db.session.scalars(
            sa.select(Pack)
            .where(Pack.state == PackState.FINISHED, Pack.price_fen.is_not(None))
            .order_by(Pack.id)
            .limit(6)
        )
    )
    assert len(for_sale) == 6, "the demo region lists refurbished packs for sale"
    other_order = _checkout(other_buyer, for_sale[0])
    own_order = _checkout(users[Role.BUYER], for_sale[1])
    plant = users[Role.PLANT_OPERATOR]
    other_pack = make_pack(plant, owner=other_dealer)
    pending = make_org(OrgKind.DEALER_BRANCH, status=OrgStatus.PENDING, name=f"{OTHER_MARKER}待审")
    spare_org = make_org(OrgKind.DEALER_BRANCH, name=f"{OTHER_MARKER}备用")
    spare = make_user(spare_org)  # disabled and unlocked by the admin in the matrix
    token_user = make_user(spare_org)  # asks for API tokens

    # Own objects of the owner roles (the demo's fleet company went through the whole chain).
    dealer, fleet = users[Role.DEALER_STAFF], users[Role.FLEET_MANAGER]
    own_booking = {
        r: _one(
            sa.select(Booking)
            .where(Booking.organisation_id == u.organisation_id)
            .order_by(Booking.id)
        )
        for r, u in ((Role.DEALER_STAFF, dealer), (Role.FLEET_MANAGER, fleet))
    }
    settled = _one(
        sa.select(Settlement).join(Booking).where(Booking.organisation_id == fleet.organisation_id)
    )
    other_settled = _one(
        sa.select(Settlement).join(Booking).where(Booking.organisation_id != fleet.organisation_id)
    )
    own_pack = _one(sa.select(Pack).where(Pack.owner_id == fleet.organisation_id))
    world.own["booking"] = {r: b.id for r, b in own_booking.items()}
    world.own["settlement"] = {Role.FLEET_MANAGER: settled.booking_id}
    world.own["pack"] = {Role.FLEET_MANAGER: own_pack.code}
    world.own["order"] = {Role.BUYER: own_order.id}
    register = sa.select(BusPack.id).order_by(BusPack.id)
    world.own["bus_pack"] = {
        Role.FLEET_MANAGER: _one(register.where(BusPack.organisation_id == fleet.organisation_id))
    }
    world.own["site"] = {
        role: _one(
            sa.select(Site.id).where(Site.organisation_id == user.organisation_id).order_by(Site.id)
        )
        for role, user in users.items()
        if role not in (Role.BUYER, Role.GOVERNMENT)
    }

    # The driver's route of today's published plan, and a route the driver does not drive.
    driver = users[Role.DRIVER]
    today_plan = _one(
        sa.select(Plan)
        .where(Plan.status == PlanStatus.PUBLISHED)
        .order_by(Plan.plan_date.desc(), Plan.id.desc())
    )
    driven = [r for r in today_plan.routes if roster.driver_of(r) == driver]
    assert driven, "the demo driver drives a route of today's published plan"
    not_driven = _one(
        sa.select(PlanRoute).where(PlanRoute.id != driven[0].id).order_by(PlanRoute.id)
    )
    assert roster.driver_of(not_driven) != driver
    world.own["route"] = {Role.DRIVER: driven[0].id}
    world.own["stop"] = {Role.DRIVER: next(s.id for s in driven[0].stops if s.kind == "pickup")}
    world.own["park_stop"] = {
        Role.DRIVER: next(s.id for s in driven[0].stops if s.kind in ("reload", "end"))
    }
    world.other.update(
        booking=other_booking.id,
        site=other_site.id,
        order=other_order.id,
        settlement=other_settled.booking_id,
        pack=other_pack.code,
        bus_pack=_other_bus_pack(),
        route=not_driven.id,
        stop=next(s.id for s in not_driven.stops if s.kind == "pickup"),
        park_stop=next(s.id for s in not_driven.stops if s.kind in ("reload", "end")),
    )
    # A delivery stop on the driver's route and one on another route; requests for quote.
    world.own["delivery_stop"] = {
        Role.DRIVER: _delivery_stop(driven[0], users[Role.BUYER], for_sale[4])
    }
    world.other["delivery_stop"] = _delivery_stop(not_driven, other_buyer, for_sale[5])
    spec = {"quantity": "2", "min_grade": "B", "wanted_by": (day + timedelta(days=20)).isoformat()}
    world.own["rfq"] = {Role.BUYER: rfq_service.create(users[Role.BUYER], spec).id}
    world.other["rfq"] = rfq_service.create(other_buyer, spec).id
    # A colleague of each organisation whose people invite one another, invitation open
    # (sent again, then removed, by the matrix), and another organisation's.
    invited = {}
    for role in (Role.DEALER_STAFF, Role.FLEET_MANAGER, Role.BUYER):
        colleague = make_user(users[role].organisation)
        colleague.invited_at = clock.now()
        invited[role] = colleague.id
    world.own["colleague"] = invited
    world.other["colleague"] = make_user(spare_org).id
    db.session.commit()
    # A spare API token of every role's user, and another organisation's (revoked in the
    # matrix: never the tokens the matrix itself calls the API with).
    from lithloop.services.accounts.api_tokens import issue_api_token, token_hash

    def spare_token(user: User) -> int:
        plain = issue_api_token(user, "authz spare")
        return _one(sa.select(ApiToken.id).where(ApiToken.token_hash == token_hash(plain)))

    world.own["api_token"] = {role: spare_token(user) for role, user in users.items()}
    world.other["api_token"] = spare_token(other_buyer)
    version = _one(sa.select(PriceIndexVersion.version).order_by(PriceIndexVersion.id))
    world.values.update(
        plan_id=today_plan.id,
        truck_id=_one(sa.select(Truck.id).order_by(Truck.id).limit(1)),
        run_id=today_plan.run_id,
        any_booking=other_booking.id,
        any_stop=world.own["stop"][Role.DRIVER],
        plant_pack=own_pack.id,
        sale_pack=for_sale[2].id,
        cart_pack=for_sale[3].id,
        batch_id=_one(sa.select(DismantlingBatch.id)),
        line_id=other_order.lines[0].id,
        org_id=pending.id,
        user_id=spare.id,
        park_user_id=users[Role.DISPATCHER].id,  # the admin's people pages
        gov_user_id=users[Role.GOVERNMENT].id,
        token_email=token_user.email,
        token_password=PASSWORD,
        certificate=settled.certificate_token,
        public_code=own_pack.code,
        archive_year=clock.today().year,  # the handover archive serves this year always
        version=version,
        open_day=day.isoformat(),
        other_order=other_order.id,
        other_rfq=world.other["rfq"],
    )
    return world


def fingerprint() -> dict:
    """Row counts of every table, and the in-place columns of the main ones (few queries)."""
    tables = db.metadata.sorted_tables
    counts = db.session.execute(
        sa.select(
            *(
                sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name)
                for t in tables
            )
        )
    ).one()
    prints = dict(zip((t.name for t in tables), counts, strict=True))
    for table in tables:
        columns = MUTABLE_COLUMNS.get(table.name)
        if columns:
            rows = db.session.execute(
                sa.select(*(table.c[c] for c in columns)).order_by(table.c.id)
            ).all()
            prints[f"{table.name}*"] = hash(tuple(tuple(map(str, r)) for r in rows))
    db.session.rollback()
    return prints
