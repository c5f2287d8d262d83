"""A fast time-oriented nearest-neighbour constructive (numpy), used as a warm start."""

from __future__ import annotations

import numpy as np

from .model import Problem
from .schedule import JOB, RELOAD, amounts, capacity_of, simulate

BIG = np.iinfo(np.int64).max // 4


def _window_arrays(problem: Problem, k_max: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(problem.stops)
    starts = np.full((n, k_max), BIG, dtype=np.int64)
    ends = np.full((n, k_max), -1, dtype=np.int64)
    for i, s in enumerate(problem.stops):
        wins = sorted(s.time_windows, key=lambda w: w.start) or None
        if wins is None:
            starts[i, 0], ends[i, 0] = 0, BIG
            continue
        for k, w in enumerate(wins[:k_max]):
            starts[i, k], ends[i, k] = w.start, w.end
    return starts, ends


def construct(problem: Problem, allowed: list[list[int]]) -> list[list[tuple]]:
    """Build one route per vehicle, appending the best feasible stop until none fits."""
    stops, dims = problem.stops, problem.dims
    n = len(stops)
    dist, dur = problem.matrices.distance, problem.matrices.duration
    loc = np.array([s.location for s in stops], dtype=np.int64)
    svc = np.array([s.service_s for s in stops], dtype=np.int64)
    setup = np.array([s.setup_s for s in stops], dtype=np.int64)
    pick = np.array([amounts(s.pickup, dims) for s in stops], dtype=np.int64).reshape(n, dims)
    deliv = np.array([amounts(s.delivery, dims) for s in stops], dtype=np.int64).reshape(n, dims)
    k_max = max([len(s.time_windows) for s in stops] + [1])
    w_start, w_end = _window_arrays(problem, k_max)
    optional = np.array([s.optional for s in stops])
    # Shipments (pickup and delivery pairs) are left to OR-Tools' pair operators.
    unserved = np.array(
        [bool(a) and s.shipment is None for a, s in zip(allowed, stops, strict=True)]
    )
    routes: list[list[tuple]] = [[] for _ in problem.vehicles]
    order = sorted(
        range(len(problem.vehicles)), key=lambda j: (len(problem.vehicles[j].skills), -j)
    )
    for j in order:
        v = problem.vehicles[j]
        ok_v = np.zeros(n, dtype=bool)
        ok_v[[i for i in range(n) if j in allowed[i]]] = True
        cap = np.array(
            [c if c != float("inf") else BIG for c in capacity_of(v, dims)], dtype=np.int64
        )
        end = v.end_location
        max_d = v.max_distance_m if v.max_distance_m is not None else BIG
        max_w = v.max_work_s if v.max_work_s is not None else BIG
        seq: list[tuple] = []
        t, here, total, trips = v.shift.start, v.start, 0, 1
        load_end = np.zeros(dims, dtype=np.int64)
        max_prefix = np.zeros(dims, dtype=np.int64)
        while True:
            cand = unserved & ok_v
            if cand.any():
                arr = t + dur[here, loc]
                begin = np.full(n, BIG, dtype=np.int64)
                for k in range(k_max - 1, -1, -1):
                    fits_k = arr <= w_end[:, k]
                    begin = np.where(fits_k, np.maximum(arr, w_start[:, k]), begin)
                work = svc + np.where(loc == here, 0, setup)  # no setup at the same site
                back = begin + work + dur[loc, end]
                feas = cand & (begin < BIG) & (back <= v.shift.end)
                feas &= back - v.shift.start <= max_w
                feas &= total + dist[here, loc] + dist[loc, end] <= max_d
                if dims:
                    feas &= np.all(max_prefix + deliv <= cap, axis=1)
                    feas &= np.all(load_end + pick <= cap, axis=1)
                if feas.any():
                    wait = begin - arr
                    score = dur[here, loc] + wait + np.where(optional, 1800, 0)
                    score = np.where(feas, score, BIG)
                    i = int(np.argmin(score))
                    seq.append((JOB, i))
                    unserved[i] = False
                    total += int(dist[here, loc[i]])
                    t = int(begin[i]) + int(work[i])
                    here = int(loc[i])
                    max_prefix = np.maximum(max_prefix + deliv[i], load_end + pick[i])
                    load_end = load_end + pick[i]
                    continue
            # Nothing fits: unload at the park and go out again if the shift allows it.
            if trips >= v.max_trips or not seq or seq[-1][0] == RELOAD or not cand.any():
                break
            r = v.reload_at
            t2 = t + int(dur[here, r]) + v.reload_s
            if t2 + int(dur[r, end]) > v.shift.end:
                break
            seq.append((RELOAD, None))
            total += int(dist[here, r])
            t, here, trips = t2, r, trips + 1
            load_end = np.zeros(dims, dtype=np.int64)
            max_prefix = np.zeros(dims, dtype=np.int64)
        while seq and seq[-1][0] == RELOAD:
            seq.pop()
        if seq and not simulate(problem, v, seq).feasible:  # safety net; should not happen
            for kind, i in seq:
                if kind == JOB:
                    unserved[i] = True
            seq = []
        routes[j] = seq
    return routes
