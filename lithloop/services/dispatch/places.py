"""Stops read as places: bookings one after another at one site are one stop of the truck.

The truck arrives at a place once (`problem.place_of`, the definition the plan is built
with); a booking planned right after another at the same place has, as its own `arrival`,
the time its loading starts there. Pages and documents count and time stops through here.
"""

from __future__ import annotations

from collections.abc import Iterable

from lithloop.models import PlanStop
from lithloop.services.dispatch.problem import place_of


def _before(stop: PlanStop) -> PlanStop | None:
    earlier = [s for s in stop.route.stops if s.seq < stop.seq]
    return max(earlier, key=lambda s: s.seq) if earlier else None


def joins_place(stop: PlanStop) -> bool:
    """True when a pickup comes right after another booking's at the same place: the
    truck is there already, and the stop's `arrival` is when its loading starts."""
    prev = _before(stop)
    return (
        stop.booking is not None
        and prev is not None
        and prev.booking is not None
        and place_of(prev) == place_of(stop)
    )


def first_at_place(stop: PlanStop) -> PlanStop:
    """The first stop of the run of bookings at a stop's place (the truck's arrival there)."""
    first = stop
    while joins_place(first):
        first = _before(first)
    return first


def place_count(stops: Iterable[PlanStop]) -> int:
    """How many places the truck stops at for these pickups (a run of bookings at one
    place is one stop)."""
    stops = list(stops)
    return sum(1 for s in stops if not (joins_place(s) and _before(s) in stops))
