"""`solve`: pre-checks, a race of engines (construction; pyvroom in its own process; PyVRP
beside it or from its plan, starting again from any plan that takes the lead, or, when the
race goes two ways, from scratch here and from VROOM's plan on VROOM's core; OR-Tools from
the best for the last part of the budget), and the best plan seen by any of them, checked,
as the Solution."""

from __future__ import annotations

import time
from collections.abc import Callable

from . import ortools_costs, ortools_model, ortools_solve, pyvrp_engine, vroom_engine, vroom_process
from .config import DEFAULT, RaceConfig
from .construct import construct
from .cores import idle_cores
from .incumbent import Incumbent
from .model import (
    STATUS_NO_ROUTE,
    STATUS_PARTIAL,
    STATUS_SOLVED,
    Problem,
    Route,
    Solution,
)
from .plans import clean, feasible_or_repaired, repair, route_cost
from .race import race_pyvrp, spare_core_pyvrp
from .reasons import compatible_vehicles, unassigned
from .schedule import JOB, simulate
from .stop import AnyOf, MaxRuntime, StopCriterion, patience_spent, restart_patience, was_cancelled


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
    out: list = []
    served: set = set()
    for j, seq in enumerate(routes):
        seq = clean(seq)
        if not seq:
            continue
        v = problem.vehicles[j]
        sim = simulate(problem, v, seq, departs[j] if departs else None)
        if departs and not sim.feasible:  # OR-Tools' own model may time it otherwise
            sim = simulate(problem, v, seq)
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


def _core_free(config: RaceConfig, idle: Callable[[], float] = idle_cores) -> bool:
    """True when another engine may search beside VROOM on a core of its own: VROOM's
    process and this one each find a core idle (else both would get half a core)."""
    if config.beside != "auto":
        return config.beside == "always"
    return idle() >= 1.5


def _two_ways(problem: Problem, n: int, config: RaceConfig) -> bool:
    """Whether the race may go two ways (with an idle core): switched on, at most
    `two_ways_max_stops` stops, no truck with a fixed cost (unless allowed), and some truck
    paying per km (unless time-only days are allowed)."""
    fixed = any(v.fixed_cost for v in problem.vehicles)
    per_km = any(v.cost_per_km for v in problem.vehicles)
    small = n <= config.two_ways_max_stops
    costs = (config.two_ways_with_fixed_costs or not fixed) and (
        config.two_ways_time_only or per_km
    )
    return config.two_ways and small and costs


def _alone_share(problem: Problem, allowed, config: RaceConfig) -> float:
    """How long VROOM searches alone when no core is idle: longer on days where some stops
    are barred from some trucks (skills, size), which PyVRP only sees as prohibitive edges
    (it loses there, VROOM handles them natively); on open days PyVRP soon joins in."""
    fleet = len(problem.vehicles)
    barred = any(0 < len(a) < fleet for a in allowed)
    return config.vroom_alone_share_barred if barred else config.vroom_alone_share


def _race_pyvrp(
    problem, allowed, bm, greedy, greedy_share, seed, inc, notes, config, workers, until
) -> list[tuple[str, list]]:
    """PyVRP until `until` (monotonic); it starts again from a background engine's plan
    whenever that takes the lead (so VROOM's answer is improved rather than only kept),
    unless the race goes two ways (`inc.follows_leads` False: from scratch, on its own)."""
    found: list[tuple[str, list]] = []
    start = inc.routes if config.pyvrp_from_vroom and inc.label == "vroom" else None
    if start is None and config.pyvrp_from_construct and inc.follows_leads:
        start = greedy  # PyVRP alone may not find a plan serving everyone in time
    extra = workers - 1 if inc.sources else workers  # a core already searches for VROOM
    while not inc.should_stop():
        budget = until - time.monotonic()
        if budget < 0.05:
            break
        found += race_pyvrp(
            problem,
            allowed,
            bm.big_penalty,
            greedy,
            greedy_share,
            budget,
            seed,
            inc,
            notes,
            config,
            max(extra, 1),
            start,
        )
        if not inc.take_fresh():
            break
        start = inc.routes if config.pyvrp_from_vroom else None
        notes.append(f"PyVRP starts again from the {inc.label} plan")
    return found


def _ortools(problem, bm, n, candidates, inc, notes, engines, until) -> list[int] | None:
    """OR-Tools from the best plan so far until `until`; its departure times when it leads."""
    # On small easy days OR-Tools' own first solution beats our constructive one.
    warm = candidates or inc.label not in (None, "construct")
    initial = inc.routes if warm and inc.routes is not None else None
    if initial is not None:
        served = ", ".join(
            f"{lab} serves {sum(k == JOB for seq in r for k, _ in seq)}" for lab, r in candidates
        )
        notes.append(f"warm start: {inc.label} ({served})")
    left = until - time.monotonic()
    if left <= 0.01 or inc.should_stop():
        return None
    engines.append("ortools")
    sol, more = ortools_solve.run(bm, left, n, initial, inc)
    notes.extend(more)
    if sol is None:
        return None
    routes, departs = ortools_solve.extract(bm, sol)
    if inc.offer("ortools", feasible_or_repaired(problem, routes)) and inc.routes == routes:
        return departs
    return None


def solve(
    problem: Problem,
    *,
    time_limit_s: float,
    seed: int = 0,
    on_progress: Callable[[float, float], None] | None = None,
    use_pyvrp: bool | None = None,
    workers: int = 1,
    stop: StopCriterion | None = None,
    use_vroom: bool | None = None,
    config: RaceConfig = DEFAULT,
) -> Solution:
    """Plan routes within `time_limit_s` (or earlier when `stop` says so); infeasibility is
    reported as data, never raised. The plan returned is the best any engine found, by
    served stops (weighted by priority) first, then cost.

    `on_progress(best_so_far, elapsed_s)` is called at each improvement and at least once
    a second; `best_so_far` never rises and is in the units of `Solution.cost` (plus the
    drop penalty of required stops left out). `workers` > 1 races extra PyVRP seeds in
    forked processes (one per spare core).
    """
    if use_vroom is not False:
        vroom_engine.available()  # a process's first solve imports pyvroom before its clock
    t0 = time.monotonic()
    notes: list[str] = []
    allowed, reasons = compatible_vehicles(problem)
    if not problem.vehicles or not any(allowed):
        return build_solution(problem, [], [], reasons, t0, "precheck", notes)
    criterion = AnyOf(MaxRuntime(time_limit_s), stop)
    criterion(None)  # starts the clocks
    bm = ortools_model.build(problem, allowed)
    missing_penalty = bm.big_penalty / ortools_costs.COST_SCALE
    inc = Incumbent(problem, allowed, missing_penalty, criterion, on_progress, t0, notes)
    n = sum(1 for a in allowed if a)
    candidates = []  # warm starts for OR-Tools
    hint = _initial_from_hints(problem)
    if hint is not None:
        candidates.append(("hint", hint))
        inc.offer("hint", hint)
    greedy = construct(problem, allowed)
    inc.offer("construct", greedy)
    required = [i for i, s in enumerate(problem.stops) if allowed[i] and not s.optional]
    greedy_jobs = {i for seq in greedy for k, i in seq if k == JOB}
    greedy_share = sum(i in greedy_jobs for i in required) / max(len(required), 1)
    if n > config.construct_above or bm.nodes.load_node or greedy_share < 1:
        candidates.append(("construct", greedy))
    race = (problem, allowed, bm, greedy, greedy_share, seed, inc, notes, config, workers)
    engines = []
    want_vroom = vroom_engine.fits(problem, allowed) if use_vroom is None else use_vroom
    quick = time_limit_s < config.vroom_quick_below_s  # VROOM takes every core then
    beside = not quick and want_vroom and _core_free(config)
    can_pyvrp = (
        use_pyvrp is not False and pyvrp_engine.available() and pyvrp_engine.fits(problem, allowed)
    )
    two_ways = beside and can_pyvrp and _two_ways(problem, n, config)
    if want_vroom and not inc.should_stop():
        if vroom_engine.available():
            left = time_limit_s - (time.monotonic() - t0)
            seconds, levels = vroom_engine.plan(left, n, config)
            then = None
            if not beside:
                levels = levels[:2]  # no idle core: deeper levels would slow the others
            elif two_ways:
                levels = levels[:1]  # then PyVRP from its plan; from scratch here
                then = spare_core_pyvrp(problem, allowed, bm.big_penalty, seed, config, True)
                inc.follows_leads = False
                notes.append("two ways: PyVRP from scratch here, from VROOM's plan on its core")
            elif config.spare_core_pyvrp and can_pyvrp:
                then = spare_core_pyvrp(problem, allowed, bm.big_penalty, seed, config)
            bg = vroom_process.Background(problem, allowed, seconds, levels, config, then)
            inc.watch("vroom", bg)
            engines.append("vroom")
        else:
            notes.append("pyvroom not installed: VROOM skipped")
    try:
        if inc.sources and not beside:
            # No idle core: VROOM searches alone (sharing one would halve its time).
            notes.append("no idle core: the other engines start from VROOM's plan")
            alone_until = t0 + time_limit_s * _alone_share(problem, allowed, config)
            while inc.sources and time.monotonic() < alone_until:
                if not any(src.answers for _, src in inc.sources):
                    restart_patience(criterion)  # no search has answered yet
                elif patience_spent(criterion, inc.value):
                    # VROOM's deeper level is slow to better its plan: search on from it
                    # here rather than end the run on waiting (a quick run's patience)
                    restart_patience(criterion)
                    notes.append("VROOM did not improve within the patience: searching on")
                    break
                if inc.should_stop():
                    break
                inc.collect(wait=0.05)
                if inc.label != "vroom" and any(src.answers for _, src in inc.sources):
                    break  # VROOM answered but does not lead (e.g. it cannot reload)
            inc.take_fresh()
        if can_pyvrp:
            found = _race_pyvrp(*race, t0 + time_limit_s * config.pyvrp_share - 0.001 * n)
            candidates.extend(found)
            if found:
                engines.append("pyvrp")
        departs = _ortools(problem, bm, n, candidates, inc, notes, engines, t0 + time_limit_s)
        # VROOM overruns its timeout a little on a loaded machine: a short grace.
        grace = time.monotonic() + config.vroom_grace * time_limit_s
        while inc.sources and time.monotonic() < grace and not was_cancelled(criterion):
            inc.collect(wait=0.02)
    finally:
        inc.collect()  # an answer that came in at the very end still counts
        for _, source in inc.sources:
            source.close()
            notes.extend(source.lines)
    departs = departs if inc.label == "ortools" else None
    if inc.label != "ortools":
        notes.append(f"kept the {inc.label} plan: no engine found a better one")
    if was_cancelled(criterion):
        notes.append(f"cancelled after {time.monotonic() - t0:.1f} s")
    engine = "+".join(engines) or inc.label or "construct"
    solution = build_solution(problem, inc.routes or [], departs, reasons, t0, engine, notes)
    inc.finish(solution)
    return solution
