"""Independent feasibility checker for routing solutions (does not use the solver's code)."""

from __future__ import annotations

VISITS = ("job", "pickup", "delivery")
KNOWN_REASONS = {
    "skill_missing",
    "capacity_exceeded",
    "window_unreachable",
    "out_of_range",
    "day_full",
}


def _pad(v, n):
    return list(v) + [0] * (n - len(v))


def _preload(stops, trip, dims):
    """Deliveries of plain jobs are loaded at the park; shipment goods are picked up."""
    return [
        sum(
            _pad(stops[s.stop_id].delivery, dims)[k] for s in trip if stops[s.stop_id].kind == "job"
        )
        for k in range(dims)
    ]


def check(problem, solution, *, require_all: bool = False) -> list[str]:
    """Return a list of violations (empty = feasible and consistent)."""
    err: list[str] = []
    stops = {s.id: s for s in problem.stops}
    vehicles = {v.id: v for v in problem.vehicles}
    dist, dur = problem.matrices.distance, problem.matrices.duration
    dims = max(
        [len(v.capacity) for v in problem.vehicles]
        + [len(s.pickup) for s in problem.stops]
        + [len(s.delivery) for s in problem.stops]
        + [0]
    )
    served: list = []
    ship_pos: dict = {}
    used_vehicles = set()
    for r in solution.routes:
        v = vehicles.get(r.vehicle_id)
        if v is None:
            err.append(f"unknown vehicle {r.vehicle_id}")
            continue
        if r.vehicle_id in used_vehicles:
            err.append(f"vehicle {v.id} has two routes")
        used_vehicles.add(v.id)
        cap = _pad(v.capacity, dims) if v.capacity else [float("inf")] * dims
        steps = list(r.steps)
        if steps[0].type != "start" or steps[-1].type != "end":
            err.append(f"{v.id}: route must go start ... end")
            continue
        end_loc = v.start if v.end is None else v.end
        reload_loc = end_loc if v.reload_location is None else v.reload_location
        if steps[0].location != v.start or steps[-1].location != end_loc:
            err.append(f"{v.id}: wrong start/end location")
        if steps[0].departure < v.shift.start:
            err.append(f"{v.id}: departs {steps[0].departure} before shift {v.shift.start}")
        # split into trips
        trips: list[list] = [[]]
        for st in steps[1:-1]:
            if st.type == "reload":
                if st.location != reload_loc:
                    err.append(f"{v.id}: reload at {st.location}, expected {reload_loc}")
                trips.append([])
            elif st.type in VISITS:
                trips[-1].append(st)
            else:
                err.append(f"{v.id}: unexpected step type {st.type}")
        if len(trips) > max(v.max_trips, 1):
            err.append(f"{v.id}: {len(trips)} trips > max_trips {v.max_trips}")
        t = steps[0].departure
        loc = v.start
        total = 0
        trip_no = 0
        load = _preload(stops, trips[0], dims)
        for st in steps[1:]:
            total += int(dist[loc, st.location])
            arrival = t + int(dur[loc, st.location])
            if st.arrival < arrival:
                err.append(f"{v.id}: arrives at {st.location} at {st.arrival} < {arrival}")
            arrival = max(arrival, st.arrival)
            if st.type in VISITS:
                s = stops.get(st.stop_id)
                if s is None:
                    err.append(f"{v.id}: unknown stop {st.stop_id}")
                    continue
                served.append(s.id)
                if st.type != s.kind:
                    err.append(f"{v.id}: stop {s.id} reported as {st.type}, is {s.kind}")
                if s.shipment is not None:
                    ship_pos[(s.shipment, s.kind)] = (v.id, trip_no, len(served))
                if st.location != s.location:
                    err.append(f"{v.id}: stop {s.id} at wrong location")
                begin = st.service_start
                if begin < arrival:
                    err.append(f"{v.id}: stop {s.id} service before arrival")
                if s.time_windows and not any(w.start <= begin <= w.end for w in s.time_windows):
                    err.append(f"{v.id}: stop {s.id} served at {begin} outside windows")
                if not set(s.skills) <= set(v.skills):
                    err.append(f"{v.id}: lacks skills {set(s.skills) - set(v.skills)}")
                setup = 0 if loc == s.location else getattr(s, "setup_s", 0)  # once per site
                t = begin + setup + s.service_s
                for k in range(dims):
                    load[k] += _pad(s.pickup, dims)[k] - _pad(s.delivery, dims)[k]
            elif st.type == "reload":
                trip_no += 1
                t = arrival + v.reload_s
                load = _preload(stops, trips[trip_no], dims)
            else:
                t = arrival
            for k in range(dims):
                if not 0 <= load[k] <= cap[k]:
                    err.append(f"{v.id}: load {load[k]} outside [0, {cap[k]}] dim {k}")
            loc = st.location
        if t > v.shift.end:
            err.append(f"{v.id}: ends at {t} after shift end {v.shift.end}")
        if v.max_work_s is not None and t - steps[0].departure > v.max_work_s:
            err.append(f"{v.id}: works {t - steps[0].departure} s > {v.max_work_s}")
        if v.max_distance_m is not None and total > v.max_distance_m:
            err.append(f"{v.id}: drives {total} m > {v.max_distance_m}")
        if total != r.distance:
            err.append(f"{v.id}: reported distance {r.distance} != recomputed {total}")
    for (key, kind), (veh, trip, pos) in ship_pos.items():
        if kind != "pickup":
            continue
        other = ship_pos.get((key, "delivery"))
        if other is None or other[0] != veh or other[1] != trip or other[2] < pos:
            err.append(f"shipment {key}: delivery not after pickup on the same truck and trip")
    for key, kind in ship_pos:
        if kind == "delivery" and (key, "pickup") not in ship_pos:
            err.append(f"shipment {key}: delivered but never picked up")
    if len(served) != len(set(served)):
        err.append("a stop is served twice")
    missing = {u.stop_id for u in solution.unassigned}
    if missing & set(served):
        err.append("a stop is both served and unassigned")
    if missing | set(served) != set(stops):
        err.append("served + unassigned != all stops")
    for u in solution.unassigned:
        if u.reason not in KNOWN_REASONS or not u.message:
            err.append(f"unassigned {u.stop_id}: bad reason {u.reason!r}")
    if require_all and missing:
        err.append(f"unassigned: {sorted(map(str, missing))}")
    return err
