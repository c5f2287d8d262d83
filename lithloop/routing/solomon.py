"""Solomon VRPTW files: parse, turn into a Problem, and evaluate exact Euclidean distance."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .model import Matrices, Problem, Solution, Stop, TimeWindow, Vehicle

SCALE = 1000  # integer precision: 1/1000 of a Solomon distance/time unit


class SolomonError(ValueError):
    """A Solomon file that cannot be parsed."""


@dataclass(frozen=True)
class SolomonInstance:
    """Raw Solomon data: 101 rows (row 0 = depot)."""

    name: str
    vehicles: int
    capacity: int
    rows: np.ndarray  # columns: no, x, y, demand, ready, due, service


def parse(path: str | Path) -> SolomonInstance:
    """Read a Solomon file."""
    lines = [ln.split() for ln in Path(path).read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    try:
        vi = next(k for k, ln in enumerate(lines) if ln[0].upper() == "VEHICLE")
        nveh, cap = int(lines[vi + 2][0]), int(lines[vi + 2][1])
        rows = [ln for ln in lines[vi + 3 :] if ln[0].isdigit()]
        data = np.array(rows, dtype=float)
    except (StopIteration, IndexError, ValueError) as exc:
        raise SolomonError(f"{path}: not a Solomon instance ({exc})") from exc
    if data.ndim != 2 or data.shape[1] != 7 or len(data) < 2:
        raise SolomonError(f"{path}: expected rows of 7 numbers")
    return SolomonInstance(lines[0][0], nveh, cap, data)


def euclid(inst: SolomonInstance) -> np.ndarray:
    """Exact Euclidean distance matrix (floats)."""
    xy = inst.rows[:, 1:3]
    return np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))


def to_problem(inst: SolomonInstance, vehicles: int | None = None) -> Problem:
    """Problem with distances rounded and travel times rounded up at 1/1000 precision."""
    d = euclid(inst)
    dist = np.rint(d * SCALE).astype(np.int64)
    dur = np.ceil(d * SCALE - 1e-6).astype(np.int64)
    r = inst.rows
    horizon = int(r[0, 5] * SCALE)
    n_veh = inst.vehicles if vehicles is None else vehicles
    fleet = tuple(
        Vehicle(
            id=k, start=0, capacity=(inst.capacity,), shift=TimeWindow(0, horizon), cost_per_km=1.0
        )
        for k in range(n_veh)
    )
    stops = tuple(
        Stop(
            id=int(r[i, 0]),
            location=i,
            pickup=(int(r[i, 3]),),
            service_s=int(r[i, 6] * SCALE),
            time_windows=(TimeWindow(int(r[i, 4] * SCALE), int(r[i, 5] * SCALE)),),
        )
        for i in range(1, len(r))
    )
    return Problem(vehicles=fleet, stops=stops, matrices=Matrices(dist, dur))


def exact_distance(inst: SolomonInstance, routes: list[list[int]]) -> float:
    """Total exact Euclidean length of routes given as customer numbers."""
    d = euclid(inst)
    total = 0.0
    for r in routes:
        path = [0, *r, 0]
        total += sum(d[a, b] for a, b in zip(path, path[1:], strict=False))
    return total


def check_routes(inst: SolomonInstance, routes: list[list[int]]) -> list[str]:
    """Independent real-valued check of windows, capacity and depot due date."""
    d, r = euclid(inst), inst.rows
    errors = []
    for k, route in enumerate(routes):
        t, load, prev = 0.0, 0, 0
        for c in route:
            t = max(t + d[prev, c], r[c, 4])
            if t > r[c, 5] + 1e-9:
                errors.append(f"route {k}: customer {c} served at {t:.3f} > due {r[c, 5]}")
            t += r[c, 6]
            load += int(r[c, 3])
            prev = c
        if t + d[prev, 0] > r[0, 5] + 1e-9:
            errors.append(f"route {k}: back at depot after {r[0, 5]}")
        if load > inst.capacity:
            errors.append(f"route {k}: load {load} > {inst.capacity}")
    return errors


def summary(inst: SolomonInstance, solution: Solution) -> dict:
    """Routes as customer numbers, exact distance and vehicle count."""
    routes = [[int(s) for s in r.stop_ids] for r in solution.routes if r.stop_ids]
    return {
        "instance": inst.name.lower(),
        "routes": routes,
        "distance": round(exact_distance(inst, routes), 2),
        "vehicles": len(routes),
        "served": sum(len(r) for r in routes),
        "unassigned": [u.stop_id for u in solution.unassigned],
        "wall_s": solution.wall_s,
        "errors": check_routes(inst, routes),
    }


def gap(distance: float, best: float) -> float:
    """Percentage gap to a best-known distance."""
    return 100.0 * (distance - best) / best if best else math.nan
