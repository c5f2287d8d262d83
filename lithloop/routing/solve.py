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
from .reasons import compatible_vehicles, unassigned
from .schedule import JOB, RELOAD, simulate

PYVRP_SHARE = 0.9
CONSTRUCT_ABOVE = 150  # stops: above this, also try our own constructive


def _clean(seq: list[tuple]) -> list[tuple]:
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
        seq = [it for it in seq if it[0] == RELOAD or problem.stops[it[1]].shipment is None]
        for item in _clean(seq):
            if item[0] == RELOAD:
                if kept and kept[-1][0] != RELOAD:
                    kept.append(item)
                continue
            trial = kept + [item]
            if simulate(problem, v, trial).feasible:
                kept = trial
        kept = _clean(kept)
        # Loads depend on later jobs of the same trip: re-check the whole route.
        while kept and not simulate(problem, v, kept).feasible:
            jobs = [k for k, it in enumerate(kept) if it[0] == JOB]
            kept = _clean(kept[: jobs[-1]] + kept[jobs[-1] + 1 :])
        fixed.append(kept)
    return fixed


def _initial_from_hints(problem: Problem) -> list[list[tuple]] | None:
    if not problem.initial_routes:
        return None
    index = {s.id: i for i, s in enumerate(problem.stops)}
    vidx = {v.id: j for j, v in enumerate(problem.vehicles)}
    routes: list[list[tuple]] = [[] for _ in problem.vehicles]
    for r in problem.initial_routes:
        routes[vidx[r.vehicle_id]] = [(JOB, index[s]) for s in r.stop_ids if s in index]
    return repair(problem, routes)


def _route_cost(v, sim) -> float:
    used = len(sim.steps) > 2
    hours = (sim.end_time - sim.steps[0].departure) / 3600
    return (
        (v.fixed_cost if used else 0)
        + v.cost_per_km * sim.distance / 1000
        + (v.cost_per_hour * hours if used else 0)
    )


def build_solution(problem, routes, departs, reasons, t0, engine, notes) -> Solution:
    """Simulate each route, attach reasons to unserved stops and total everything."""
    out, served = [], set()
    for j, seq in enumerate(routes):
        seq = _clean(seq)
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
                round(_route_cost(v, sim), 3),
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
) -> Solution:
    """Plan routes within `time_limit_s`; infeasibility is reported as data, never raised."""
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
        budget = (time_limit_s - (time.monotonic() - t0)) * PYVRP_SHARE
        found = _race_pyvrp(
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
        )
        if found:
            candidates.extend(found)
            engine = "pyvrp+ortools"
    initial = None
    if candidates:
        scored = [(_score(problem, r), label, r) for label, r in candidates]
        _, label, initial = min(scored, key=lambda c: c[0])
        served = ", ".join(
            f"{lab} serves {sum(k == JOB for seq in r for k, _ in seq)}" for _, lab, r in scored
        )
        notes.append(f"warm start: {label} ({served})")
        if on_progress is not None:
            _relay(on_progress, t0, notes)(_score(problem, initial)[1])
    left = max(time_limit_s - (time.monotonic() - t0), 0.1)
    sol, more = ortools_solve.run(bm, left, n, initial, on_progress, t0)
    notes.extend(more)
    if sol is None:
        if initial is not None:
            return build_solution(problem, initial, None, reasons, t0, engine, notes)
        return build_solution(problem, [], [], reasons, t0, engine, notes)
    routes, departs = ortools_solve.extract(bm, sol)
    return build_solution(problem, routes, departs, reasons, t0, engine, notes)


def _race_pyvrp(
    problem, allowed, big, greedy, greedy_share, budget, seed, on_progress, t0, notes
) -> list[tuple[str, list]]:
    """PyVRP: strict (every required stop) when the greedy plan nearly serves all,
    then, if that stays infeasible, prize-collecting (an over-full day)."""
    relay = None if on_progress is None else _relay(on_progress, t0, notes)
    phases = [(True, 1.0)] if greedy_share >= 1 else [(False, 1.0)]
    if 0.9 <= greedy_share < 1:
        phases = [(True, 0.6), (False, 0.4)]
    found: list[tuple[str, list]] = []
    warm = None if greedy_share >= 1 else greedy
    for strict, share in phases:
        try:
            res = pyvrp_engine.solve_pyvrp(
                problem, allowed, budget * share, seed, big, strict, warm, on_best=relay
            )
        except Exception as exc:  # noqa: BLE001 - the race is best effort
            notes.append(f"PyVRP failed: {type(exc).__name__}: {exc}")
            return found
        if res is None:
            return found
        routes, feasible, cost = res
        mode = "strict" if strict else "prize"
        notes.append(f"PyVRP {mode} {'feasible' if feasible else 'infeasible'} cost {cost:.0f}")
        fixed = repair(problem, routes)
        found.append((f"pyvrp-{mode}", fixed))
        if feasible:
            break
        if _score(problem, fixed) < _score(problem, greedy):
            warm = fixed
    return found


def _relay(on_progress, t0: float, notes: list[str]):
    """Wrap `on_progress` so that an exception in it is recorded, never raised."""

    def relay(cost: float) -> None:
        try:
            on_progress(cost, time.monotonic() - t0)
        except Exception as exc:  # noqa: BLE001 - a progress bar must not break solving
            if not any(n.startswith("on_progress raised") for n in notes):
                notes.append(f"on_progress raised {type(exc).__name__}: {exc}")

    return relay


def _score(problem: Problem, routes: list[list[tuple]]) -> tuple[float, float]:
    """(weighted unserved required stops, cost) of feasible routes, lower is better."""
    served = {i for seq in routes for k, i in seq if k == JOB}
    missing = sum(
        100 + s.priority for i, s in enumerate(problem.stops) if i not in served and not s.optional
    )
    cost = 0.0
    for j, seq in enumerate(routes):
        if seq:
            cost += _route_cost(problem.vehicles[j], simulate(problem, problem.vehicles[j], seq))
    cost += sum(s.penalty for i, s in enumerate(problem.stops) if i not in served and s.optional)
    return float(missing), cost
