"""Plans as per-vehicle sequences: clean-up, greedy repair, cost and ranking."""

from __future__ import annotations

from .model import Problem
from .schedule import JOB, RELOAD, simulate


def clean(seq: list[tuple]) -> list[tuple]:
    """Drop reloads at the start, at the end and repeated ones."""
    out: list[tuple] = []
    for item in seq:
        if item[0] == RELOAD and (not out or out[-1][0] == RELOAD):
            continue
        out.append(item)
    while out and out[-1][0] == RELOAD:
        out.pop()
    return out


def repair(problem: Problem, routes: list[list[tuple]]) -> list[list[tuple]]:
    """Make routes feasible by greedily removing jobs that break a constraint."""
    fixed = []
    for j, seq in enumerate(routes):
        v = problem.vehicles[j]
        kept: list[tuple] = []
        # Shipments are left out of warm starts; OR-Tools inserts them as pairs.
        seq = clean([it for it in seq if it[0] == RELOAD or problem.stops[it[1]].shipment is None])
        if not seq or simulate(problem, v, seq).feasible:  # fast path: nothing to repair
            fixed.append(seq)
            continue
        for item in seq:
            if item[0] == RELOAD:  # only a trip the truck may still make (max_trips)
                trips = 1 + sum(1 for it in kept if it[0] == RELOAD)
                if kept and kept[-1][0] != RELOAD and trips < max(v.max_trips, 1):
                    kept.append(item)
                continue
            trial = kept + [item]
            if simulate(problem, v, trial).feasible:
                kept = trial
        kept = clean(kept)
        # Loads depend on later jobs of the same trip: re-check the whole route.
        while kept and not simulate(problem, v, kept).feasible:
            jobs = [k for k, it in enumerate(kept) if it[0] == JOB]
            kept = clean(kept[: jobs[-1]] + kept[jobs[-1] + 1 :])
        fixed.append(kept)
    return fixed


def feasible_or_repaired(problem: Problem, routes: list[list[tuple]]) -> list[list[tuple]]:
    """The routes as they are when every one simulates cleanly, else repaired."""
    ok = all(
        not seq or simulate(problem, problem.vehicles[j], clean(seq)).feasible
        for j, seq in enumerate(routes)
    )
    return routes if ok else repair(problem, routes)


def route_cost(v, sim) -> float:
    """Fixed cost of a used truck, per km, per hour of travel and per hour of service
    (VROOM's cost model: waiting for a window is free)."""
    if len(sim.steps) <= 2:
        return v.cost_per_km * sim.distance / 1000
    return (
        v.fixed_cost
        + v.cost_per_km * sim.distance / 1000
        + v.cost_per_hour * sim.travel_s / 3600
        + v.cost_per_task_hour * sim.task_s / 3600
    )


def score(problem: Problem, routes: list[list[tuple]]) -> tuple[float, float]:
    """(weighted unserved required stops, cost) of feasible routes, lower is better."""
    served = {i for seq in routes for k, i in seq if k == JOB}
    missing = sum(
        100 + s.priority for i, s in enumerate(problem.stops) if i not in served and not s.optional
    )
    cost = 0.0
    for j, seq in enumerate(routes):
        if seq:
            cost += route_cost(problem.vehicles[j], simulate(problem, problem.vehicles[j], seq))
    cost += sum(s.penalty for i, s in enumerate(problem.stops) if i not in served and s.optional)
    return float(missing), cost
