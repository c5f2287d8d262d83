"""A plan as stored: routes and stops from a solution, kept routes copied, costs in fen
from the trucks' integer rates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from lithloop import routing
from lithloop.extensions import db
from lithloop.models import Plan, PlanRoute, PlanRun, PlanStop, PlanUnassigned, Truck
from lithloop.services.dispatch import left_deliveries, under_way
from lithloop.services.dispatch.problem import plan_stop


def _fen(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def route_cost_fen(truck: Truck, stops: list[PlanStop], distance_m: int) -> int:
    """A route's cost from the truck's integer rates: fixed + per km + per hour on the road
    (the solver's cost: service and waiting are not priced)."""
    travel_s = sum(int((b.arrival - a.departure).total_seconds()) for a, b in pairwise(stops))
    km = Decimal(distance_m) / 1000
    hours = Decimal(travel_s) / 3600
    return (
        truck.fixed_cost_fen
        + _fen(km * truck.cost_per_km_fen)
        + _fen(hours * truck.cost_per_hour_fen)
    )


def _loads_without(stops: list[PlanStop], dropped: frozenset) -> dict[int, int]:
    """Stop id -> the load on board after it (kg) once the dropped stops are taken off: a
    pickup's mass was on board from it to the trip's end (a reload unloads; the route's
    end keeps the load it brings), a delivery's from the trip's start (the park's start or
    the reload before it) to it."""
    loads = {s.id: s.load_kg for s in stops}
    for i, gone in (pair for pair in enumerate(stops) if pair[1].id in dropped):
        change = gone.load_kg - (stops[i - 1].load_kg if i else 0)
        if gone.kind == "pickup" and change > 0:
            for s in stops[i + 1 :]:
                if s.kind == "reload":
                    break
                loads[s.id] -= change
        elif gone.kind == "delivery" and change < 0:
            for s in reversed(stops[:i]):
                loads[s.id] += change
                if s.kind in ("start", "reload"):
                    break
    return loads


def _copy_route(route: PlanRoute, dropped: frozenset = frozenset()) -> PlanRoute:
    """A kept route copied into a new plan, without the `dropped` stops (their booking or
    order ended since: route_keeping.ended_stops); the rest keep their order, times and lock,
    their loads without the dropped stops'."""
    stops = sorted(route.stops, key=lambda s: s.seq)
    loads = _loads_without(stops, dropped)
    kept = [s for s in stops if s.id not in dropped]
    copy = PlanRoute(
        truck=route.truck,
        distance_m=route.distance_m,
        duration_s=route.duration_s,
        waiting_s=route.waiting_s,
        trips=route.trips,
        cost_fen=route.cost_fen,
        collected_kg=route.collected_kg,
        locked=route.locked,
    )
    if len(kept) < len(stops):
        copy.collected_kg = int(sum(s.booking.total_mass_kg for s in kept if s.booking))
    copy.stops = [
        PlanStop(
            seq=seq if len(kept) < len(stops) else s.seq,
            kind=s.kind,
            booking=s.booking,
            arrival=s.arrival,
            departure=s.departure,
            load_kg=loads[s.id],
            trip=s.trip,
            distance_m=s.distance_m,
            done_at=s.done_at,
            locked=s.locked,
            order=s.order,
            picked_kg=s.picked_kg,
            picked_codes=s.picked_codes,
        )
        for seq, s in enumerate(kept)
    ]
    return copy


def plan_from(
    run: PlanRun,
    day,
    solution: routing.Solution,
    kept=(),
    locked_stops=frozenset(),
    going=(),
    dropped=frozenset(),
    reshaped=None,
) -> Plan:
    """A run's new plan of a day: the kept routes copied (without the `dropped` stops'
    ids; `reshaped`, route id -> kept_route.Reshaped: those simulated again, their stops
    changed), the routes under way continued, the solution's routes and left-out bookings
    added."""
    plan = Plan(run=run, plan_date=day.day, solution={})
    db.session.add(plan)
    for route in kept:
        again = (reshaped or {}).get(route.id)
        if again is None:
            plan.routes.append(_copy_route(route, dropped))
            continue
        pins = frozenset(s.booking_id for s in route.stops if s.locked and s.booking_id)
        plan.routes.append(route_from(again.day, again.route, route.locked, pins))
    routes = {r.vehicle_id: r for r in solution.routes}
    for g in going:
        under_way.continue_route(plan, g, day, routes.get(g.truck_id), route_cost_fen)
    fill_plan(plan, day, under_way.without(solution, going), locked_stops=locked_stops)
    plan.solution = routing.solution_to_vroom(solution)
    return plan


def route_from(day, r: routing.Route, locked: bool, locked_stops=frozenset()) -> PlanRoute:
    """A solved (or simulated) route as the plan's route: its stops, figures and cost in
    fen; `locked_stops` the bookings whose stop stays locked."""
    truck = day.trucks[r.vehicle_id]
    route = PlanRoute(
        truck=truck,
        distance_m=r.distance,
        duration_s=r.duration,
        waiting_s=r.waiting,
        trips=r.trips,
        locked=locked,
    )
    for seq, step in enumerate(r.steps):
        stop = plan_stop(day, step, seq)
        stop.locked = stop.kind == "pickup" and step.stop_id in locked_stops
        route.stops.append(stop)
    route.cost_fen = route_cost_fen(truck, route.stops, r.distance)
    route.collected_kg = int(sum(s.booking.total_mass_kg for s in route.stops if s.booking))
    return route


def fill_plan(
    plan: Plan,
    day,
    solution: routing.Solution,
    locked=frozenset(),
    reasons=None,
    locked_stops=frozenset(),
) -> Plan:
    """Add the solution's routes and left-out bookings to a plan and total it up (the
    deliveries the plan left out before stay listed in its stored solution)."""
    plan.solution = left_deliveries.carry(plan.solution, routing.solution_to_vroom(solution))
    for r in solution.routes:
        plan.routes.append(route_from(day, r, r.vehicle_id in locked, locked_stops))
    for u in solution.unassigned:
        if u.stop_id in day.orders:  # a delivery left out stays due for the next run
            continue
        reason, message = (reasons or {}).get(u.stop_id, (u.reason, u.message))
        plan.unassigned.append(
            PlanUnassigned(booking=day.bookings[u.stop_id], reason=reason, message=message[:500])
        )
    plan.distance_m = sum(r.distance_m for r in plan.routes)
    plan.duration_s = sum(r.duration_s for r in plan.routes)
    plan.cost_fen = sum(r.cost_fen for r in plan.routes)
    plan.collected_kg = int(sum(r.collected_kg for r in plan.routes))
    return plan
