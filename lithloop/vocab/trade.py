"""The trade's words: what a lot or a pack is, what becomes of it, how it is sold and delivered.

PURE (standard library only); StrEnum, so a member equals its text.
"""

from __future__ import annotations

from enum import StrEnum


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


class Choice(StrEnum):
    """Outcome of refurbish-or-recycle (the pricing engine's decision on a pack)."""

    REFURBISH = "refurbish"
    RECYCLE = "recycle"


class Output(StrEnum):
    """What a dismantling batch yields, weighed out in this order."""

    BLACK_MASS = "black_mass"
    COPPER = "copper"
    ALUMINIUM = "aluminium"
    STEEL = "steel"
    PLASTICS = "plastics"


#: Chemistries in the order forms and lists show them.
CHEMISTRIES: tuple[str, ...] = tuple(c.value for c in Chemistry)
FORMS: tuple[str, ...] = tuple(f.value for f in Form)
CONDITIONS: tuple[str, ...] = tuple(c.value for c in Condition)
