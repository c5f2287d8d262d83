"""A solution's own check against its problem, from the steps it reports."""

from __future__ import annotations

from .model import VISIT_TYPES, Problem
from .schedule import amounts, capacity_of, setup_at


def check_solution(problem: Problem, solution) -> list[str]:
    """Violations of `solution` (empty when sound): each stop at most once and accounted
    for, loads within capacity, service inside a window, skills, shifts, working time,
    distance, trips and travel times consistent with the matrices."""
    errors: list[str] = []
    stops = {s.id: s for s in problem.stops}
    vehicles = {v.id: v for v in problem.vehicles}
    served: list = []
    for route in solution.routes:
        v = vehicles.get(route.vehicle_id)
        if v is None:
            errors.append(f"route of unknown vehicle {route.vehicle_id}")
            continue
        errors += [f"{v.id}: {e}" for e in _route_errors(problem, v, route, stops, served)]
    if len(served) != len(set(served)):
        errors.append("a stop is served more than once")
    left = [u.stop_id for u in solution.unassigned]
    if set(left) & set(served):
        errors.append("a stop is both served and unassigned")
    if sorted(map(str, served + left)) != sorted(map(str, stops)):
        errors.append("served and unassigned stops do not account for every stop once")
    return errors


def _route_errors(problem, v, route, stops, served) -> list[str]:
    errors: list[str] = []
    dist, dur = problem.matrices.distance, problem.matrices.duration
    dims = problem.dims
    cap = capacity_of(v, dims)
    steps = route.steps
    if not steps or steps[0].type != "start" or steps[-1].type != "end":
        return ["route does not go from start to end"]
    if steps[0].departure < v.shift.start or steps[-1].arrival > v.shift.end:
        errors.append(f"outside its shift [{v.shift.start}, {v.shift.end}]")
    if v.max_work_s is not None and steps[-1].arrival - steps[0].departure > v.max_work_s:
        errors.append(f"works longer than {v.max_work_s} s")
    if v.max_distance_m is not None and route.distance > v.max_distance_m:
        errors.append(f"drives more than {v.max_distance_m} m")
    if route.trips > max(v.max_trips, 1):
        errors.append(f"{route.trips} trips > {v.max_trips}")
    total = 0
    for a, b in zip(steps, steps[1:], strict=False):
        total += int(dist[a.location, b.location])
        if b.arrival < a.departure + int(dur[a.location, b.location]):
            errors.append(f"arrives at location {b.location} sooner than the road allows")
        if b.service_start < b.arrival:
            errors.append(f"serves location {b.location} before arriving")
        s = stops.get(b.stop_id) if b.type in VISIT_TYPES else None
        if s is not None and b.departure < b.service_start + setup_at(s, a.location) + s.service_s:
            errors.append(f"leaves stop {s.id} before its work is done")
    if total != route.distance:
        errors.append(f"distance {route.distance} != {total} by the matrix")
    for st in steps:
        if any(x < 0 or x > cap[k] for k, x in enumerate(amounts(st.load, dims))):
            errors.append(f"load {list(st.load)} outside its capacity at {st.type}")
        if st.type not in VISIT_TYPES:
            continue
        s = stops.get(st.stop_id)
        if s is None:
            errors.append(f"unknown stop {st.stop_id}")
            continue
        served.append(s.id)
        if s.time_windows and not any(w.start <= st.service_start <= w.end for w in s.time_windows):
            errors.append(f"stop {s.id} served at {st.service_start}, outside its windows")
        if not s.skills <= v.skills:
            errors.append(f"stop {s.id} needs skills the truck lacks")
    return errors


def summarise(solution) -> dict:
    """A short, JSON-friendly account of a solution."""
    reasons: dict[str, int] = {}
    for u in solution.unassigned:
        reasons[u.reason] = reasons.get(u.reason, 0) + 1
    return {
        "status": solution.status,
        "engine": solution.engine,
        "served": sum(len(r.stop_ids) for r in solution.routes),
        "unassigned": len(solution.unassigned),
        "unassigned_by_reason": reasons,
        "routes": len(solution.routes),
        "trips": sum(r.trips for r in solution.routes),
        "distance_km": round(solution.distance / 1000, 1),
        "duration_h": round(solution.duration / 3600, 2),
        "cost": solution.cost,
        "wall_s": solution.wall_s,
    }
