"""Optional PyVRP (HGS/ILS) race for problems that fit its model; used as a warm start."""

from __future__ import annotations

from .model import Problem
from .schedule import JOB, RELOAD, amounts

try:  # PyVRP is optional: without it the OR-Tools engine works alone.
    import pyvrp
    from pyvrp.stop import MaxRuntime
except ImportError:  # pragma: no cover - exercised only where PyVRP is absent
    pyvrp = None

INF = 2**62


def available() -> bool:
    """True when PyVRP can be imported."""
    return pyvrp is not None


def fits(problem: Problem, allowed: list[list[int]]) -> bool:
    """True when PyVRP models the problem exactly (modulo skills via edges we verify)."""
    if pyvrp is None or not problem.stops:
        return False
    nv = len(problem.vehicles)
    for i, s in enumerate(problem.stops):
        if len(s.time_windows) > 1:
            return False
        if allowed[i] and len(allowed[i]) < nv:
            return False
    return True


def _type_key(v) -> tuple:
    return (
        v.start,
        v.end_location,
        v.capacity,
        v.shift,
        v.max_work_s,
        v.max_distance_m,
        v.fixed_cost,
        v.cost_per_km,
        v.cost_per_hour,
        v.max_trips,
        v.reload_at,
        v.reload_s,
    )


def solve_pyvrp(problem: Problem, allowed, seconds: float, seed: int, big: int, scale: int):
    """Race PyVRP for `seconds`; return per-vehicle sequences or None."""
    import numpy as np

    dims = problem.dims
    vehicles = problem.vehicles
    n_loc = problem.matrices.size
    locations = [pyvrp.Location(x=0.0, y=0.0) for _ in range(n_loc)]
    depots, depot_of = [], {}

    def depot(loc: int, service: int = 0) -> int:
        key = (loc, service)
        if key not in depot_of:
            depot_of[key] = len(depots)
            depots.append(pyvrp.Depot(location=loc, service_duration=service))
        return depot_of[key]

    types, members = [], []
    groups: dict[tuple, int] = {}
    total = [
        sum(amounts(s.pickup, dims)[k] + amounts(s.delivery, dims)[k] for s in problem.stops) + 1
        for k in range(dims)
    ]
    for j, v in enumerate(vehicles):
        key = _type_key(v)
        if key in groups:
            members[groups[key]].append(j)
            continue
        groups[key] = len(types)
        members.append([j])
        cap = [int(v.capacity[k]) if len(v.capacity) > k else total[k] for k in range(dims)]
        reloads = [depot(v.reload_at, v.reload_s)] if v.max_trips > 1 else []
        types.append(
            dict(
                capacity=cap,
                start_depot=depot(v.start),
                end_depot=depot(v.end_location),
                fixed_cost=int(round(v.fixed_cost * 1000 * scale)),
                tw_early=v.shift.start,
                tw_late=v.shift.end,
                shift_duration=int(v.max_work_s) if v.max_work_s is not None else INF,
                max_distance=int(v.max_distance_m) if v.max_distance_m is not None else INF,
                unit_distance_cost=int(round(v.cost_per_km * scale)),
                unit_duration_cost=int(round(v.cost_per_hour * 1000 * scale / 3600)),
                reload_depots=reloads,
                max_reloads=max(v.max_trips - 1, 0),
            )
        )
    vts = [
        pyvrp.VehicleType(num_available=len(m), **t) for t, m in zip(types, members, strict=True)
    ]
    clients, client_stop = [], []
    for i, s in enumerate(problem.stops):
        if not allowed[i]:
            continue
        tw = s.time_windows[0] if s.time_windows else None
        prize = int(round(s.penalty * 1000 * scale * (1 + s.priority / 100)))
        clients.append(
            pyvrp.Client(
                location=s.location,
                delivery=list(amounts(s.delivery, dims)),
                pickup=list(amounts(s.pickup, dims)),
                service_duration=s.service_s,
                tw_early=tw.start if tw else 0,
                tw_late=tw.end if tw else INF,
                required=not s.optional,
                prize=min(prize, big) if s.optional else 0,
            )
        )
        client_stop.append(i)
    if not clients:
        return None
    dist = np.ascontiguousarray(problem.matrices.distance, dtype=np.int64)
    dur = np.ascontiguousarray(problem.matrices.duration, dtype=np.int64)
    data = pyvrp.ProblemData(locations, clients, depots, vts, [dist], [dur])
    res = pyvrp.solve(data, MaxRuntime(max(seconds, 0.05)), seed=seed, collect_stats=False)
    best = res.best
    free = [list(m) for m in members]
    out: list[list[tuple]] = [[] for _ in vehicles]
    for route in best.routes():
        j = free[route.vehicle_type()].pop(0)
        seq = []
        for act in route.schedule()[1:-1]:
            if act.is_client:
                seq.append((JOB, client_stop[act.idx]))
            elif act.is_depot:
                seq.append((RELOAD, None))
        out[j] = seq
    return out, bool(res.is_feasible()), float(res.cost())
