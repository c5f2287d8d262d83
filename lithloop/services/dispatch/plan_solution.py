"""A stored plan read back as a routing solution, so that it is written out as VROOM JSON
by the one formatter (routing.solution_to_vroom): each step's waiting, setup and service
apart, as the plan was built.

A plan stores each stop's arrival and departure only. Between them the truck waits (for
the window), sets up (parking, papers: SITE_SETUP_S, once per arrival at a place, not for
a booking right after another at the same place) and loads or unloads (the booking's or
order's own service time, as the problem gives it); what is left is waiting.
"""

from __future__ import annotations

from lithloop import clock, routing
from lithloop.models import Plan, PlanRoute, PlanStop
from lithloop.services.dispatch.problem import (
    SITE_SETUP_S,
    booking_service_s,
    order_service_s,
    order_stop_id,
    place_of,
)


def _seconds(plan: Plan, instant) -> int:
    return int((instant - clock.at(plan.plan_date, 0)).total_seconds())


def _work_s(stop: PlanStop, prev: PlanStop | None, total: int) -> tuple[int, int]:
    """(setup, service) of a stop within its `total` seconds from arrival to departure."""
    if stop.booking is not None:
        service = booking_service_s(stop.booking)
    elif stop.order is not None:
        service = order_service_s(stop.order)
    else:  # the park: unloading (a reload) is all service
        return 0, total
    here = place_of(stop)
    came = prev is None or place_of(prev) != here
    setup = min(SITE_SETUP_S if came else 0, total)
    return setup, min(service, total - setup)


def _step(plan: Plan, stop: PlanStop, prev, location: int) -> routing.Step:
    arrival, departure = _seconds(plan, stop.arrival), _seconds(plan, stop.departure)
    setup, service = _work_s(stop, prev, departure - arrival)
    stop_id = stop.booking_id if stop.booking_id is not None else None
    if stop.order_id is not None:
        stop_id = order_stop_id(stop.order_id)
    return routing.Step(
        type="job" if stop.kind == "pickup" else stop.kind,
        location=location,
        arrival=arrival,
        service_start=departure - service - setup,
        departure=departure,
        load=(stop.load_kg,),
        distance=stop.distance_m,
        stop_id=stop_id,
        trip=stop.trip,
        setup=setup,
    )


def _route(plan: Plan, route: PlanRoute, where, locations: dict) -> routing.Route:
    steps, prev = [], None
    for stop in sorted(route.stops, key=lambda s: s.seq):
        site = where(stop)
        point = (float(site.lon), float(site.lat))
        steps.append(_step(plan, stop, prev, locations.setdefault(point, len(locations))))
        prev = stop
    return routing.Route(
        vehicle_id=route.truck_id,
        steps=tuple(steps),
        distance=route.distance_m,
        duration=route.duration_s,
        service=sum(s.departure - s.service_start for s in steps),
        waiting=sum(s.waiting_s for s in steps),
        cost=route.cost_fen,
        trips=route.trips,
    )


def as_solution(plan: Plan, where) -> routing.Solution:
    """The plan as it stands (kept, edited, locked routes included) as a routing solution;
    `where(stop)` is the stop's place (a site, an address or the park: lat, lon)."""
    locations: dict[tuple[float, float], int] = {}
    routes = tuple(_route(plan, r, where, locations) for r in plan.routes)
    unassigned = tuple(
        routing.Unassigned(
            u.booking_id,
            locations.setdefault(
                (float(u.booking.site.lon), float(u.booking.site.lat)), len(locations)
            ),
            u.reason,
            u.message,
        )
        for u in plan.unassigned
    )
    return routing.Solution(
        status=routing.STATUS_PARTIAL if unassigned else routing.STATUS_SOLVED,
        routes=routes,
        unassigned=unassigned,
        cost=plan.cost_fen,
        distance=plan.distance_m,
        duration=plan.duration_s,
        wall_s=0.0,
        engine=(plan.solution or {}).get("summary", {}).get("engine", "stored"),
        coordinates=tuple(locations),
    )


def as_vroom(plan: Plan, where) -> dict:
    """The plan in VROOM's output format (routing.solution_to_vroom), with what a stored
    plan adds: each route's plate and lock, each step's lock and whether it is done."""
    out = routing.solution_to_vroom(as_solution(plan, where))
    for route, shown in zip(plan.routes, out["routes"], strict=True):
        shown.update(description=route.truck.plate, locked=route.locked)
        stops = sorted(route.stops, key=lambda s: s.seq)
        for stop, step in zip(stops, shown["steps"], strict=True):
            step.update(trip=stop.trip, locked=stop.locked, done=stop.done_at is not None)
    for u, shown in zip(plan.unassigned, out["unassigned"], strict=True):
        shown["description"] = u.message
    return out
