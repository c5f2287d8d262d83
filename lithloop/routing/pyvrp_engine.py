"""Optional PyVRP (HGS/ILS) race for problems that fit its model; used as a warm start."""

from __future__ import annotations

import warnings

from .model import Problem
from .pyvrp_hooks import ProgressHook, StopHook, to_routes, warm_start
from .schedule import amounts, shared_places, windows_after_setup

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
    """True when PyVRP can race on the problem.

    Skills and other vehicle restrictions become prohibitive edges in per-type routing
    profiles; a stop with several time windows becomes one client per window in a
    mutually exclusive group (or, see `_windows`, gets their hull or the longest). Both are
    only a warm start:
    every PyVRP route is re-checked and repaired before OR-Tools takes over. Problems
    with shipments are left to OR-Tools.
    """
    no_pairs = all(s.shipment is None for s in problem.stops)
    return pyvrp is not None and any(allowed) and no_pairs


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
        tuple(sorted(map(str, v.skills))),
    )


def _required_prize(problem: Problem, stop) -> int:
    """A prize that beats any insertion of the stop but keeps PyVRP's numbers well scaled."""
    d, t = problem.matrices.distance, problem.matrices.duration
    worst = 0.0
    for v in problem.vehicles:
        rd = int(d[v.start, stop.location]) + int(d[stop.location, v.end_location])
        rt = int(t[v.start, stop.location]) + int(t[stop.location, v.end_location])
        work = rt + stop.setup_s + stop.service_s
        cost = v.cost_per_km * rd + v.cost_per_hour * 1000 / 3600 * work
        worst = max(worst, cost + v.fixed_cost * 1000)
    return int(4 * worst) + 1000


def solve_pyvrp(
    problem: Problem,
    allowed,
    seconds: float,
    seed: int,
    big: int,
    strict: bool = True,
    initial: list[list[tuple]] | None = None,
    incumbent=None,
    windows: str = "groups",
    max_penalty: float = 1e10,
):
    """Race PyVRP for `seconds`; return per-vehicle sequences or None.

    `strict`: required stops are required in PyVRP too; otherwise (an over-full day)
    they become optional with a prohibitive prize, like OR-Tools' drop penalty.
    """
    integral = all(float(v.cost_per_km).is_integer() for v in problem.vehicles)
    scale = 1 if integral else 10
    # PyVRP prices a route's whole duration, waiting included, where our cost prices only
    # the hours on the road: pricing those on the edges instead searched worse (a 120-stop
    # two-window day, 3 seeds: 2.33 M against 2.25 M), so its plans are only re-costed.
    import numpy as np

    dims = problem.dims
    vehicles = problem.vehicles
    depots: list = []
    depot_of: dict[tuple[int, int], int] = {}

    def depot(loc: int, service: int = 0) -> int:
        """Index of the PyVRP depot at `loc` with that service time."""
        key = (loc, service)
        if key not in depot_of:
            depot_of[key] = len(depots)
            depots.append(pyvrp.Depot(location=loc, service_duration=service))
        return depot_of[key]

    types: list[dict] = []
    members: list[list] = []
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
    shared = shared_places(problem)
    clients: list = []
    client_stop: list = []
    client_groups: list = []
    for i, s in enumerate(problem.stops):
        if not allowed[i]:
            continue
        if s.optional:
            prize = min(int(round(s.penalty * 1000 * (1 + s.priority / 100))), big)
        else:
            prize = _required_prize(problem, s) * (100 + max(s.priority, 0)) // 100
        must = strict and not s.optional
        wins = _windows(windows_after_setup(s, s.location in shared), windows)
        group = None
        if len(wins) > 1:  # one client per window; the group serves exactly one of them
            group = len(client_groups)
            client_groups.append(
                pyvrp.ClientGroup(list(range(len(clients), len(clients) + len(wins))), must)
            )
        for early, late in wins:
            clients.append(
                pyvrp.Client(
                    location=len(depots) + len(clients),
                    delivery=list(amounts(s.delivery, dims)),
                    pickup=list(amounts(s.pickup, dims)),
                    service_duration=s.service_s,
                    tw_early=early,
                    tw_late=late,
                    required=must and group is None,
                    prize=0 if must else prize * scale,
                    group=group,
                )
            )
            client_stop.append(i)
    if not clients:
        return None
    # One PyVRP location per depot and per client (clients may share a place).
    idx = np.array(
        [d.location for d in depots] + [problem.stops[i].location for i in client_stop],
        dtype=np.int64,
    )
    depots = [
        pyvrp.Depot(location=k, service_duration=d.service_duration) for k, d in enumerate(depots)
    ]
    locations = [pyvrp.Location(x=0.0, y=0.0) for _ in idx]
    dist = np.ascontiguousarray(problem.matrices.distance[np.ix_(idx, idx)], dtype=np.int64)
    dur = np.ascontiguousarray(problem.matrices.duration[np.ix_(idx, idx)], dtype=np.int64)
    # A stop's setup on the edges coming to it from another place, as the schedule pays it
    # (PyVRP has no setup of its own); its windows are moved to match (windows_after_setup).
    setup = np.array([0] * len(depots) + [problem.stops[i].setup_s for i in client_stop])
    dur += setup[None, :] * (idx[:, None] != idx[None, :])
    # Vehicle restrictions (skills, size, reach) as prohibitive edges in a profile per type.
    profiles: dict[tuple, int] = {}
    dmats: list = []
    tmats: list = []
    bad_d = int(dist.max()) * 10 + 1
    bad_t = max(v.shift.end for v in vehicles) + 1
    for t, m in zip(types, members, strict=True):
        mask = tuple(m[0] not in allowed[i] for i in client_stop)
        if mask not in profiles:
            profiles[mask] = len(dmats)
            cols = len(depots) + np.flatnonzero(np.array(mask, dtype=bool))
            dm, tm = dist.copy(), dur.copy()
            dm[:, cols] += bad_d
            tm[:, cols] += bad_t
            np.fill_diagonal(dm, 0)
            np.fill_diagonal(tm, 0)
            dmats.append(dm)
            tmats.append(tm)
        t["profile"] = profiles[mask]
    vts = [
        pyvrp.VehicleType(num_available=len(m), **t) for t, m in zip(types, members, strict=True)
    ]
    data = pyvrp.ProblemData(locations, clients, depots, vts, dmats, tmats, client_groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Our costs are in 1/1000 currency units: let penalties grow far enough.
        progress = ProgressHook(problem, incumbent, (members, client_stop, len(vehicles)))
        ils = pyvrp.IteratedLocalSearchParams(callbacks=progress)
        penalty = pyvrp.PenaltyParams(max_penalty=max_penalty)
        params = pyvrp.SolveParams(ils=ils, penalty=penalty)
        start = warm_start(data, clients, problem, initial, (members, client_stop, depot_of))
        limit = MaxRuntime(max(seconds, 0.05))
        res = pyvrp.solve(
            data,
            limit if incumbent is None else StopHook(limit, incumbent, progress),
            seed=seed,
            collect_stats=False,
            params=params,
            initial_solution=start,
        )
    if incumbent is not None:
        progress.flush(force=True)
    return (
        to_routes(res.best, members, client_stop, len(vehicles)),
        bool(res.is_feasible()),
        float(res.cost()),
    )


def _windows(wins: list[tuple[int, int]], mode: str) -> list[tuple[int, int]]:
    """The windows (start, end) PyVRP gets: all ("groups": one client each), their hull, or
    the longest (a restriction, so its plans stay feasible for us)."""
    if not wins:
        return [(0, INF)]
    if mode == "groups":
        return sorted(wins)
    if mode == "hull":
        return [(min(a for a, _ in wins), max(b for _, b in wins))]
    return [max(wins, key=lambda w: (w[1] - w[0], -w[0]))]
