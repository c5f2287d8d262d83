"""Stops read as places: bookings one after another at one site are one stop of the truck.

The truck arrives at a place once (`problem.place_of`, the definition the plan is built
with); a booking planned right after another at the same place has, as its own `arrival`,
the time its loading starts there. Pages and documents count and time stops through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from lithloop.models import PlanRoute, PlanStop
from lithloop.services.dispatch import transport_docs
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


def place_runs(stops: Iterable[PlanStop]) -> list[list[PlanStop]]:
    """These stops grouped as the truck makes them: a run of bookings at one place is one
    stop (an unloading at the park, a delivery, one each)."""
    runs: list[list[PlanStop]] = []
    for stop in stops:
        if runs and joins_place(stop) and _before(stop) is runs[-1][-1]:
            runs[-1].append(stop)
        else:
            runs.append([stop])
    return runs


def place_count(stops: Iterable[PlanStop]) -> int:
    """How many places the truck stops at for these stops (`place_runs`)."""
    return len(place_runs(stops))


def runs_done(runs: list[list[PlanStop]]) -> int:
    """How many of these stops (`place_runs`) are done: each of their bookings done."""
    return sum(1 for run in runs if all(s.done_at is not None for s in run))


def route_totals(route: PlanRoute) -> dict:
    """Route-wide totals for the manifest: trips, stops (places), bookings, packages,
    booked mass, hazardous lots."""
    trips = transport_docs.split_trips(route)
    return {
        "trips": len([t for t in trips if t.stops]),
        "stops": sum(place_count(t.pickups) for t in trips),
        "bookings": sum(len(t.pickups) for t in trips),
        "packs": sum(t.packs for t in trips),
        "mass_kg": sum((t.mass_kg for t in trips), Decimal(0)),
        "hazardous_lots": sum(t.hazardous_lots for t in trips),
    }
