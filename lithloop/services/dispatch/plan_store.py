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


def _copy_route(route: PlanRoute) -> PlanRoute:
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
    copy.stops = [
        PlanStop(
            seq=s.seq,
            kind=s.kind,
            booking=s.booking,
            arrival=s.arrival,
            departure=s.departure,
            load_kg=s.load_kg,
            trip=s.trip,
            distance_m=s.distance_m,
            done_at=s.done_at,
            locked=s.locked,
            order=s.order,
            picked_kg=s.picked_kg,
            picked_codes=s.picked_codes,
        )
        for s in route.stops
    ]
    return copy


def plan_from(
    run: PlanRun, day, solution: routing.Solution, kept=(), locked_stops=frozenset(), going=()
) -> Plan:
    """A run's new plan of a day: the kept routes copied, the routes under way continued,
    the solution's routes and left-out bookings added."""
    plan = Plan(run=run, plan_date=day.day, solution={})
    db.session.add(plan)
    for route in kept:
        plan.routes.append(_copy_route(route))
    routes = {r.vehicle_id: r for r in solution.routes}
    for g in going:
        under_way.continue_route(plan, g, day, routes.get(g.truck_id), route_cost_fen)
    fill_plan(plan, day, under_way.without(solution, going), locked_stops=locked_stops)
    plan.solution = routing.solution_to_vroom(solution)
    return plan


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
        truck = day.trucks[r.vehicle_id]
        route = PlanRoute(
            truck=truck,
            distance_m=r.distance,
            duration_s=r.duration,
            waiting_s=r.waiting,
            trips=r.trips,
            locked=truck.id in locked,
        )
        for seq, step in enumerate(r.steps):
            stop = plan_stop(day, step, seq)
            stop.locked = stop.kind == "pickup" and step.stop_id in locked_stops
            route.stops.append(stop)
        route.cost_fen = route_cost_fen(truck, route.stops, r.distance)
        route.collected_kg = int(sum(s.booking.total_mass_kg for s in route.stops if s.booking))
        plan.routes.append(route)
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
