"""The vocabulary in words: one label table per vocabulary of `vocab.py` (and the battery
codes' refusal reasons), shared by the pages, the letters and the services' messages.

`vocab.py` stays pure; the words need Babel's lazy strings, so they live here, beside it. A
table maps an enum's stored value to its lazy label; `label()` shows one in the current
language. `VOCABULARIES` lists every table with its enum, so a test checks that no value
falls back to its raw code.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from lithloop.batteries.codes import CodeProblem
from lithloop.batteries.problems import CodeReason
from lithloop.vocab import (
    BookingStatus,
    Chemistry,
    Condition,
    DeliveryException,
    Form,
    LeftOutReason,
    OrderStatus,
    OrgKind,
    Output,
    PackDestination,
    PackEventKind,
    PackState,
    PickupException,
    PlanStatus,
    RfqStatus,
    Role,
    RunStatus,
    ShippedLeftOut,
    Sp376Item,
    UseCase,
    Warehouse,
)

Table = Mapping[str, LazyString]


class Words(dict):
    """A label table keyed by stored values; indexing by the enum member works too."""

    def __missing__(self, key):
        if isinstance(key, enum.Enum) and key.value in self:
            return self[key.value]
        raise KeyError(key)


def _table(pairs: dict) -> Words:
    """A table keyed by the members' stored values (what pages and rows carry)."""
    return Words({member.value: text for member, text in pairs.items()})


BOOKING_STATUS = _table(
    {
        BookingStatus.REQUESTED: _l("Requested"),
        BookingStatus.SCHEDULED: _l("Scheduled"),
        BookingStatus.PICKED_UP: _l("Picked up"),
        BookingStatus.RECEIVED: _l("Received"),
        BookingStatus.SETTLED: _l("Settled"),
        BookingStatus.CANCELLED: _l("Cancelled"),
    }
)
ORDER_STATUS = _table(
    {
        OrderStatus.PENDING_PAYMENT: _l("Awaiting payment"),
        OrderStatus.PAID: _l("Paid"),
        OrderStatus.PACKED: _l("Packed"),
        OrderStatus.SHIPPED: _l("Shipped"),
        OrderStatus.DELIVERED: _l("Delivered"),
        OrderStatus.CANCELLED: _l("Cancelled"),
        OrderStatus.REFUNDED: _l("Refunded"),
    }
)
#: An order picked up at the park: "shipped" is the hand-over there (as its mail says).
PICKUP_ORDER_STATUS = Words(
    {
        **ORDER_STATUS,
        OrderStatus.PACKED.value: _l("Packed, ready for pickup"),
        OrderStatus.SHIPPED.value: _l("Collected at the park"),
        OrderStatus.DELIVERED.value: _l("Completed"),
    }
)
RFQ_STATUS = _table(
    {
        RfqStatus.OPEN: _l("Waiting for a quote"),
        RfqStatus.QUOTED: _l("Quoted"),
        RfqStatus.DECLINED: _l("Declined"),
        RfqStatus.ACCEPTED: _l("Accepted"),
    }
)
RUN_STATUS = _table(
    {
        RunStatus.QUEUED: _l("Queued"),
        RunStatus.RUNNING: _l("Running"),
        RunStatus.SUCCEEDED: _l("Finished"),
        RunStatus.FAILED: _l("Failed"),
        RunStatus.CANCELLED: _l("Cancelled"),
    }
)
PLAN_STATUS = _table(
    {
        PlanStatus.DRAFT: _l("Draft"),
        PlanStatus.PUBLISHED: _l("Published"),
        PlanStatus.SUPERSEDED: _l("Superseded"),
    }
)
#: Why a booking was left out of a plan (the solver's reason codes), in words.
LEFT_OUT_REASON = _table(
    {
        LeftOutReason.SKILL_MISSING: _l(
            "No truck has the required skill (dangerous goods) free that day."
        ),
        LeftOutReason.CAPACITY_EXCEEDED: _l("The lot is heavier than any truck can carry."),
        # a re-plan sends trucks on from where they are, not from the park: no start named
        LeftOutReason.WINDOW_UNREACHABLE: _l(
            "No truck can reach the site within its time window during a shift."
        ),
        LeftOutReason.OUT_OF_RANGE: _l("The site is beyond the trucks' range in a working day."),
        LeftOutReason.DAY_FULL: _l("The day is full (capacity or time): move it to another day."),
    }
)
#: Why a marketplace delivery was left out of a plan (the same solver codes), in words: a
#: delivery goes from the park to a buyer's address in delivery hours, and stays due.
LEFT_OUT_DELIVERY_REASON = _table(
    {
        # a delivery needs no skill: only a day without any truck leaves it out this way
        LeftOutReason.SKILL_MISSING: _l("No truck is on the road that day."),
        LeftOutReason.CAPACITY_EXCEEDED: _l(
            "The packs weigh more, or take more pallet places, than any truck carries."
        ),
        LeftOutReason.WINDOW_UNREACHABLE: _l(
            "No truck can reach the address within delivery hours during its shift."
        ),
        LeftOutReason.OUT_OF_RANGE: _l(
            "The delivery city is beyond a working day's round trip from the park."
        ),
        LeftOutReason.DAY_FULL: _l("The day's trucks are full (load or time)."),
    }
)
#: Why a run left out a delivery whose packs are on a truck already (shipped on it), in
#: words a dispatcher can act on; %(plate)s is that truck (shipped_left_out fills it in).
SHIPPED_LEFT_OUT_REASON = _table(
    {
        ShippedLeftOut.TRUCK_INACTIVE: _l(
            "Its packs are on truck %(plate)s, which is not active: make the truck active "
            "again and run the day again, or have the packs brought back to the park."
        ),
        ShippedLeftOut.TRUCK_ROUTE_KEPT: _l(
            "Its packs are on truck %(plate)s, whose route is kept as it is (locked, or its "
            "day over) and cannot take this delivery without breaking a time window, the "
            "shift or the load: unlock that route and run the day again."
        ),
    }
)


def shipped_left_out(code: str, plate: str) -> str:
    """Why a shipped delivery was left out, in the current language, naming its truck."""
    return label(SHIPPED_LEFT_OUT_REASON, code).replace("%(plate)s", plate)


#: Why a driver could not pick up, in words (the driver's choices and the owner's notice).
PICKUP_EXCEPTION = _table(
    {
        PickupException.NOT_READY: _l("Not ready"),
        PickupException.CLOSED: _l("Site closed"),
        PickupException.NOBODY_THERE: _l("Nobody there"),
        PickupException.REFUSED: _l("Refused"),
        PickupException.NOT_AS_DESCRIBED: _l("Not as described"),
        PickupException.LEAKING_UNSAFE: _l("Leaking or unsafe"),
        PickupException.ACCESS_BLOCKED: _l("Access blocked"),
        PickupException.BREAKDOWN: _l("Truck breakdown"),
    }
)

#: Why a driver could not deliver, in words (the driver's choices, the buyer's and the
#: dispatchers' notices, the order's history).
DELIVERY_EXCEPTION = _table(
    {
        DeliveryException.NOBODY_THERE: _l("Nobody there to receive the packs"),
        DeliveryException.REFUSED: _l("The buyer refused the packs"),
        DeliveryException.ACCESS_BLOCKED: _l("Access blocked"),
        DeliveryException.ADDRESS_WRONG: _l("Address wrong or not found"),
        DeliveryException.BREAKDOWN: _l("Truck breakdown"),
    }
)

# --- the trade ---
CHEMISTRY = _table(
    {
        Chemistry.LFP: _l("LFP (lithium iron phosphate)"),
        Chemistry.NCM523: _l("NCM523 (nickel cobalt manganese 523)"),
        Chemistry.NCM622: _l("NCM622 (nickel cobalt manganese 622)"),
        Chemistry.NCM811: _l("NCM811 (nickel cobalt manganese 811)"),
        Chemistry.NCA: _l("NCA (nickel cobalt aluminium)"),
        Chemistry.LMO: _l("LMO (lithium manganese oxide)"),
        Chemistry.LCO: _l("LCO (lithium cobalt oxide)"),
    }
)
CONDITION = _table(
    {
        Condition.INTACT: _l("Intact"),
        Condition.DAMAGED: _l("Damaged / defective (SP376)"),
        Condition.SWOLLEN_LEAKING: _l("Swollen, leaking or after a thermal event"),
    }
)
#: What a lot is, as counted on transport documents ("3 packs").
FORM = _table(
    {
        Form.PACK: _l("packs"),
        Form.MODULE: _l("modules"),
        Form.CELL: _l("cells"),
        Form.BLACK_MASS: _l("black mass"),
    }
)
#: The same after a count of one ("1 pack", not "1 packs").
FORM_ONE = _table(
    {
        Form.PACK: _l("pack"),
        Form.MODULE: _l("module"),
        Form.CELL: _l("cell"),
        Form.BLACK_MASS: _l("black mass"),
    }
)
#: The SP376 checklist: why a lot is damaged or defective.
SP376_ITEM = _table(
    {
        Sp376Item.LEAKING_VENTING: _l("Leaking or venting"),
        Sp376Item.DEFORMED: _l("Deformed"),
        Sp376Item.BMS_DAMAGED: _l("Battery management system damaged"),
        Sp376Item.CANNOT_DIAGNOSE: _l("Cannot be diagnosed"),
    }
)
USE_CASE = _table(
    {
        UseCase.STORAGE: _l("Energy storage"),
        UseCase.BASE_STATION: _l("Base-station backup"),
        UseCase.LOW_SPEED_VEHICLE: _l("Low-speed vehicles"),
    }
)
OUTPUT = _table(
    {
        Output.BLACK_MASS: _l("Black mass"),
        Output.COPPER: _l("Copper"),
        Output.ALUMINIUM: _l("Aluminium"),
        Output.STEEL: _l("Casings / steel"),
        Output.PLASTICS: _l("Plastics"),
    }
)

# --- a pack's life ---
WAREHOUSE = _table(
    {
        Warehouse.RAW: _l("Raw-material warehouse"),
        Warehouse.AGING: _l("Aging warehouse"),
        Warehouse.FINISHED: _l("Finished-product warehouse"),
    }
)
_SHARED_STATES = {
    PackState.RESERVED: _l("Reserved"),
    PackState.SOLD: _l("Sold"),
    PackState.CONSUMED: _l("Used in a refurbished pack"),
    PackState.DISMANTLED: _l("Dismantled"),
}
#: A pack's state as its passport tells it ("in the aging warehouse").
PACK_STATE = _table(
    {
        PackState.RECEIVED: _l("Received"),
        PackState.RAW: _l("In the raw-material warehouse"),
        PackState.AGING: _l("In the aging warehouse"),
        PackState.FINISHED: _l("In the finished-product warehouse"),
        **_SHARED_STATES,
    }
)
#: Where a pack is, as the plant's lists show it (a warehouse's name for the stored states).
PACK_PLACE = _table(
    {
        PackState.RECEIVED: _l("Received, not graded"),
        PackState.RAW: WAREHOUSE[Warehouse.RAW.value],
        PackState.AGING: WAREHOUSE[Warehouse.AGING.value],
        PackState.FINISHED: WAREHOUSE[Warehouse.FINISHED.value],
        **_SHARED_STATES,
    }
)
#: The kinds of event on a pack's passport.
PACK_EVENT = _table(
    {
        PackEventKind.RETIRED: _l("Retired from vehicle"),
        PackEventKind.BOOKED: _l("Booked for pickup"),
        PackEventKind.PICKED_UP: _l("Picked up"),
        PackEventKind.RECEIVED: _l("Received at the park"),
        PackEventKind.TESTED: _l("Tested"),
        PackEventKind.GRADED: _l("Graded"),
        PackEventKind.MOVED: _l("Moved"),
        PackEventKind.AGED: _l("Released from aging"),
        PackEventKind.BUILT: _l("Built from parent packs"),
        PackEventKind.CONSUMED: _l("Used in a refurbished pack"),
        PackEventKind.DISMANTLED: _l("Dismantled"),
        PackEventKind.LISTED: _l("Listed for sale"),
        PackEventKind.RESERVED: _l("Reserved"),
        PackEventKind.RELEASED: _l("Reservation released"),
        PackEventKind.SOLD: _l("Sold"),
        PackEventKind.RETURNED: _l("Returned"),
        PackEventKind.SETTLED: _l("Settled"),
        PackEventKind.CORRECTION: _l("Correction"),
    }
)
PACK_DESTINATION = _table(
    {
        PackDestination.DISMANTLED: _l("Dismantled"),
        PackDestination.SECOND_LIFE: _l("Second life"),
        PackDestination.AWAITING: _l("Awaiting"),
    }
)

# --- who ---
ROLE = _table(
    {
        Role.DEALER_STAFF: _l("Dealer staff"),
        Role.FLEET_MANAGER: _l("Fleet manager"),
        Role.DISPATCHER: _l("Dispatcher"),
        Role.PLANT_OPERATOR: _l("Plant operator"),
        Role.DRIVER: _l("Driver"),
        Role.BUYER: _l("Buyer"),
        Role.ADMIN: _l("Administrator"),
        Role.GOVERNMENT: _l("Government partner"),
    }
)
#: One organisation's kind (the admin's approval mail names a registering organisation).
ORG_KIND = _table(
    {
        OrgKind.DEALER_BRANCH: _l("Dealer branch"),
        OrgKind.BUS_COMPANY: _l("Bus company"),
        OrgKind.BUYER: _l("Buyer (second-life packs)"),
        OrgKind.PARK_OPERATOR: _l("Park operator"),
        OrgKind.GOVERNMENT: ROLE[Role.GOVERNMENT.value],
    }
)
#: The kinds as groups (the admin's lists of organisations).
ORG_KINDS = _table(
    {
        OrgKind.DEALER_BRANCH: _l("Dealer branches"),
        OrgKind.BUS_COMPANY: _l("Bus companies"),
        OrgKind.BUYER: _l("Buyers"),
        OrgKind.PARK_OPERATOR: _l("Park operator"),
        OrgKind.GOVERNMENT: _l("Government partners"),
    }
)

# --- battery codes (GB/T 34014): the one table of refusal reasons ---
CODE_REASON: dict[str, LazyString] = {
    CodeReason.EMPTY: _l("The code is empty."),
    CodeReason.WRONG_LENGTH: _l("The code has %(length)s characters; GB/T 34014 codes have 24."),
    CodeReason.BAD_CHARACTER: _l("Character %(position)s ('%(char)s') is not allowed there."),
    CodeReason.UNKNOWN_PRODUCT_TYPE: _l(
        "Character 4 ('%(char)s') must be P (pack), M (module) or C (cell)."
    ),
    CodeReason.UNKNOWN_CHEMISTRY: _l("Character 5 ('%(char)s') is not a battery-type letter."),
    CodeReason.IMPOSSIBLE_DATE: _l("Character %(position)s ('%(char)s') is not a possible date."),
    CodeReason.FUTURE_DATE: _l("The production date %(produced)s is in the future."),
    CodeReason.ZERO_SERIAL: _l("The serial number (characters 18-24) must not be 0000000."),
    CodeReason.FIELD_LENGTH: _l(
        "A field of the code needs %(expected)s characters, not %(length)s."
    ),
    CodeReason.SERIAL_OUT_OF_RANGE: _l("The serial %(serial)s is outside 1-%(maximum)s."),
    CodeReason.YEAR_UNSUPPORTED: _l(
        "Production year %(year)s cannot be coded: the first year coded is %(first)s."
    ),
}
#: Every parameter a reason may name, empty unless the check gave it.
_CODE_PARAMS = (
    "position",
    "char",
    "length",
    "produced",
    "expected",
    "serial",
    "maximum",
    "year",
    "first",
)


def code_reason(reason: str | None, params: Mapping[str, object] | None = None) -> str:
    """Why a battery code was refused (a `CodeReason` and the check's parameters), in the
    current language; a parameter the check did not give is left empty."""
    if reason not in CODE_REASON:
        return str(_l("The code is not valid."))
    values: dict[str, object] = dict.fromkeys(_CODE_PARAMS, "")
    values.update(params or {})
    return str(CODE_REASON[reason]) % values


def problem_text(problem: CodeProblem | None) -> str:
    """A code check's problem in the current language."""
    return code_reason(problem.reason if problem else None, problem.params if problem else None)


#: Every vocabulary with its words: (enum, table). Each value has a label.
VOCABULARIES: dict[str, tuple[type[enum.Enum], Table]] = {
    "booking status": (BookingStatus, BOOKING_STATUS),
    "order status": (OrderStatus, ORDER_STATUS),
    "request for quote status": (RfqStatus, RFQ_STATUS),
    "run status": (RunStatus, RUN_STATUS),
    "plan status": (PlanStatus, PLAN_STATUS),
    "left-out reason": (LeftOutReason, LEFT_OUT_REASON),
    "left-out delivery reason": (LeftOutReason, LEFT_OUT_DELIVERY_REASON),
    "shipped delivery left-out reason": (ShippedLeftOut, SHIPPED_LEFT_OUT_REASON),
    "pickup exception": (PickupException, PICKUP_EXCEPTION),
    "delivery exception": (DeliveryException, DELIVERY_EXCEPTION),
    "chemistry": (Chemistry, CHEMISTRY),
    "condition": (Condition, CONDITION),
    "form": (Form, FORM),
    "SP376 item": (Sp376Item, SP376_ITEM),
    "use case": (UseCase, USE_CASE),
    "dismantling output": (Output, OUTPUT),
    "warehouse": (Warehouse, WAREHOUSE),
    "pack state": (PackState, PACK_STATE),
    "pack place": (PackState, PACK_PLACE),
    "pack event": (PackEventKind, PACK_EVENT),
    "pack destination": (PackDestination, PACK_DESTINATION),
    "role": (Role, ROLE),
    "organisation kind": (OrgKind, ORG_KIND),
    "organisation kinds": (OrgKind, ORG_KINDS),
    "battery code reason": (CodeReason, CODE_REASON),
}


def label(table: Table, value: object) -> str:
    """A vocabulary value in the current language (a member or its stored value); an
    unknown value is shown as it is."""
    key = value.value if isinstance(value, enum.Enum) else value
    return str(table.get(key, key))  # type: ignore[arg-type]
