"""The domain's vocabulary, in one place: PURE (standard library only).

The enums the models store, the API schemas validate against (OneOf built from them),
the pricing engine and the battery codes use, and the label tables translate. Model
statuses are plain Enums (stored by value); the trade vocabulary is StrEnum, so a member
equals its text.
"""

from __future__ import annotations

import enum
import re
from enum import StrEnum

#: Unicode's direction controls (embeddings, overrides, isolates): invisible, they make a
#: name or a plate read backwards or hide what follows it ("Trojan Source"); no text of
#: the trade needs them (a plate "黑C·D9999" with a right-to-left override read "9999D·C黑").
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


# --- the trade: what a lot or a pack is ---
class Chemistry(StrEnum):
    """Cathode chemistry."""

    LFP = "LFP"
    NCM523 = "NCM523"
    NCM622 = "NCM622"
    NCM811 = "NCM811"
    NCA = "NCA"
    LMO = "LMO"
    LCO = "LCO"


class Form(StrEnum):
    """What physically arrives: a whole pack, modules, loose cells or black mass."""

    PACK = "pack"
    MODULE = "module"
    CELL = "cell"
    BLACK_MASS = "black_mass"


class Condition(StrEnum):
    """Transport/handling condition: intact, damaged (ADR SP376), swollen/leaking/thermal."""

    INTACT = "intact"
    DAMAGED = "damaged"
    SWOLLEN_LEAKING = "swollen_leaking"


class PriceGrade(StrEnum):
    """Capacity grade of a tested second-life pack."""

    A = "A"
    B = "B"
    C = "C"


class Material(StrEnum):
    """Recoverable materials; lithium is valued as lithium-carbonate equivalent."""

    LI = "li"
    NI = "ni"
    CO = "co"
    MN = "mn"
    CU = "cu"
    AL = "al"


class Sp376Item(StrEnum):
    """Why a lot is "damaged or defective" under ADR special provision 376."""

    LEAKING_VENTING = "leaking_venting"
    DEFORMED = "deformed"
    BMS_DAMAGED = "bms_damaged"
    CANNOT_DIAGNOSE = "cannot_diagnose"


class DeliveryKind(StrEnum):
    """How a market order reaches its buyer: collected at the park or delivered."""

    PICKUP = "pickup"
    ADDRESS = "address"


class DeliveryState(StrEnum):
    """Where a market order's delivery stands, as its page and the API tell the buyer:
    collected at the park; expected on checkout's day (no published plan has it yet); on
    the routes of a published plan's day; left out by a published plan and being planned
    again; left out with no truck able to take it (the buyer is to contact the park);
    delivered without any published plan's day (the park marked it delivered by hand); or
    none: the order was cancelled or refunded in full before its packs were handed over."""

    PICKUP = "pickup"
    EXPECTED = "expected"
    PLANNED = "planned"
    RESCHEDULING = "rescheduling"
    CONTACT_PARK = "contact_park"
    DELIVERED = "delivered"
    NONE = "none"


class UseCase(StrEnum):
    """What a second-life pack is for (a catalogue filter, an assembly order, an RFQ)."""

    STORAGE = "storage"
    BASE_STATION = "base_station"
    LOW_SPEED_VEHICLE = "low_speed_vehicle"


class PackEventKind(StrEnum):
    """The kinds of event in a pack's chain, from the vehicle to its buyer or the line."""

    RETIRED = "retired"
    BOOKED = "booked"
    PICKED_UP = "picked_up"
    RECEIVED = "received"
    TESTED = "tested"
    GRADED = "graded"
    MOVED = "moved"
    AGED = "aged"
    BUILT = "built"
    CONSUMED = "consumed"
    DISMANTLED = "dismantled"
    LISTED = "listed"
    RESERVED = "reserved"
    RELEASED = "released"
    SOLD = "sold"
    RETURNED = "returned"
    SETTLED = "settled"
    CORRECTION = "correction"


class PackDestination(StrEnum):
    """Where a settled booking's pack went, as its recycling certificate says."""

    DISMANTLED = "dismantled"
    SECOND_LIFE = "second_life"
    AWAITING = "awaiting"


class Output(StrEnum):
    """What a dismantling batch yields, weighed out in this order."""

    BLACK_MASS = "black_mass"
    COPPER = "copper"
    ALUMINIUM = "aluminium"
    STEEL = "steel"
    PLASTICS = "plastics"


# --- the trip: why a booking was left out, why a pickup failed ---
class LeftOutReason(StrEnum):
    """Why the solver left a booking out of a plan (routing.model's REASON_* codes)."""

    SKILL_MISSING = "skill_missing"
    CAPACITY_EXCEEDED = "capacity_exceeded"
    WINDOW_UNREACHABLE = "window_unreachable"
    OUT_OF_RANGE = "out_of_range"
    DAY_FULL = "day_full"


class ShippedLeftOut(StrEnum):
    """Why a run left out the delivery of an order shipped on a truck of the day (its packs
    on that truck) instead of keeping it there: the truck is not active, or its route is
    kept as it is (locked, or over) and cannot take the delivery."""

    TRUCK_INACTIVE = "truck_inactive"
    TRUCK_ROUTE_KEPT = "truck_route_kept"


class PickupException(StrEnum):
    """Why a driver could not pick a booking up."""

    NOT_READY = "not_ready"
    CLOSED = "closed"
    NOBODY_THERE = "nobody_there"
    REFUSED = "refused"
    NOT_AS_DESCRIBED = "not_as_described"
    LEAKING_UNSAFE = "leaking_unsafe"
    ACCESS_BLOCKED = "access_blocked"
    BREAKDOWN = "breakdown"


class DeliveryException(StrEnum):
    """Why a driver could not hand a buyer's packs over at a delivery stop."""

    NOBODY_THERE = "nobody_there"
    REFUSED = "refused"
    ACCESS_BLOCKED = "access_blocked"
    ADDRESS_WRONG = "address_wrong"
    BREAKDOWN = "breakdown"


#: Chemistries in the order forms and lists show them.
CHEMISTRIES: tuple[str, ...] = tuple(c.value for c in Chemistry)
FORMS: tuple[str, ...] = tuple(f.value for f in Form)
CONDITIONS: tuple[str, ...] = tuple(c.value for c in Condition)


# --- who: organisations and roles; the records' statuses ---


class OrgKind(enum.Enum):
    """What an organisation is to the park."""

    DEALER_BRANCH = "dealer_branch"
    BUS_COMPANY = "bus_company"
    BUYER = "buyer"
    PARK_OPERATOR = "park_operator"
    GOVERNMENT = "government"  # a government partner: sees the dashboard


class OrgStatus(enum.Enum):
    """Whether an organisation may use the platform."""

    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"  # was active; an admin suspended it (reactivating restores it)


class Role(enum.Enum):
    """What a user does; each role has its own home page and navigation."""

    DEALER_STAFF = "dealer_staff"
    FLEET_MANAGER = "fleet_manager"
    DISPATCHER = "dispatcher"
    PLANT_OPERATOR = "plant_operator"
    DRIVER = "driver"
    BUYER = "buyer"
    ADMIN = "admin"
    GOVERNMENT = "government"


class SiteKind(enum.Enum):
    """What happens at a site."""

    PARK = "park"
    BRANCH = "branch"
    BUS_DEPOT = "bus_depot"
    WAREHOUSE = "warehouse"


class BookingStatus(enum.Enum):
    """Where a booking is in its life."""

    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    PICKED_UP = "picked_up"
    RECEIVED = "received"
    SETTLED = "settled"
    CANCELLED = "cancelled"


class PackState(enum.Enum):
    """Where a pack is in its life at the park and after."""

    RECEIVED = "received"  # weighed in, not yet graded
    RAW = "raw"  # raw-material warehouse: to be dismantled
    AGING = "aging"  # aging warehouse: second-life candidate resting
    FINISHED = "finished"  # finished-product warehouse: for sale
    RESERVED = "reserved"  # held by a buyer's checkout
    SOLD = "sold"
    CONSUMED = "consumed"  # its modules went into a refurbished pack
    DISMANTLED = "dismantled"


class Warehouse(enum.Enum):
    """The park's three warehouses."""

    RAW = "raw"
    AGING = "aging"
    FINISHED = "finished"


class Grade(enum.Enum):
    """Capacity division: A/B/C for second life, S for scrap."""

    A = "A"
    B = "B"
    C = "C"
    S = "S"


class OrderStatus(enum.Enum):
    """pending_payment -> paid -> packed -> shipped -> delivered; or cancelled, or refunded
    in full (the end). A partial refund is money beside the fulfilment state (the order's
    refunded_fen), not a state: the order stays packed, shipped or delivered."""

    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class RfqStatus(enum.Enum):
    """open -> quoted -> accepted, or declined; a quote past its date has expired."""

    OPEN = "open"
    QUOTED = "quoted"
    DECLINED = "declined"
    ACCEPTED = "accepted"


class RunStatus(enum.Enum):
    """Where a background optimisation run is."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PlanStatus(enum.Enum):
    """A plan is a draft until published; a newer published plan supersedes it."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


def values(enum_cls: type[enum.Enum]) -> list[str]:
    """The stored values of an enum, in declaration order (for OneOf and select options)."""
    return [member.value for member in enum_cls]
