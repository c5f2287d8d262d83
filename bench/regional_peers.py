"""The free engines the regional bench compares against: pyvroom and PyVRP, as a user runs them.

Each returns per-truck sequences (`("job", stop index)` / `("reload",)`) which `to_solution`
re-times at the earliest start (always feasible when the engine's own schedule is, as no
limit on working time is set) into a lithloop `Solution`, so that one checker judges all.
VROOM reads the day's VROOM JSON unchanged (it has no multi-trip: its trucks make one
trip). PyVRP gets skills as routing profiles (edges into a stop a truck type may not serve
are prohibitive), two time windows as a mutually exclusive client group, several trips as
reloads at the park, and every stop optional with a prize far above any route's cost.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import warnings

import numpy as np

from lithloop.routing import Problem, Route, Solution, Step, Unassigned

JOB, RELOAD = "job", "reload"


def _prize(problem: Problem, stop) -> int:
    """Four times the dearest out-and-back visit (PyVRP cost units): serving always pays."""
    d, t = problem.matrices.distance, problem.matrices.duration
    worst = max(
        v.fixed_cost * 1000
        + v.cost_per_km * (int(d[0, stop.location]) + int(d[stop.location, 0]))
        + v.cost_per_hour
        * 1000
        / 3600
        * (int(t[0, stop.location]) + int(t[stop.location, 0]) + stop.setup_s + stop.service_s)
        for v in problem.vehicles
    )
    return int(4 * worst) + 1000


def solve_vroom(doc: dict, problem: Problem, seconds: float | None, level: int = 5) -> tuple:
    """pyvroom on the VROOM JSON (exploration `level`, one thread); (sequences, wall s)."""
    import vroom

    inp = vroom.Input()
    inp._from_json(json.dumps(doc), False)
    t0 = time.monotonic()
    timeout = None if seconds is None else dt.timedelta(seconds=seconds)
    sol = inp.solve(exploration_level=level, nb_threads=1, timeout=timeout)
    wall = time.monotonic() - t0
    index = {s.id: i for i, s in enumerate(problem.stops)}
    seqs: dict = {}
    for row in sol.routes.itertuples():
        if row.type == "job":
            seqs.setdefault(int(row.vehicle_id), []).append((JOB, index[int(row.id)]))
    return seqs, wall


def _vehicle_types(problem: Problem) -> tuple[list, list]:
    """Trucks grouped into PyVRP vehicle types: (keys, member vehicle ids)."""
    keys, members = [], []
    for v in problem.vehicles:
        key = (
            v.capacity,
            v.skills,
            v.shift,
            v.fixed_cost,
            v.cost_per_km,
            v.cost_per_hour,
            v.max_trips,
            v.reload_s,
        )
        if key not in keys:
            keys.append(key)
            members.append([])
        members[keys.index(key)].append(v.id)
    return keys, members


def solve_pyvrp(problem: Problem, seconds: float, seed: int = 0) -> tuple:
    """PyVRP (ILS) for `seconds` on the same matrices; (sequences, wall s)."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    n = problem.matrices.size
    dims = problem.dims
    keys, members = _vehicle_types(problem)
    depots = [pyvrp.Depot(location=0), pyvrp.Depot(location=0, service_duration=1800)]
    profiles: list[frozenset] = []
    vtypes = []
    for key, ids in zip(keys, members, strict=True):
        cap, skills, shift, fixed, per_km, per_hour, trips, reload_s = key
        if skills not in profiles:
            profiles.append(skills)
        if trips > 1:
            depots[1] = pyvrp.Depot(location=0, service_duration=reload_s)
        vtypes.append(
            pyvrp.VehicleType(
                num_available=len(ids),
                capacity=list(cap),
                start_depot=0,
                end_depot=0,
                fixed_cost=int(fixed * 1000),
                tw_early=shift.start,
                tw_late=shift.end,
                unit_distance_cost=int(per_km),
                unit_duration_cost=round(per_hour * 1000 / 3600),
                profile=profiles.index(skills),
                reload_depots=[1] if trips > 1 else [],
                max_reloads=max(trips - 1, 0),
            )
        )
    clients, groups, client_stop = [], [], []
    for i, s in enumerate(problem.stops):
        prize = _prize(problem, s) * (100 + s.priority) // 100
        wins = s.time_windows or ()
        group = None
        if len(wins) > 1:
            group = len(groups)
            groups.append(
                pyvrp.ClientGroup(
                    list(range(len(clients), len(clients) + len(wins))), required=False
                )
            )
        for w in wins or (None,):
            clients.append(
                pyvrp.Client(
                    location=s.location,
                    delivery=list(s.delivery) or [0] * dims,
                    pickup=list(s.pickup) or [0] * dims,
                    service_duration=s.setup_s + s.service_s,  # PyVRP has no setup
                    tw_early=w.start if w else 0,
                    tw_late=w.end if w else 2**62,
                    prize=prize,
                    required=False,
                    group=group,
                )
            )
            client_stop.append(i)
    dist = np.ascontiguousarray(problem.matrices.distance, dtype=np.int64)
    dur = np.ascontiguousarray(problem.matrices.duration, dtype=np.int64)
    dmats, tmats = [], []
    for skills in profiles:  # skills as routing profiles: prohibitive edges into other stops
        banned = [s.location for s in problem.stops if not s.skills <= skills]
        dm, tm = dist.copy(), dur.copy()
        dm[:, banned] += int(dist.max()) * 10 + 1
        tm[:, banned] += max(v.shift.end for v in problem.vehicles) + 1
        np.fill_diagonal(dm, 0)
        np.fill_diagonal(tm, 0)
        dmats.append(dm)
        tmats.append(tm)
    locations = [pyvrp.Location(x=0, y=0) for _ in range(n)]
    data = pyvrp.ProblemData(locations, clients, depots, vtypes, dmats, tmats, groups)
    t0 = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Prizes dwarf route costs: let penalties grow beyond them (PyVRP caps them at 1e5).
        params = pyvrp.SolveParams(penalty=pyvrp.PenaltyParams(max_penalty=1e12))
        res = pyvrp.solve(data, MaxRuntime(seconds), seed=seed, collect_stats=False, params=params)
    wall = time.monotonic() - t0
    free = [list(ids) for ids in members]
    seqs: dict = {}
    for route in res.best.routes():
        vid = free[route.vehicle_type()].pop(0)
        seq = []
        for act in route.schedule()[1:-1]:
            if act.type == pyvrp.ActivityType.CLIENT:
                seq.append((JOB, client_stop[act.idx]))
            elif act.type == pyvrp.ActivityType.DEPOT:
                seq.append((RELOAD,))
        seqs[vid] = seq
    return seqs, wall


def _start_time(stop, arrival: int) -> int:
    """Earliest service start at or after `arrival` inside one of the stop's windows."""
    for w in sorted(stop.time_windows, key=lambda w: w.start):
        if arrival <= w.end:
            return max(arrival, w.start)
    return arrival if not stop.time_windows else max(arrival, stop.time_windows[-1].start)


def _route(problem: Problem, v, seq: list) -> Route:
    """Steps of one truck's sequence, timed from the start of its shift."""
    dist, dur = problem.matrices.distance, problem.matrices.duration
    dims = problem.dims
    trips: list[list] = [[]]
    for item in seq:
        if item[0] == RELOAD:
            trips.append([])
        else:
            trips[-1].append(problem.stops[item[1]])

    def preload(trip):
        return [sum((list(s.delivery) + [0] * dims)[k] for s in trip) for k in range(dims)]

    t, loc, km, trip_no = v.shift.start, v.start, 0, 0
    load = preload(trips[0])
    steps = [Step("start", loc, t, t, t, tuple(load), 0)]
    service = 0
    for item in list(seq) + [("end",)]:
        nxt = (
            v.end_location
            if item[0] == "end"
            else (v.reload_at if item[0] == RELOAD else problem.stops[item[1]].location)
        )
        km += int(dist[loc, nxt])
        arrival = t + int(dur[loc, nxt])
        if item[0] == JOB:
            s = problem.stops[item[1]]
            begin = _start_time(s, arrival)
            work = (0 if loc == nxt else s.setup_s) + s.service_s  # setup once per arrival
            t = begin + work
            service += work
            for k in range(dims):
                load[k] += (list(s.pickup) + [0] * dims)[k] - (list(s.delivery) + [0] * dims)[k]
            steps.append(Step(s.kind, nxt, arrival, begin, t, tuple(load), km, s.id, trip_no))
        elif item[0] == RELOAD:
            trip_no += 1
            t = arrival + v.reload_s
            load = preload(trips[trip_no])
            steps.append(Step(RELOAD, nxt, arrival, arrival, t, tuple(load), km, None, trip_no))
        else:
            t = arrival
            steps.append(Step("end", nxt, arrival, arrival, arrival, tuple(load), km))
        loc = nxt
    waiting = sum(s.waiting_s for s in steps)
    return Route(v.id, tuple(steps), km, t - steps[0].departure, service, waiting, 0.0, trip_no + 1)


def to_solution(problem: Problem, seqs: dict, engine: str, wall: float) -> Solution:
    """A lithloop `Solution` from per-vehicle sequences (unserved stops marked day_full)."""
    vehicles = {v.id: v for v in problem.vehicles}
    routes = [_route(problem, vehicles[vid], seq) for vid, seq in seqs.items() if seq]
    served = {item[1] for seq in seqs.values() for item in seq if item[0] == JOB}
    missing = tuple(
        Unassigned(s.id, s.location, "day_full", "not served", s.kind)
        for i, s in enumerate(problem.stops)
        if i not in served
    )
    return Solution(
        status="partial" if missing else "solved",
        routes=tuple(routes),
        unassigned=missing,
        cost=0.0,
        distance=sum(r.distance for r in routes),
        duration=sum(r.duration for r in routes),
        wall_s=round(wall, 3),
        engine=engine,
    )
