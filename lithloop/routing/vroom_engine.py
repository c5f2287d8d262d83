"""pyvroom (VROOM) as a fast racer: our Problem in, routes re-checked by our simulation out.

VROOM knows skills, capacities, pickups and deliveries, time windows, shifts (vehicle
time windows), service times, fixed / per-hour / per-km costs (not per_task_hour: pyvroom
1.15 cannot be given it; service is the same whoever serves a stop) and maximum distance. It
does not know several trips or a maximum working time: by default it plans single trips
(a restriction: its plans stay feasible for us, and the other engines use the reloads);
with `RaceConfig.vroom_multi_trip` a truck with several trips gets its capacity times its
trips and its route is cut into trips afterwards (a reload before the stop that would
overfill it; the reload's time may then break later windows). Every route is simulated
against all our constraints and repaired, so VROOM's answer is only ever a candidate.

VROOM searches in a forked process (`vroom_process.Background`) for most of the budget;
`solve` runs PyVRP beside it when a core is idle, else waits for it and starts PyVRP and
OR-Tools from its plan.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

import numpy as np

from .model import Problem
from .plans import clean, repair
from .schedule import JOB, RELOAD, amounts, capacity_of, simulate

#: pyvroom, imported by the first `available()` (it brings pandas along: 0.3 s that every
#: process start, each `flask` command and web worker, would pay without ever racing); None
#: where it is not installed (optional: the race then skips VROOM with a note).
_NOT_LOADED: Any = object()
vroom: Any = _NOT_LOADED

PROFILE = "car"
MAX_U32 = 2**32 - 1


def available() -> bool:
    """True when pyvroom can be imported (imported here, once per process)."""
    global vroom
    if vroom is _NOT_LOADED:
        try:
            import vroom as module
        except ImportError:  # pragma: no cover - exercised only where pyvroom is absent
            module = None
        vroom = module
    return vroom is not None


def fits(problem: Problem, allowed: list[list[int]]) -> bool:
    """True when VROOM can race: something to serve and no shipments (left to OR-Tools)."""
    return any(allowed) and all(s.shipment is None for s in problem.stops)


def _skill_ids(problem: Problem) -> dict:
    names = sorted(
        {str(k) for s in problem.stops for k in s.skills}
        | {str(k) for v in problem.vehicles for k in v.skills}
    )
    return {name: n + 1 for n, name in enumerate(names)}


def _input(problem: Problem, allowed: list[list[int]], multi_trip: bool = False):
    """The vroom.Input of a problem: job id = stop index + 1, vehicle id = its index."""
    if not available():  # pragma: no cover - the race asks available() first
        raise RuntimeError("pyvroom is not installed")
    dims = problem.dims
    skill = _skill_ids(problem)
    inp = vroom.Input()
    dur = np.minimum(problem.matrices.duration, MAX_U32).astype(np.uint32)
    dist = np.minimum(problem.matrices.distance, MAX_U32).astype(np.uint32)
    inp.set_durations_matrix(PROFILE, dur)
    inp.set_distances_matrix(PROFILE, dist)
    total = [
        sum(amounts(s.pickup, dims)[k] + amounts(s.delivery, dims)[k] for s in problem.stops) + 1
        for k in range(dims)
    ]
    cost_free = all(v.cost_per_km == 0 and v.cost_per_hour == 0 for v in problem.vehicles)
    for j, v in enumerate(problem.vehicles):
        trips = max(v.max_trips, 1) if multi_trip else 1
        cap = [
            min(int(v.capacity[k]) * trips, total[k]) if len(v.capacity) > k else total[k]
            for k in range(dims)
        ]
        costs = vroom.VehicleCosts(
            fixed=int(round(v.fixed_cost * 100)),
            per_hour=int(round(v.cost_per_hour * 100)),
            per_km=100 if cost_free else int(round(v.cost_per_km * 100)),
        )
        extra = {}
        if v.max_distance_m is not None:
            extra["max_distance"] = int(min(v.max_distance_m, MAX_U32))
        inp.add_vehicle(
            vroom.Vehicle(
                j,
                start=int(v.start),
                end=int(v.end_location),
                profile=PROFILE,
                capacity=cap,
                skills={skill[str(k)] for k in v.skills},
                time_window=vroom.TimeWindow(int(v.shift.start), int(v.shift.end)),
                costs=costs,
                **extra,
            )
        )
    for i, s in enumerate(problem.stops):
        if not allowed[i]:
            continue
        inp.add_job(
            vroom.Job(
                i + 1,
                location=int(s.location),
                default_setup=int(s.setup_s),
                default_service=int(s.service_s),
                delivery=list(amounts(s.delivery, dims)),
                pickup=list(amounts(s.pickup, dims)),
                skills={skill[str(k)] for k in s.skills},
                priority=int(min(max(s.priority, 0), 100)),
                time_windows=[
                    vroom.TimeWindow(int(w.start), int(w.end))
                    for w in sorted(s.time_windows, key=lambda w: w.start)
                ],
            )
        )
    return inp


def solve_vroom(
    problem: Problem,
    allowed,
    seconds: float,
    exploration: int,
    multi_trip: bool = False,
    threads: int = 1,
) -> list[list[int]]:
    """Per vehicle, the stop indices VROOM visits, in order."""
    inp = _input(problem, allowed, multi_trip)
    sol = inp.solve(
        exploration_level=exploration,
        nb_threads=threads,
        timeout=timedelta(milliseconds=max(int(seconds * 1000), 10)),
    )
    out: list[list[int]] = [[] for _ in problem.vehicles]
    df = sol.routes
    jobs = df[df["type"] == "job"]
    for vid, sid in zip(jobs["vehicle_id"].tolist(), jobs["id"].tolist(), strict=True):
        out[int(vid)].append(int(sid) - 1)
    return out


def split_trips(problem: Problem, j: int, stops: list[int]) -> list[tuple]:
    """Our sequence for vehicle `j`: a reload before each stop that would break the trip."""
    v = problem.vehicles[j]
    dims = problem.dims
    cap = capacity_of(v, dims)
    seq: list[tuple] = []
    trips = 1
    moved = [0] * dims  # the trip's deliveries plus pickups so far: a bound on its load
    for i in stops:
        trial = seq + [(JOB, i)]
        stop = problem.stops[i]
        both = [
            a + b
            for a, b in zip(amounts(stop.pickup, dims), amounts(stop.delivery, dims), strict=True)
        ]
        moved = [m + x for m, x in zip(moved, both, strict=True)]
        # Only when the bound passes the capacity can the load break: simulate then.
        if trips < v.max_trips and seq and seq[-1][0] != RELOAD and _over(moved, cap):
            sim = simulate(problem, v, trial)
            if any(x.startswith("load") for x in sim.violations):
                trial = seq + [(RELOAD, None), (JOB, i)]
                trips += 1
                moved = both
        seq = trial
    return clean(seq)


def _over(moved: list[int], cap) -> bool:
    return any(m > c for m, c in zip(moved, cap, strict=True))


def to_routes(problem: Problem, visits: list[list[int]]) -> list[list[tuple]]:
    """VROOM's visits as our feasible per-vehicle sequences (split into trips, repaired)."""
    return repair(problem, [split_trips(problem, j, s) for j, s in enumerate(visits)])


def plan(time_limit_s: float, n_stops: int, config) -> tuple[float, list[int]]:
    """(seconds, exploration levels) of VROOM's run beside the other engines.

    Level 0 answers first, within a fraction of a second (an insurance: on a loaded
    machine a deeper level may not answer within the budget at all; and the other engines,
    progress reports and a "no improvement" criterion get a plan early). Then the deepest
    level the time per stop affords: VROOM's higher levels build many more starting plans
    before its timeout is looked at, so on a short budget they answer late and worse.
    """
    if time_limit_s < config.vroom_quick_below_s:
        return time_limit_s * config.vroom_quick_share, [config.vroom_exploration_quick]
    seconds = time_limit_s * config.vroom_share
    per_stop = seconds / max(n_stops, 1)
    level = next((lv for least, lv in config.vroom_levels if per_stop >= least), 0)
    level = min(level, config.vroom_exploration)
    # When a level ends early, the deeper ones search on in what is left (see `answers`).
    deeper = sorted({lv for _, lv in config.vroom_levels if level < lv <= config.vroom_exploration})
    return seconds, [0, level, *deeper] if level else [0]


def threads(seconds: float, config) -> int:
    """VROOM's threads: several for a quick budget (its heuristics run side by side, and
    nothing else does better so fast), else one (the other engines need the other core)."""
    if seconds >= config.vroom_quick_below_s * config.vroom_quick_share:
        return 1
    return max(1, min(config.vroom_threads_quick, os.cpu_count() or 1))


def answers(problem, allowed, seconds, levels, multi_trip, threads=1, least_share=0.0):
    """("ok" or "error", level, visits or what went wrong) per level, within `seconds`.

    The levels after the second are escalations: each runs only when at least
    `least_share` of `seconds` is left (a deep level cut too short answers worse)."""
    end = time.monotonic() + seconds
    for k, level in enumerate(levels):
        left = end - time.monotonic()
        if k and left < max(0.05, least_share * seconds if k >= 2 else 0):
            return
        try:
            yield ("ok", level, solve_vroom(problem, allowed, left, level, multi_trip, threads))
        except Exception as exc:
            yield ("error", level, f"{type(exc).__name__}: {exc}")
