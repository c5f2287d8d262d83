"""The words of dispatch: why a run left a booking or a delivery out of a plan (a shipped
delivery too, naming its truck), and why a driver could not pick up or deliver."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop.labels.places import PLACE_WORDS, place_word
from lithloop.labels.words import label, table
from lithloop.vocab import DeliveryException, LeftOutReason, PickupException, ShippedLeftOut

#: Why a booking was left out of a plan (the solver's reason codes), in words.
LEFT_OUT_REASON = table(
    {
        LeftOutReason.SKILL_MISSING: _l(
            "No truck has the required skill (dangerous goods) free that day."
        ),
        LeftOutReason.CAPACITY_EXCEEDED: _l("The lot is heavier than any truck can carry."),
        # a re-plan sends trucks on from where they are, not from the park: no start named
        LeftOutReason.WINDOW_UNREACHABLE: PLACE_WORDS["window_unreachable"][0],
        LeftOutReason.OUT_OF_RANGE: PLACE_WORDS["out_of_range"][0],
        LeftOutReason.DAY_FULL: _l("The day is full (capacity or time): move it to another day."),
    }
)
#: The reasons that name the booking's place: a depot's say depot (labels.places).
PLACE_REASONS = {
    LeftOutReason.WINDOW_UNREACHABLE.value: "window_unreachable",
    LeftOutReason.OUT_OF_RANGE.value: "out_of_range",
}


def left_out_reason(code: str, place: object = None, fallback: str = "") -> str:
    """Why a booking at `place` (a site, or None) was left out of a plan, in the current
    language: a bus company's depot is called a depot; an unknown code gives `fallback`."""
    if code in PLACE_REASONS:
        return place_word(PLACE_REASONS[code], place)
    return str(LEFT_OUT_REASON[code]) if code in LEFT_OUT_REASON else fallback


#: Why a marketplace delivery was left out of a plan (the same solver codes), in words: a
#: delivery goes from the park to a buyer's address in delivery hours, and stays due.
LEFT_OUT_DELIVERY_REASON = table(
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
SHIPPED_LEFT_OUT_REASON = table(
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
PICKUP_EXCEPTION = table(
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
DELIVERY_EXCEPTION = table(
    {
        DeliveryException.NOBODY_THERE: _l("Nobody there to receive the packs"),
        DeliveryException.REFUSED: _l("The buyer refused the packs"),
        DeliveryException.ACCESS_BLOCKED: _l("Access blocked"),
        DeliveryException.ADDRESS_WRONG: _l("Address wrong or not found"),
        DeliveryException.BREAKDOWN: _l("Truck breakdown"),
    }
)
