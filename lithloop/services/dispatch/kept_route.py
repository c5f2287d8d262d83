"""A route a run keeps as it is (locked by a dispatcher) simulated again when its stops
change: stops taken off (their booking or order ended since: route_keeping.ended_stops) or a
shipped delivery put on it (its packs are on the route's truck: day_work.shipped_on_trucks).
The stored plan then has the route's real times, loads, distance, duration and cost, not
those of the route it was before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lithloop import routing
from lithloop.models import PlanRoute
from lithloop.models.market import Order
from lithloop.services.dispatch import roster
from lithloop.services.dispatch.problem import (
    DayProblem,
    build_day_problem,
    order_stop_id,
    park_site,
)

RELOAD = "reload"  # routing.evaluate's mark of a reload at the park


@dataclass(frozen=True)
class Reshaped:
    """A kept route simulated again: the problem of its own stops and the simulated route."""

    day: DayProblem
    route: routing.Route


def sequence(route: PlanRoute, dropped: frozenset | set = frozenset()) -> list:
    """The route's stops still to keep, as routing.evaluate takes them: booking ids,
    delivery stop ids and reload marks (the park's start and end are implied)."""
    seq: list = []
    for stop in sorted(route.stops, key=lambda s: s.seq):
        if stop.id in dropped:
            continue
        if stop.kind == "pickup":
            seq.append(stop.booking_id)
        elif stop.kind == "delivery":
            seq.append(order_stop_id(stop.order_id))
        elif stop.kind == RELOAD:
            seq.append(RELOAD)
    return seq


def problem_of(
    route: PlanRoute, day: date, extra: tuple[Order, ...] = (), not_before: int | None = None
) -> DayProblem:
    """The routing problem of the route's own stops (and the `extra` deliveries) for its
    truck alone, with the day's roster shift."""
    bookings = {s.booking_id: s.booking for s in route.stops if s.booking_id}
    orders = {s.order_id: s.order for s in route.stops if s.order_id}
    orders.update({o.id: o for o in extra})
    return build_day_problem(
        day,
        [bookings[b] for b in sorted(bookings)],
        [route.truck],
        park_site(),
        orders=[orders[o] for o in sorted(orders)],
        shifts=roster.shifts(day),
        not_before=not_before,
    )


def simulate(route: PlanRoute, seq: list, problem: DayProblem) -> tuple[Reshaped | None, list]:
    """The route's truck driving `seq` from the park: the simulation (None when nothing is
    left to drive) and what it breaks (windows, shift, capacity)."""
    solution, violations = routing.evaluate(problem.problem, {route.truck_id: seq})
    if not solution.routes:
        return None, violations
    return Reshaped(problem, solution.routes[0]), violations


def shortened(
    route: PlanRoute, dropped: frozenset | set, day: date, not_before: int | None = None
) -> Reshaped | None:
    """The route without the `dropped` stops, simulated again (None: nothing left)."""
    problem = problem_of(route, day, not_before=not_before)
    found, _violations = simulate(route, sequence(route, dropped), problem)
    return found


def with_deliveries(
    route: PlanRoute,
    orders: list[Order],
    day: date,
    dropped: frozenset | set = frozenset(),
    not_before: int | None = None,
) -> tuple[Reshaped | None, list[Order]]:
    """The route (without the `dropped` stops) with each order's delivery, one after the
    other, at its cheapest place that breaks nothing (a window, the shift, the load): the
    route simulated again (None when no delivery fits) and the orders that did not fit."""
    problem = problem_of(route, day, tuple(orders), not_before)
    seq = sequence(route, dropped)
    best: Reshaped | None = None
    unfit = []
    for order in orders:
        found = _cheapest(route, seq, order_stop_id(order.id), problem)
        if found is None:
            unfit.append(order)
            continue
        best, seq = found
    return best, unfit


def _cheapest(route: PlanRoute, base: list, stop_id: str, problem: DayProblem):
    """(the route simulated, its sequence) with `stop_id` at its cheapest place that breaks
    nothing, or None."""
    best = None
    for at in range(len(base) + 1):
        trial = [*base[:at], stop_id, *base[at:]]
        found, violations = simulate(route, trial, problem)
        if found is None or violations:
            continue
        if best is None or found.route.cost < best[0].route.cost:
            best = (found, trial)
    return best
