"""Solution → VROOM-style output dict (plus `reason` codes on unassigned jobs)."""

from __future__ import annotations

from typing import Any

from .model import STATUS_NO_ROUTE, VISIT_TYPES, Solution


def _loc(solution: Solution, idx: int) -> dict:
    out: dict = {"location_index": idx}
    if solution.coordinates and idx < len(solution.coordinates):
        out["location"] = list(solution.coordinates[idx])
    return out


def _amount_sums(route) -> tuple[list[int], list[int]]:
    """Pickups and deliveries served on a route, recovered from the load profile."""
    steps = route.steps
    dims = len(steps[0].load)
    pick, deliv = [0] * dims, [0] * dims
    for a, b in zip(steps, steps[1:], strict=False):
        if b.type not in VISIT_TYPES:
            continue
        for k in range(dims):
            diff = b.load[k] - a.load[k]
            if diff > 0:
                pick[k] += diff
            else:
                deliv[k] -= diff
    return pick, deliv


def solution_to_vroom(solution: Solution) -> dict:
    """VROOM-format dict: code, summary, routes with steps, unassigned with reasons."""
    routes: list[dict[str, Any]] = []
    tot_p: list[int] | None = None
    tot_d: list[int] | None = None
    for r in solution.routes:
        steps, travel, setup, service, waiting = [], 0, 0, 0, 0
        prev_dep = r.steps[0].departure
        for s in r.steps:
            travel += s.arrival - prev_dep if s.type != "start" else 0
            step = {
                "type": s.type,
                **_loc(solution, s.location),
                "arrival": s.arrival,
                "duration": travel,
                "setup": s.setup,
                "service": s.departure - s.service_start - s.setup,
                "waiting_time": s.waiting_s,
                "load": list(s.load),
                "distance": s.distance,
            }
            if s.stop_id is not None:
                step["id"] = s.stop_id
            if s.type == "reload" or s.type in VISIT_TYPES:
                step["trip"] = s.trip
            steps.append(step)
            service += s.departure - s.service_start - s.setup
            setup += s.setup
            waiting += s.waiting_s
            prev_dep = s.departure
        pick, deliv = _amount_sums(r)
        tot_p = pick if tot_p is None else [a + b for a, b in zip(tot_p, pick, strict=False)]
        tot_d = deliv if tot_d is None else [a + b for a, b in zip(tot_d, deliv, strict=False)]
        routes.append(
            {
                "vehicle": r.vehicle_id,
                "cost": r.cost,
                "trips": r.trips,
                "pickup": pick,
                "delivery": deliv,
                "setup": setup,
                "service": service,
                "duration": travel,
                "waiting_time": waiting,
                "distance": r.distance,
                "steps": steps,
            }
        )
    unassigned = [
        {
            "id": u.stop_id,
            "type": u.kind,
            **_loc(solution, u.location),
            "reason": u.reason,
            "reason_text": u.message,
        }
        for u in solution.unassigned
    ]
    summary = {
        "cost": solution.cost,
        "routes": len(routes),
        "unassigned": len(unassigned),
        "pickup": tot_p or [],
        "delivery": tot_d or [],
        "setup": sum(r["setup"] for r in routes),
        "service": sum(r["service"] for r in routes),
        "duration": sum(r["duration"] for r in routes),
        "waiting_time": sum(r["waiting_time"] for r in routes),
        "distance": solution.distance,
        "status": solution.status,
        "engine": solution.engine,
        "computing_times": {"solving": solution.wall_s},
    }
    return {
        "code": 0,
        "status": solution.status,
        "summary": summary,
        "routes": routes,
        "unassigned": unassigned,
        "notes": list(solution.notes),
        "feasible": solution.status != STATUS_NO_ROUTE,
    }
