"""Pre-checks: which trucks can ever serve each stop, and why a stop cannot be served."""

from __future__ import annotations

from .model import REASON_TEXT, Problem, Stop, Unassigned, Vehicle
from .schedule import amounts, capacity_of, service_start, setup_at


def unassigned(stop: Stop, reason: str, detail: str = "") -> Unassigned:
    """Build an Unassigned record with the reason's human sentence."""
    text = REASON_TEXT[reason].format(detail=detail).replace("  ", " ").replace(" .", ".")
    return Unassigned(stop.id, stop.location, reason, text, stop.kind)


def _fits(stop: Stop, vehicle: Vehicle, dims: int) -> bool:
    cap = capacity_of(vehicle, dims)
    pk, dl = amounts(stop.pickup, dims), amounts(stop.delivery, dims)
    return all(pk[k] <= cap[k] and dl[k] <= cap[k] for k in range(dims))


def _round_trip(problem: Problem, stop: Stop, v: Vehicle) -> tuple[int, int]:
    d, t = problem.matrices.distance, problem.matrices.duration
    dist = int(d[v.start, stop.location]) + int(d[stop.location, v.end_location])
    there = int(t[v.start, stop.location]) + setup_at(stop, v.start) + stop.service_s
    work = there + int(t[stop.location, v.end_location])
    return dist, work


def _reachable(problem: Problem, stop: Stop, v: Vehicle) -> bool:
    t = problem.matrices.duration
    arr = v.shift.start + int(t[v.start, stop.location])
    st = service_start(stop, arr)
    if st is None:
        return False
    done = st + setup_at(stop, v.start) + stop.service_s
    return done + int(t[stop.location, v.end_location]) <= v.shift.end


def compatible_vehicles(problem: Problem) -> tuple[list[list[int]], dict[int, Unassigned]]:
    """Per stop, the indices of vehicles able to serve it alone; reasons for the rest."""
    dims = problem.dims
    allowed: list[list[int]] = []
    reasons: dict[int, Unassigned] = {}
    for i, s in enumerate(problem.stops):
        cands = [j for j, v in enumerate(problem.vehicles) if s.skills <= v.skills]
        if not cands:
            reasons[i] = unassigned(s, "skill_missing", f"({', '.join(map(str, s.skills))})")
            allowed.append([])
            continue
        cands = [j for j in cands if _fits(s, problem.vehicles[j], dims)]
        if not cands:
            detail = f"(pickup {list(s.pickup)}, delivery {list(s.delivery)})"
            reasons[i] = unassigned(s, "capacity_exceeded", detail)
            allowed.append([])
            continue
        in_range = []
        for j in cands:
            v = problem.vehicles[j]
            dist, work = _round_trip(problem, s, v)
            if v.max_distance_m is not None and dist > v.max_distance_m:
                continue
            if v.max_work_s is not None and work > v.max_work_s:
                continue
            in_range.append(j)
        if not in_range:
            dist, work = _round_trip(problem, s, problem.vehicles[cands[0]])
            reasons[i] = unassigned(s, "out_of_range", f"{dist} m, {work} s")
            allowed.append([])
            continue
        reach = [j for j in in_range if _reachable(problem, s, problem.vehicles[j])]
        if not reach:
            wins = ", ".join(f"[{w.start}, {w.end}]" for w in s.time_windows)
            reasons[i] = unassigned(s, "window_unreachable", wins)
            allowed.append([])
            continue
        allowed.append(reach)
    _pair_up(problem, allowed, reasons)
    return allowed, reasons


def _pair_up(problem: Problem, allowed: list[list[int]], reasons: dict) -> None:
    """Both ends of a shipment share one set of trucks and one fate."""
    for key, (p, d) in problem.shipment_pairs().items():
        ends = [i for i in (p, d) if i is not None]
        if len(ends) < 2:
            for i in ends:
                allowed[i] = []
                reasons[i] = unassigned(problem.stops[i], "out_of_range", f"shipment {key}")
            continue
        bad = next((reasons[i] for i in ends if i in reasons), None)
        both = sorted(set(allowed[p]) & set(allowed[d]))
        if bad is None and not both:
            need = problem.stops[p].skills | problem.stops[d].skills
            code = (
                "skill_missing"
                if not any(need <= v.skills for v in problem.vehicles)
                else ("window_unreachable")
            )
            bad = unassigned(problem.stops[p], code, "(both ends of the shipment)")
        for i in ends:
            if bad is not None:
                allowed[i] = []
                s = problem.stops[i]
                reasons[i] = Unassigned(s.id, s.location, bad.reason, bad.message, s.kind)
            else:
                allowed[i] = both
