"""Routes under way when their day is planned again: the stops done stay as the route's fixed
prefix; the truck goes on from its last done stop, at the time it left it, with what it has
on board, and only the stops not yet done are planned again.

A stop is done once the driver arrived there (with no exception since), picked up, delivered
or unloaded; a stop whose visit ended in an exception is planned again, the truck going on
from there. The routing
engines take no fixed prefix, but they take a truck's start place and shift (routing.Vehicle
start, shift): the continuation is planned from there, and what is on board is one pickup at
that place pinned to the truck, due the moment it leaves (routing.problem.TruckStart).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime

from lithloop import clock, routing
from lithloop.models import Plan, PlanRoute, PlanStop
from lithloop.services.dispatch import delivery_back, live_ops
from lithloop.services.dispatch.live_ops import ARRIVED, EXCEPTION
from lithloop.services.dispatch.problem import TruckStart, on_board_id, place_of, plan_stop

__all__ = ["UnderWay", "continue_route", "starts", "under_way", "without"]


@dataclass(frozen=True)
class UnderWay:
    """A route with stops done: its fixed prefix and where and when the truck goes on."""

    route: PlanRoute
    prefix: tuple[PlanStop, ...]  # the start and the stops done, in their order
    start: TruckStart
    last: PlanStop  # the stop the truck goes on from (done, or ended by an exception)

    @property
    def truck_id(self) -> int:
        """The route's truck."""
        return self.route.truck_id

    @property
    def booking_ids(self) -> set[int]:
        """Bookings of the prefix (not planned again)."""
        return {s.booking_id for s in self.prefix if s.booking_id}

    @property
    def order_ids(self) -> set[int]:
        """Orders of the prefix (not planned again)."""
        return {s.order_id for s in self.prefix if s.order_id}


def _news(stop: PlanStop, mark: str) -> datetime | None:
    """When the driver last sent this news (arrival or exception) about the stop; at a
    delivery stop, the exceptions of its day in the order's history."""
    if stop.order is not None and mark == EXCEPTION:
        found = [e.at for e in delivery_back.exceptions_on(stop.order, stop.route.plan.plan_date)]
        return found[-1] if found else None
    if stop.booking is None:
        return None
    found = [e.at for e in stop.booking.events if e.note.startswith(mark)]
    return found[-1] if found else None


def _done(stop: PlanStop) -> bool:
    """Picked up, delivered, unloaded; or arrived, with no exception since."""
    if stop.done_at is not None:
        return True
    arrived, problem = _news(stop, ARRIVED), _news(stop, EXCEPTION)
    return stop.kind == "pickup" and arrived is not None and (problem is None or problem < arrived)


#: The road states of a stop that is done (kept as it is when the rest of the day is planned).
DONE_STATES = frozenset({"arrived", "picked_up", "delivered", "unloaded"})


def has_done_stops(plan: Plan, states: dict | None = None) -> bool:
    """True when some stop of the plan is already done on the road (a day under way);
    `states`: the plan's `live_ops.stop_states`, if already read."""
    states = live_ops.stop_states(plan) if states is None else states
    return any(st.state in DONE_STATES for st in states.values())


def _failed_at(stop: PlanStop) -> datetime | None:
    """When an exception ended the visit of a stop not done (it is planned again)."""
    return None if stop.done_at is not None or _done(stop) else _news(stop, EXCEPTION)


def _left_at(stop: PlanStop) -> datetime:
    """When the truck left a stop it visited: its record, the exception, or the arrival plus
    the planned service."""
    if stop.done_at is not None:
        return stop.done_at
    failed = _failed_at(stop)
    if failed is not None:
        return failed
    return _news(stop, ARRIVED) + (stop.departure - stop.arrival)


def _place(stop: PlanStop) -> tuple[float, float] | None:
    """(lon, lat) of a stop away from the park; None at the park."""
    if stop.booking is not None:
        return (stop.booking.site.lon, stop.booking.site.lat)
    if stop.order is not None:
        return (float(stop.order.delivery_lon), float(stop.order.delivery_lat))
    return None


def under_way(route: PlanRoute, day: date, trips: int) -> UnderWay | None:
    """The route's fixed prefix (its start and the stops done, in place) and the truck's start
    for the rest: the last stop it visited (done, or ended by an exception: that stop is
    planned again), when it left it. None when the truck visited no stop yet (planned again
    whole) or the route is over (its end done: kept whole)."""
    stops = sorted(route.stops, key=lambda s: s.seq)
    done = [s for s in stops if s.kind != "start" and _done(s)]
    visited = done + [s for s in stops if _failed_at(s) is not None]
    if not visited or any(s.kind == "end" for s in done):
        return None
    last = max(visited, key=lambda s: (_left_at(s), s.seq))
    prefix = tuple(s for s in stops if s.kind == "start") + tuple(done)
    unloaded = max((r.seq for r in done if r.kind == "reload"), default=-1)
    on_board = [_picked_kg(s) for s in done if s.kind == "pickup" and s.seq > unloaded]
    first = prefix[0].departure if prefix[0].kind == "start" else stops[0].arrival
    left = max(0, int((_left_at(last) - clock.at(day)).total_seconds()))
    return UnderWay(
        route,
        prefix,
        TruckStart(
            lonlat=_place(last),
            place=place_of(last),
            at_s=left,
            on_board=(sum(on_board), sum(max(1, math.ceil(kg / 1000)) for kg in on_board)),
            trips=max(1, trips - sum(s.kind == "reload" for s in done)),
            worked_s=max(0, left - int((first - clock.at(day)).total_seconds())),
        ),
        last,
    )


def _picked_kg(stop: PlanStop) -> int:
    if stop.picked_kg is not None:
        return math.ceil(stop.picked_kg)
    return math.ceil(stop.booking.total_mass_kg) if stop.booking else 0


def starts(going: list[UnderWay]) -> dict[int, TruckStart]:
    """Truck id -> where and when it goes on, for the day's problem."""
    return {g.truck_id: g.start for g in going}


def copy_stop(stop: PlanStop) -> PlanStop:
    """A stop done, copied as it is: its position, planned and actual times, the driver's
    weighing and codes."""
    return PlanStop(
        seq=stop.seq,
        kind=stop.kind,
        booking=stop.booking,
        order=stop.order,
        arrival=stop.arrival,
        departure=stop.departure,
        load_kg=stop.load_kg,
        trip=stop.trip,
        distance_m=stop.distance_m,
        done_at=stop.done_at,
        locked=stop.locked,
        picked_kg=stop.picked_kg,
        picked_codes=stop.picked_codes,
    )


def continue_route(
    plan: Plan, going: UnderWay, day, solved: routing.Route | None, route_cost
) -> PlanRoute:
    """The prefix copied, then the solver's continuation (without its start and the on-board
    pickup) numbered after it; with no continuation, straight back to the park."""
    old = going.route
    route = PlanRoute(truck=old.truck, trips=old.trips, locked=old.locked, waiting_s=0)
    route.stops = [copy_stop(s) for s in going.prefix]
    last = going.last
    seq, base = max(s.seq for s in going.prefix), last.distance_m
    trip0 = last.trip + (last.kind == "reload")  # after unloading, a new trip
    steps = [
        st
        for st in (solved.steps if solved else ())
        if st.type != "start" and st.stop_id != on_board_id(old.truck_id)
    ]
    if not steps:
        steps = [_home(going, day)]
    for step in steps:
        seq += 1
        route.stops.append(plan_stop(day, step, seq, trip0=trip0, distance0=base))
    ends = route.stops[-1]
    route.distance_m = ends.distance_m
    route.duration_s = int((ends.arrival - route.stops[0].departure).total_seconds())
    route.waiting_s = solved.waiting if solved else 0  # the prefix's waits are history
    route.trips = max(s.trip for s in route.stops) + 1
    route.cost_fen = route_cost(old.truck, route.stops, route.distance_m)
    route.collected_kg = int(sum(s.booking.total_mass_kg for s in route.stops if s.booking))
    plan.routes.append(route)
    return route


def _home(going: UnderWay, day) -> routing.Step:
    """Back to the park from the last done stop, when the solver gave the truck nothing."""
    loc = next((i for i, v in enumerate(day.problem.vehicles) if v.id == going.truck_id), None)
    start = day.problem.vehicles[loc].start if loc is not None else 0
    travel = int(day.problem.matrices.duration[start, 0])
    metres = int(day.problem.matrices.distance[start, 0])
    arrive = going.start.at_s + travel
    return routing.Step("end", 0, arrive, arrive, arrive, going.start.on_board[:1], metres)


def without(solution: routing.Solution, going: list[UnderWay]) -> routing.Solution:
    """The solution without the under-way trucks' routes and the on-board pickups."""
    trucks = {g.truck_id for g in going}
    pseudo = {on_board_id(t) for t in trucks}
    return replace(
        solution,
        routes=tuple(r for r in solution.routes if r.vehicle_id not in trucks),
        unassigned=tuple(u for u in solution.unassigned if u.stop_id not in pseudo),
    )
