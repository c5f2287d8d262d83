"""pyvroom (VROOM) as a fast racer: our Problem in, routes re-checked by our simulation out.

VROOM knows skills, capacities, pickups and deliveries, time windows, shifts (vehicle
time windows), service times, fixed / per-hour / per-km costs and maximum distance. It
does not know several trips or a maximum working time: by default it plans single trips
(a restriction: its plans stay feasible for us, and the other engines use the reloads);
with `RaceConfig.vroom_multi_trip` a truck with several trips gets its capacity times its
trips and its route is cut into trips afterwards (a reload before the stop that would
overfill it; the reload's time may then break later windows). Every route is simulated
against all our constraints and repaired, so VROOM's answer is only ever a candidate.
"""

from __future__ import annotations

import multiprocessing
import time
from datetime import timedelta

import numpy as np

from .model import Problem
from .plans import clean, repair
from .schedule import JOB, RELOAD, amounts, simulate

try:  # pyvroom is optional: without it the race skips VROOM with a note.
    import vroom
except ImportError:  # pragma: no cover - exercised only where pyvroom is absent
    vroom = None

PROFILE = "car"
MAX_U32 = 2**32 - 1


def available() -> bool:
    """True when pyvroom can be imported."""
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
    problem: Problem, allowed, seconds: float, exploration: int, multi_trip: bool = False
) -> list[list[int]]:
    """Per vehicle, the stop indices VROOM visits, in order."""
    inp = _input(problem, allowed, multi_trip)
    sol = inp.solve(
        exploration_level=exploration,
        nb_threads=1,
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
    seq: list[tuple] = []
    trips = 1
    for i in stops:
        trial = seq + [(JOB, i)]
        if trips < v.max_trips and seq and seq[-1][0] != RELOAD:
            sim = simulate(problem, v, trial)
            if any(x.startswith("load") for x in sim.violations):
                trial = seq + [(RELOAD, None), (JOB, i)]
                trips += 1
        seq = trial
    return clean(seq)


def to_routes(problem: Problem, visits: list[list[int]]) -> list[list[tuple]]:
    """VROOM's visits as our feasible per-vehicle sequences (split into trips, repaired)."""
    return repair(problem, [split_trips(problem, j, s) for j, s in enumerate(visits)])


def _child(conn, problem, allowed, seconds, exploration, multi_trip) -> None:
    try:
        conn.send(("ok", solve_vroom(problem, allowed, seconds, exploration, multi_trip)))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def race(problem: Problem, allowed, time_limit_s: float, incumbent, notes: list[str], config):
    """Run VROOM within its share of the budget; offer its plan to the incumbent.

    VROOM holds the interpreter while it searches, so it runs in a forked process while
    this one keeps asking the stop criterion (a cancel ends it within `vroom_poll_s`).
    Returns our repaired routes, or None.
    """
    if vroom is None:
        notes.append("pyvroom not installed: VROOM skipped")
        return None
    quick = time_limit_s < config.vroom_quick_below_s
    seconds = time_limit_s * (config.vroom_quick_share if quick else config.vroom_share)
    level = config.vroom_exploration_quick if quick else config.vroom_exploration
    t0 = time.monotonic()
    try:
        visits = _run(problem, allowed, seconds, level, incumbent, config)
    except Exception as exc:
        notes.append(f"VROOM failed: {type(exc).__name__}: {exc}")
        return None
    if visits is None:
        notes.append("VROOM stopped before it answered")
        return None
    routes = to_routes(problem, visits)
    served = sum(k == JOB for seq in routes for k, _ in seq)
    notes.append(f"VROOM (exploration {level}) serves {served} in {time.monotonic() - t0:.2f} s")
    incumbent.offer("vroom", routes)
    return routes


def _run(problem, allowed, seconds, level, incumbent, config):
    if "fork" not in multiprocessing.get_all_start_methods():
        return solve_vroom(problem, allowed, seconds, level, config.vroom_multi_trip)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    args = (child, problem, allowed, seconds, level, config.vroom_multi_trip)
    proc = ctx.Process(target=_child, args=args, daemon=True)
    proc.start()
    child.close()
    deadline = time.monotonic() + seconds + 2.0 + 0.002 * len(problem.stops)
    try:
        while not parent.poll(config.vroom_poll_s):
            if incumbent.should_stop() or time.monotonic() > deadline or not proc.is_alive():
                if not parent.poll(0):
                    return None
                break
        status, value = parent.recv()
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        parent.close()
    if status != "ok":
        raise RuntimeError(value)
    return value
