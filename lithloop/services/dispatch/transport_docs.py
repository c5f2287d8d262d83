"""Document data for a planned route: the manifest and the dangerous-goods transport document.

Pure functions over the ORM objects (no request, no writes). Regulatory basis (FACTS.md §4):
UN3480 LITHIUM ION BATTERIES, class 9, no packing group. Lots carried for recycling go under
SP377 (packing instruction P909, marked "LITHIUM BATTERIES FOR DISPOSAL/RECYCLING");
damaged or defective lots under SP376 (P908/LP904); lots liable to react dangerously
(swollen, leaking, after a thermal event) under SP376 with P911/LP906.
ASSUMED, not re-verified: tunnel restriction code (E) and transport category 2 from ADR
Table A for UN3480 (no different code for SP376/377 carriage); limited quantity "0" for
UN3480, so the JT/T 617 limited-quantity relief (≤ 8,000 kg as ordinary goods) never applies.
Black mass is not a battery: it is not carried under UN3480 and is listed apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from lithloop.models import BookingLot, BookingStatus, PlanRoute, PlanStop
from lithloop.services.booking import sites

UN_NUMBER = "UN3480"
SHIPPING_NAME_EN = "LITHIUM ION BATTERIES"
SHIPPING_NAME_ZH = "锂离子电池组"
HAZARD_CLASS = "9"
PACKING_GROUP = None  # UN3480 has none (ADR Table A column 4 is empty)
TUNNEL_CODE = "E"  # ASSUMED from ADR Table A column 15 for UN3480
TRANSPORT_CATEGORY = 2  # ASSUMED from ADR Table A column 15 for UN3480
LIMITED_QUANTITY_KG = 8000  # JT/T 617: LQ loads up to this may travel as ordinary goods
RECYCLING_MARK = "LITHIUM BATTERIES FOR DISPOSAL/RECYCLING"
REUSE_PACKING = "P903"  # tested, intact batteries carried for reuse (deliveries to buyers)
SP376_STATEMENT = "Transport in accordance with special provision 376"  # wording not re-verified
SP376_STATEMENT_ZH = "按特殊规定 376 运输"


@dataclass(frozen=True)
class Provision:
    """How a lot's condition is carried: special provision and packing instructions."""

    key: str  # sp377 | sp376 | sp376_reactive | none
    special_provision: int | None
    packing: str

    @property
    def dangerous(self) -> bool:
        """True when the lot travels as UN3480."""
        return self.special_provision is not None


SP377 = Provision("sp377", 377, "P909")
SP376 = Provision("sp376", 376, "P908 / LP904")
SP376_REACTIVE = Provision("sp376_reactive", 376, "P911 / LP906")
NOT_UN3480 = Provision("none", None, "")
ORDER = {"sp377": 0, "sp376": 1, "sp376_reactive": 2}


def provision_for(lot: BookingLot) -> Provision:
    """The special provision and packing instruction a lot is carried under."""
    if lot.form == "black_mass":
        return NOT_UN3480
    if lot.condition == "swollen_leaking":
        return SP376_REACTIVE
    if lot.condition == "damaged":
        return SP376
    return SP377


@dataclass
class Trip:
    """Stops from leaving the park (or a reload) up to the next unloading at the park."""

    number: int
    stops: list[PlanStop] = field(default_factory=list)
    unload: PlanStop | None = None

    @property
    def deliveries(self) -> list[PlanStop]:
        """Marketplace deliveries of the trip: loaded at the park, handed over on the way."""
        return [s for s in self.stops if s.kind == "delivery" and s.order is not None]

    @property
    def pickups(self) -> list[PlanStop]:
        """The pickup stops of the trip, in order (bookings cancelled since are left out)."""
        return [
            s
            for s in self.stops
            if s.kind == "pickup"
            and s.booking is not None
            and s.booking.status is not BookingStatus.CANCELLED
        ]

    @property
    def cancelled(self) -> list[PlanStop]:
        """Stops whose booking was cancelled after planning: nothing to load there."""
        return [
            s
            for s in self.stops
            if s.booking is not None and s.booking.status is BookingStatus.CANCELLED
        ]

    @property
    def lots(self) -> list[BookingLot]:
        """Every booked lot picked up on the trip."""
        return [lot for stop in self.pickups for lot in stop.booking.lots]

    @property
    def packs(self) -> int:
        """Number of packages (packs, modules, cell boxes) booked on the trip."""
        return sum(lot.pack_count for lot in self.lots)

    @property
    def mass_kg(self) -> Decimal:
        """Booked mass of the trip."""
        return sum((Decimal(lot.mass_kg) for lot in self.lots), Decimal(0))

    @property
    def hazardous_lots(self) -> int:
        """Lots carried under SP376 (damaged, defective, swollen, leaking)."""
        return sum(1 for lot in self.lots if provision_for(lot).special_provision == 376)


def split_trips(route: PlanRoute) -> list[Trip]:
    """The route's stops cut into trips: each ends at a reload (unloading) or the end."""
    trips = [Trip(1)]
    for stop in route.stops:
        if stop.kind in ("reload", "end"):
            trips[-1].unload = stop
            if stop.kind == "reload":
                trips.append(Trip(len(trips) + 1))
        elif stop.kind in ("pickup", "delivery"):
            trips[-1].stops.append(stop)
    return [t for t in trips if t.stops] or trips[:1]


def lot_hazard(lot: BookingLot) -> str:
    """Key of the hazard note for a lot (see the templates' hazard texts)."""
    return provision_for(lot).key


@dataclass
class Entry:
    """One line of the DG document: UN number with one special provision and packing."""

    provision: Provision
    lots: list[BookingLot] = field(default_factory=list)

    @property
    def packages(self) -> int:
        """Number of packages of this entry."""
        return sum(lot.pack_count for lot in self.lots)

    @property
    def mass_kg(self) -> Decimal:
        """Total mass of the entry: the sum of its lots."""
        return sum((Decimal(lot.mass_kg) for lot in self.lots), Decimal(0))

    @property
    def by_form(self) -> dict[str, int]:
        """Package counts per form (pack, module, cell), for the description of packages."""
        counts: dict[str, int] = {}
        for lot in self.lots:
            counts[lot.form] = counts.get(lot.form, 0) + lot.pack_count
        return counts

    @property
    def description(self) -> str:
        """The regulated description line (ADR 5.4.1.1.1 order; no packing group)."""
        return f"{UN_NUMBER} {SHIPPING_NAME_EN}, {HAZARD_CLASS}, ({TUNNEL_CODE})"


def entries(lots: Iterable[BookingLot]) -> list[Entry]:
    """UN3480 entries grouped by special provision and packing instruction, in a fixed order."""
    groups: dict[str, Entry] = {}
    for lot in lots:
        provision = provision_for(lot)
        if provision.dangerous:
            groups.setdefault(provision.key, Entry(provision)).lots.append(lot)
    return sorted(groups.values(), key=lambda e: ORDER[e.provision.key])


@dataclass
class Consignor:
    """Who hands the goods over at a pickup: the site's organisation and address."""

    stop: PlanStop

    @property
    def party(self) -> str:
        """The organisation and its site, each named once (sites.party)."""
        return sites.party(self.stop.booking.site)

    @property
    def address(self) -> str:
        """The site's address (city, district, street), without its name."""
        site = self.stop.booking.site
        return sites.address_line(site.city, site.district, site.address)


@dataclass
class DeliveryEntry:
    """Second-life packs loaded at the park for buyers: UN3480 for reuse (no SP376/377).

    Packing instruction P903 (tested, intact batteries); the park is the consignor and
    each buyer the consignee of its packs."""

    stops: list[PlanStop]
    packing: str = REUSE_PACKING

    @property
    def packages(self) -> int:
        """One package per pack."""
        return sum(len(s.order.lines) for s in self.stops)

    @property
    def mass_kg(self) -> Decimal:
        """The packs' mass."""
        return sum(
            (Decimal(line.pack.mass_kg) for s in self.stops for line in s.order.lines), Decimal(0)
        )

    @property
    def description(self) -> str:
        """The dangerous-goods line, as for the pickups' entries."""
        return f"{UN_NUMBER} {SHIPPING_NAME_EN}, {HAZARD_CLASS}, ({TUNNEL_CODE})"


@dataclass
class TripDocument:
    """The DG data of one trip: consignors, entries, deliveries, other goods, totals."""

    trip: Trip
    entries: list[Entry]
    consignors: list[Consignor]
    other_lots: list[BookingLot]
    delivery: DeliveryEntry | None = None

    @property
    def dangerous_kg(self) -> Decimal:
        """Mass carried as UN3480 on the trip (pickups and deliveries)."""
        delivered = self.delivery.mass_kg if self.delivery else Decimal(0)
        return sum((e.mass_kg for e in self.entries), delivered)

    @property
    def over_limited_quantity(self) -> bool:
        """True when the trip's UN3480 mass alone exceeds the 8,000 kg figure."""
        return self.dangerous_kg > LIMITED_QUANTITY_KG


@dataclass
class DangerousGoodsDocument:
    """Everything the transport document of a route shows."""

    route: PlanRoute
    trips: list[TripDocument]

    @property
    def consignee(self):
        """The park: the truck's depot site."""
        return self.route.truck.depot

    @property
    def carrier(self):
        """The organisation operating the truck (the park)."""
        return self.route.truck.organisation

    @property
    def dangerous_kg(self) -> Decimal:
        """UN3480 mass over the whole route."""
        return sum((t.dangerous_kg for t in self.trips), Decimal(0))

    @property
    def has_sp376(self) -> bool:
        """True when any lot travels under SP376 (the document must say so)."""
        return any(e.provision.special_provision == 376 for t in self.trips for e in t.entries)

    @property
    def has_sp377(self) -> bool:
        """True when any lot travels under SP377 (P909, recycling mark)."""
        return any(e.provision.special_provision == 377 for t in self.trips for e in t.entries)


def dangerous_goods(route: PlanRoute) -> DangerousGoodsDocument:
    """The DG transport document of a route, one section per trip."""
    docs = []
    for trip in split_trips(route):
        lots = trip.lots
        docs.append(
            TripDocument(
                trip,
                entries(lots),
                [Consignor(s) for s in trip.pickups],
                [lot for lot in lots if not provision_for(lot).dangerous],
                DeliveryEntry(trip.deliveries) if trip.deliveries else None,
            )
        )
    return DangerousGoodsDocument(route, docs)
