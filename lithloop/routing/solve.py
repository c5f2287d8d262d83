"""`solve`: pre-checks, optional PyVRP race, OR-Tools search and a verified Solution."""

from __future__ import annotations

import time
from collections.abc import Callable

from . import ortools_model, ortools_solve, pyvrp_engine
from .construct import construct
from .model import (
    STATUS_NO_ROUTE,
    STATUS_PARTIAL,
    STATUS_SOLVED,
    Problem,
    Route,
    Solution,
)
from .plans import clean, repair, route_cost, score
from .race import race_pyvrp, relay_progress
from .reasons import compatible_vehicles, unassigned
from .schedule import JOB, simulate

PYVRP_SHARE = 0.9
CONSTRUCT_ABOVE = 150  # stops: above this, also try our own constructive


def _initial_from_hints(problem: Problem) -> list[list[tuple]] | None:
    if not problem.initial_routes:
        return None
    index = {s.id: i for i, s in enumerate(problem.stops)}
    vidx = {v.id: j for j, v in enumerate(problem.vehicles)}
    routes: list[list[tuple]] = [[] for _ in problem.vehicles]
    for r in problem.initial_routes:
        routes[vidx[r.vehicle_id]] = [(JOB, index[s]) for s in r.stop_ids if s in index]
    return repair(problem, routes)


def build_solution(problem, routes, departs, reasons, t0, engine, notes) -> Solution:
    """Simulate each route, attach reasons to unserved stops and total everything."""
    out, served = [], set()
    for j, seq in enumerate(routes):
        seq = clean(seq)
        if not seq:
            continue
        v = problem.vehicles[j]
        sim = simulate(problem, v, seq, departs[j] if departs else None)
        if not sim.feasible:
            notes.append(f"vehicle {v.id}: internal check failed: {sim.violations[:3]}")
        served.update(i for k, i in seq if k == JOB)
        steps = sim.steps
        service = sum(s.departure - s.service_start for s in steps)
        waiting = sum(s.waiting_s for s in steps)
        out.append(
            Route(
                v.id,
                tuple(steps),
                sim.distance,
                sim.end_time - steps[0].departure,
                service,
                waiting,
                round(route_cost(v, sim), 3),
                sim.trips,
            )
        )
    missing = []
    for i, s in enumerate(problem.stops):
        if i in served:
            continue
        missing.append(reasons.get(i) or unassigned(s, "day_full"))
    if not problem.stops or not missing:
        status = STATUS_SOLVED
    elif not served:
        status = STATUS_NO_ROUTE
    else:
        status = STATUS_PARTIAL
    return Solution(
        status=status,
        routes=tuple(out),
        unassigned=tuple(missing),
        cost=round(sum(r.cost for r in out), 3),
        distance=sum(r.distance for r in out),
        duration=sum(r.duration for r in out),
        wall_s=round(time.monotonic() - t0, 3),
        engine=engine,
        notes=tuple(problem.notes) + tuple(notes),
        coordinates=problem.coordinates,
    )


def solve(
    problem: Problem,
    *,
    time_limit_s: float,
    seed: int = 0,
    on_progress: Callable[[float, float], None] | None = None,
    use_pyvrp: bool | None = None,
    workers: int = 1,
) -> Solution:
    """Plan routes within `time_limit_s`; infeasibility is reported as data, never raised.

    `workers` > 1 races extra PyVRP seeds in forked processes (one per spare core).
    """
    t0 = time.monotonic()
    notes: list[str] = []
    allowed, reasons = compatible_vehicles(problem)
    if not problem.vehicles or not any(allowed):
        return build_solution(problem, [], [], reasons, t0, "precheck", notes)
    bm = ortools_model.build(problem, allowed)
    n = sum(1 for a in allowed if a)
    candidates = []
    hint = _initial_from_hints(problem)
    if hint is not None:
        candidates.append(("hint", hint))
    greedy = construct(problem, allowed)
    required = [i for i, s in enumerate(problem.stops) if allowed[i] and not s.optional]
    greedy_jobs = {i for seq in greedy for k, i in seq if k == JOB}
    greedy_share = sum(i in greedy_jobs for i in required) / max(len(required), 1)
    if n > CONSTRUCT_ABOVE or bm.nodes.load_node or greedy_share < 1:
        candidates.append(("construct", greedy))
    engine = "ortools"
    want = pyvrp_engine.fits(problem, allowed) if use_pyvrp is None else use_pyvrp
    if want and pyvrp_engine.available() and pyvrp_engine.fits(problem, allowed):
        # Leave OR-Tools its share, plus time to check and repair PyVRP's routes.
        budget = (time_limit_s - (time.monotonic() - t0)) * PYVRP_SHARE - 0.001 * n
        found = race_pyvrp(
            problem,
            allowed,
            bm.big_penalty,
            greedy,
            greedy_share,
            budget,
            seed,
            on_progress,
            t0,
            notes,
            workers,
        )
        if found:
            candidates.extend(found)
            engine = "pyvrp+ortools"
    initial = None
    if candidates:
        scored = [(score(problem, r), label, r) for label, r in candidates]
        _, label, initial = min(scored, key=lambda c: c[0])
        served = ", ".join(
            f"{lab} serves {sum(k == JOB for seq in r for k, _ in seq)}" for _, lab, r in scored
        )
        notes.append(f"warm start: {label} ({served})")
        if on_progress is not None:
            relay_progress(on_progress, t0, notes)(score(problem, initial)[1])
    left = max(time_limit_s - (time.monotonic() - t0), 0.1)
    sol, more = ortools_solve.run(bm, left, n, initial, on_progress, t0)
    notes.extend(more)
    if sol is None:
        if initial is not None:
            return build_solution(problem, initial, None, reasons, t0, engine, notes)
        return build_solution(problem, [], [], reasons, t0, engine, notes)
    routes, departs = ortools_solve.extract(bm, sol)
    return build_solution(problem, routes, departs, reasons, t0, engine, notes)
