"""The trip's words: why a booking was left out of a plan, why a pickup or delivery failed.

PURE (standard library only); StrEnum, so a member equals its text.
"""

from __future__ import annotations

from enum import StrEnum


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
