"""factory_boy factories for the core models, bound to the app's session, and small builders.

Each factory commits what it makes (as the services do), so a row is visible to the test
client's requests at once. Build what a test needs and name only what it asserts on:

    dealer = DealerFactory()                      # a dealer branch and its staff member
    booking = BookingFactory(created_by=dealer)   # at a new site of the dealer, one LFP lot
    pack = PackFactory(received_by=plant_user)    # with its 'received' event

`make_org`, `make_user`, `make_user_as`, `make_site` and `make_park` are the shorthands most
tests use; they build through the factories.
"""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    ROLES_BY_KIND,
    Booking,
    BookingLot,
    BusPack,
    Organisation,
    OrgKind,
    OrgStatus,
    Pack,
    Plan,
    PlanRoute,
    PlanRun,
    PlanStatus,
    PlanStop,
    Role,
    RunStatus,
    Site,
    SiteKind,
    Truck,
    User,
)
from lithloop.models.market import Order, OrderLine, OrderStatus
from lithloop.services.accounts.passwords import hash_password

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


def _numbered(template: str):
    """A lazy value numbered from one counter shared by all factories (names stay unique)."""
    return factory.LazyFunction(lambda: template.format(next(_seq)))


def org_kind_for(role: Role) -> OrgKind:
    """The kind of organisation whose users hold this role."""
    return next(kind for kind, roles in ROLES_BY_KIND.items() if role in roles)


def first_role(kind: OrgKind) -> Role:
    """The role a user of this kind of organisation gets unless told otherwise."""
    return sorted(ROLES_BY_KIND[kind], key=lambda r: r.value)[0]


class BaseFactory(SQLAlchemyModelFactory):
    """Rows added to the app's session (`db.session`, per app context) and committed."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - the current app's
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        """Commit once the row and what its post-generation hooks added are in."""
        if create:
            db.session.commit()


class OrganisationFactory(BaseFactory):
    """An active dealer branch in Mudanjiang unless told otherwise."""

    class Meta:
        model = Organisation

    name = _numbered("测试机构{}")
    kind = OrgKind.DEALER_BRANCH
    status = OrgStatus.ACTIVE
    city = "牡丹江"


class UserFactory(BaseFactory):
    """A user of a new organisation, with the first role its kind allows unless given."""

    class Meta:
        model = User

    class Params:
        password = PASSWORD

    organisation = factory.SubFactory(OrganisationFactory)
    email = _numbered("user{}@example.com")
    name = "测试用户"
    password_hash = factory.LazyAttribute(lambda o: hash_password(o.password))
    role = factory.LazyAttribute(lambda o: first_role(o.organisation.kind))


def _user_factory(role: Role) -> type[UserFactory]:
    """A factory of users with the role, in a new organisation of the matching kind."""
    return type(
        f"{role.name.title().replace('_', '')}Factory",
        (UserFactory,),
        {
            "__doc__": f"A {role.value} user in a new organisation of the matching kind.",
            "role": role,
            "organisation": factory.SubFactory(OrganisationFactory, kind=org_kind_for(role)),
        },
    )


#: One user factory per role: USER_FACTORIES[Role.DRIVER]() is a driver of a new park operator.
USER_FACTORIES: dict[Role, type[UserFactory]] = {role: _user_factory(role) for role in Role}
DealerFactory = USER_FACTORIES[Role.DEALER_STAFF]
FleetManagerFactory = USER_FACTORIES[Role.FLEET_MANAGER]
BuyerFactory = USER_FACTORIES[Role.BUYER]
DispatcherFactory = USER_FACTORIES[Role.DISPATCHER]
PlantOperatorFactory = USER_FACTORIES[Role.PLANT_OPERATOR]
DriverFactory = USER_FACTORIES[Role.DRIVER]
AdminFactory = USER_FACTORIES[Role.ADMIN]
GovernmentFactory = USER_FACTORIES[Role.GOVERNMENT]


class SiteFactory(BaseFactory):
    """A branch site of a new organisation near Mudanjiang, open 08:00–17:00."""

    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = _numbered("网点{}")
    lat = 44.58
    lon = 129.62
    city = "牡丹江"
    opens_at = time(8)
    closes_at = time(17)


class ParkOperatorFactory(OrganisationFactory):
    """The park operator (an organisation of kind park operator)."""

    name = _numbered("产业园{}")
    kind = OrgKind.PARK_OPERATOR


class DepotFactory(SiteFactory):
    """The park's depot, where the trucks start and end."""

    organisation = factory.SubFactory(ParkOperatorFactory)
    kind = SiteKind.PARK
    name = "产业园"
    lat = 44.5514
    lon = 129.6329


class TruckFactory(BaseFactory):
    """A 12 t truck of the park at its depot, shift 07:00–19:00."""

    class Meta:
        model = Truck

    depot = factory.SubFactory(DepotFactory)
    organisation = factory.SelfAttribute("depot.organisation")
    plate = factory.LazyFunction(lambda: f"黑C·T{next(_seq):04d}")
    payload_kg = 12000
    pallet_places = 10
    shift_start = time(7)
    shift_end = time(19)
    fixed_cost_fen = 30000
    cost_per_km_fen = 300
    cost_per_hour_fen = 6000


class BookingFactory(BaseFactory):
    """A requested booking made directly (no quote): one intact LFP pack lot of its mass.

    `lots=[{...}, ...]` gives the lots (chemistry, form, pack_count, mass_kg, condition,
    damage, codes); the booking's total mass is theirs then.
    """

    class Meta:
        model = Booking

    created_by = factory.SubFactory(DealerFactory)
    organisation = factory.SelfAttribute("created_by.organisation")
    site = factory.SubFactory(SiteFactory, organisation=factory.SelfAttribute("..organisation"))
    pickup_date = date(2026, 1, 5)
    window_start = time(9)
    window_end = time(12)
    total_mass_kg = Decimal("1000")
    quote_total_fen = 0
    quote_index_version = "test"
    quote = factory.LazyFunction(dict)

    @factory.post_generation
    def lots(booking, create, extracted, **kwargs):
        specs = extracted if extracted is not None else [{"mass_kg": booking.total_mass_kg}]
        for position, spec in enumerate(specs):
            fields = {"chemistry": "LFP", "form": "pack", "pack_count": 1}
            fields |= {"condition": "intact", "damage": [], "codes": []} | spec
            fields["mass_kg"] = Decimal(str(fields["mass_kg"]))
            booking.lots.append(BookingLot(position=position, **fields))
        if extracted is not None:
            booking.total_mass_kg = sum((lot.mass_kg for lot in booking.lots), Decimal(0))


def _pack_code() -> str:
    from tests.pack_builders import pack_code

    return pack_code()


class PackFactory(BaseFactory):
    """A 300 kg LFP pack of 50 kWh at 85 % state of health, just received at the park.

    `received_by=user` also records its 'received' event (by that user, with its mass).
    """

    class Meta:
        model = Pack

    code = factory.LazyFunction(_pack_code)
    chemistry = "LFP"
    mass_kg = Decimal("300")
    rated_wh = 50000
    soh_pct = Decimal("85")

    @factory.post_generation
    def received_by(pack, create, extracted, at=None, data=None, **kwargs):
        if extracted is not None:
            from lithloop.services.packs import events as pack_events

            data = data if data is not None else {"mass_kg": str(pack.mass_kg)}
            pack_events.record(pack, "received", extracted, at=at, data=data)


class PlanRunFactory(BaseFactory):
    """A finished optimisation run for today, started by a dispatcher."""

    class Meta:
        model = PlanRun

    plan_date = factory.LazyFunction(clock.today)
    time_limit_s = 10
    status = RunStatus.SUCCEEDED
    created_by = factory.SubFactory(DispatcherFactory)


class PlanFactory(BaseFactory):
    """A draft plan of its run's day (no solution stored)."""

    class Meta:
        model = Plan

    run = factory.SubFactory(PlanRunFactory)
    plan_date = factory.SelfAttribute("run.plan_date")
    status = PlanStatus.DRAFT
    solution = factory.LazyFunction(dict)


class PlanRouteFactory(BaseFactory):
    """A route of a truck in a plan: 50 km, six hours, no stops unless given.

    `stops=[(kind, booking_id or None, "HH:MM" Beijing time), ...]` adds them in order
    (20 minutes at each; a 'reload' starts the next trip).
    """

    class Meta:
        model = PlanRoute

    plan = factory.SubFactory(PlanFactory)
    truck = factory.SubFactory(TruckFactory)
    distance_m = 50_000
    duration_s = 6 * 3600
    cost_fen = 0

    @factory.post_generation
    def stops(route, create, extracted, **kwargs):
        trip = 1
        for seq, (kind, booking_id, hhmm) in enumerate(extracted or ()):
            hour, minute = map(int, hhmm.split(":"))
            arrival = clock.at(route.plan.plan_date, hour * 3600 + minute * 60)
            route.stops.append(
                PlanStop(
                    seq=seq,
                    kind=kind,
                    booking_id=booking_id,
                    arrival=arrival,
                    departure=arrival + timedelta(minutes=20),
                    trip=trip,
                )
            )
            trip += kind == "reload"
        route.trips = trip


class OrderFactory(BaseFactory):
    """A buyer's paid order collected at the park; `packs=[...]` adds a line per pack."""

    class Meta:
        model = Order

    user = factory.SubFactory(BuyerFactory)
    buyer_org = factory.SelfAttribute("user.organisation")
    status = OrderStatus.PAID
    total_fen = 0
    paid_at = factory.LazyFunction(clock.now)

    @factory.post_generation
    def packs(order, create, extracted, **kwargs):
        for pack in extracted or ():
            order.lines.append(OrderLine(pack=pack, price_fen=pack.price_fen or 0))
        if extracted:
            order.total_fen = sum(line.price_fen for line in order.lines)


def make_org(
    kind: OrgKind = OrgKind.DEALER_BRANCH, *, status=OrgStatus.ACTIVE, name: str | None = None
) -> Organisation:
    """An organisation, active unless told otherwise."""
    named = {"name": name} if name else {}
    return OrganisationFactory(kind=kind, status=status, **named)


def make_user(
    org: Organisation,
    *,
    role: Role | None = None,
    email: str | None = None,
    password: str = PASSWORD,
) -> User:
    """A user of the organisation, with the first role its kind allows unless given."""
    given = {key: value for key, value in (("role", role), ("email", email)) if value}
    return UserFactory(organisation=org, password=password, **given)


def make_user_as(role: Role, *, org: Organisation | None = None, **kwargs) -> User:
    """A user with the role, in a new organisation of the matching kind unless given."""
    return make_user(org or make_org(org_kind_for(role)), role=role, **kwargs)


def make_site(org: Organisation, *, name: str | None = None, lat=44.58, lon=129.62) -> Site:
    """A site of the organisation near Mudanjiang."""
    named = {"name": name} if name else {}
    return SiteFactory(organisation=org, lat=lat, lon=lon, **named)


def make_park(payload_kg: int = 12000, trucks: int = 2) -> Organisation:
    """The park operator with its depot and trucks (capacity for bookings)."""
    depot = DepotFactory()
    TruckFactory.create_batch(trucks, depot=depot, payload_kg=payload_kg)
    return depot.organisation


def make_bus_pack(org_id: int, plate: str, *, commit: bool = True, **fields) -> BusPack:
    """A pack of a bus company's fleet register: an uncoded 295 kWh LFP bus pack of 2,225 kg
    in service since March 2019 at SoH 88 %, unless `fields` say otherwise."""
    values = {
        "pack_code": None,
        "chemistry": "LFP",
        "rated_kwh": Decimal("295"),
        "mass_kg": Decimal("2225"),
        "in_service_since": date(2019, 3, 1),
        "soh_pct": Decimal("88"),
    }
    pack = BusPack(organisation_id=org_id, vehicle_plate=plate, **{**values, **fields})
    db.session.add(pack)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return pack
