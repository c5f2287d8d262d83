"""Forward simulation of a route: arrivals, waiting, loads per trip and violations."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from .model import Problem, Step, Stop, Vehicle
from .violations import LOAD_AT_RELOAD, LOAD_AT_START, LOAD_AT_STOP, violation

JOB = "job"
RELOAD = "reload"


def amounts(values: tuple[int, ...], dims: int) -> tuple[int, ...]:
    """Pad an amount vector with zeros to `dims` entries."""
    return tuple(values) + (0,) * (dims - len(values))


def capacity_of(vehicle: Vehicle, dims: int) -> tuple[float, ...]:
    """Vehicle capacity per dimension; an empty capacity means unlimited."""
    if not vehicle.capacity:
        return (float("inf"),) * dims
    return amounts(vehicle.capacity, dims)


def setup_at(stop: Stop, came_from: int) -> int:
    """The stop's setup time when the truck comes from `came_from` (none from its own site)."""
    return 0 if came_from == stop.location else stop.setup_s


def shared_places(problem: Problem) -> set[int]:
    """Locations where a stop's setup may go unpaid: several stops there, or a truck's start,
    end or unloading place."""
    seen: set[int] = set()
    shared: set[int] = set()
    for s in problem.stops:
        (shared if s.location in seen else seen).add(s.location)
    for v in problem.vehicles:
        shared |= {v.start, v.end_location, v.reload_at}
    return shared


def windows_after_setup(stop: Stop, shared: bool = True) -> list[tuple[int, int]]:
    """Windows for the start of service when the setup is reckoned on the way in (the
    engines' view). Alone at its place, the stop always pays its setup: each window moves
    by it, exactly. At a shared place only the opening moves (cautious: service within them
    starts work within the stop's own windows whether the setup was paid or not)."""
    out: list[tuple[int, int]] = []
    for w in sorted(stop.time_windows, key=lambda w: w.start):
        start = w.start + stop.setup_s
        end = max(w.end, start) if shared else w.end + stop.setup_s
        if out and start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def service_start(stop: Stop, arrival: int) -> int | None:
    """Earliest service start at or after `arrival` inside one of the stop's windows."""
    if not stop.time_windows:
        return arrival
    for tw in sorted(stop.time_windows, key=lambda w: w.start):
        if arrival <= tw.end:
            return max(arrival, tw.start)
    return None


@dataclass
class Simulation:
    """Outcome of simulating one route."""

    steps: list[Step]
    violations: list[str]
    distance: int
    end_time: int
    trips: int

    @property
    def travel_s(self) -> int:
        """Seconds on the road: each arrival less the departure before it."""
        return sum(b.arrival - a.departure for a, b in pairwise(self.steps))

    @property
    def task_s(self) -> int:
        """Seconds of setup, service and reloading."""
        return sum(st.departure - st.service_start for st in self.steps)

    def _feasible(self) -> bool:
        """True when no constraint is violated."""
        return not self.violations

    # Not @property: mutmut (make mutate) skips decorated functions, and reaches this one.
    feasible = property(_feasible)


def simulate(
    problem: Problem, vehicle: Vehicle, seq: list, depart: int | None = None, *, any_wait=False
):
    """Simulate `seq` (list of (JOB, stop_index) / (RELOAD, None)) for `vehicle`.

    Without `depart`, the truck leaves as late as possible without arriving back later,
    so that waiting at the first stops does not count against the maximum working time
    (the OR-Tools model leaves as late as it can too). With
    `any_wait`, waiting anywhere on the route (not only at the first stop) is taken out
    that way: routes edited by hand then leave when a driver would.
    """
    first = _run(problem, vehicle, seq, vehicle.shift.start if depart is None else depart)
    if depart is not None or not seq or not first.steps[1:-1]:
        return first
    waits = first.steps[1:-1] if any_wait else first.steps[1:2]
    if first.feasible and not any(st.waiting_s for st in waits):
        return first  # no waiting: leaving later only arrives later
    if any("window" in v for v in first.violations):
        return first
    lo, hi = vehicle.shift.start, vehicle.shift.end
    while lo < hi:  # latest departure that keeps the same return time
        mid = (lo + hi + 1) // 2
        trial = _run(problem, vehicle, seq, mid)
        if trial.end_time == first.end_time and not any("window" in v for v in trial.violations):
            lo = mid
        else:
            hi = mid - 1
    return first if lo == vehicle.shift.start else _run(problem, vehicle, seq, lo)


def _run(problem: Problem, vehicle: Vehicle, seq: list, depart: int) -> Simulation:
    dims = problem.dims
    dist = problem.matrices.distance
    dur = problem.matrices.duration
    cap = capacity_of(vehicle, dims)
    stops = problem.stops
    t = depart
    violations: list[str] = []
    # Split into trips to know the deliveries loaded at each departure from the park.
    trips: list[list[int]] = [[]]
    for kind, idx in seq:
        if kind == RELOAD:
            trips.append([])
        else:
            trips[-1].append(idx)
    if len(trips) > max(vehicle.max_trips, 1):
        violations.append(violation("trips", n=len(trips), max=vehicle.max_trips))

    def trip_load(members):
        tot = [0] * dims
        for i in members:
            if stops[i].kind != "job":  # shipment goods are picked up on the way
                continue
            for k, a in enumerate(amounts(stops[i].delivery, dims)):
                tot[k] += a
        return tot

    load = trip_load(trips[0])
    loc = vehicle.start
    total = 0
    steps = [Step("start", loc, t, t, t, tuple(load), 0, None, 0)]
    trip = 0

    def check_load(where):
        for k in range(dims):
            if load[k] < 0 or load[k] > cap[k]:
                violations.append(violation("load", x=load[k], cap=cap[k], where=where))

    check_load(LOAD_AT_START)
    for kind, idx in seq:
        if kind == RELOAD:
            nxt = vehicle.reload_at
            total += int(dist[loc, nxt])
            arr = t + int(dur[loc, nxt])
            trip += 1
            load = trip_load(trips[trip])
            dep = arr + vehicle.reload_s
            steps.append(Step(RELOAD, nxt, arr, arr, dep, tuple(load), total, None, trip))
            check_load(LOAD_AT_RELOAD.format(trip=trip))
        else:
            s = stops[idx]
            nxt = s.location
            total += int(dist[loc, nxt])
            arr = t + int(dur[loc, nxt])
            st = service_start(s, arr)
            if st is None:
                violations.append(violation("window", stop=s.id, t=arr))
                st = arr
            setup = setup_at(s, loc)
            dep = st + setup + s.service_s
            pk, dl = amounts(s.pickup, dims), amounts(s.delivery, dims)
            load = [load[k] + pk[k] - dl[k] for k in range(dims)]
            steps.append(Step(s.kind, nxt, arr, st, dep, tuple(load), total, s.id, trip, setup))
            check_load(LOAD_AT_STOP.format(stop=s.id))
            if not s.skills <= vehicle.skills:
                violations.append(violation("skills", stop=s.id, skills=sorted(map(str, s.skills))))
        loc, t = nxt, dep
    violations.extend(_pair_violations(problem, seq))
    end = vehicle.end_location
    total += int(dist[loc, end])
    arr = t + int(dur[loc, end])
    steps.append(Step("end", end, arr, arr, arr, tuple(load), total, None, trip))
    if arr > vehicle.shift.end:
        violations.append(violation("shift", t=arr, end=vehicle.shift.end))
    if vehicle.max_work_s is not None and seq and arr - steps[0].departure > vehicle.max_work_s:
        violations.append(violation("work", w=arr - steps[0].departure, max=vehicle.max_work_s))
    if vehicle.max_distance_m is not None and total > vehicle.max_distance_m:
        violations.append(violation("distance", d=total, max=vehicle.max_distance_m))
    return Simulation(steps, violations, total, arr, trip + 1)


def _pair_violations(problem: Problem, seq: list) -> list[str]:
    """A shipment's pickup and delivery: both on the route, in order, in the same trip."""
    where: dict = {}
    trip = 0
    for pos, (kind, idx) in enumerate(seq):
        if kind == RELOAD:
            trip += 1
            continue
        s = problem.stops[idx]
        if s.shipment is not None:
            where[(s.shipment, s.kind)] = (pos, trip)
    out = []
    for key, kind in list(where):
        other = (key, "delivery" if kind == "pickup" else "pickup")
        if other not in where:
            out.append(violation("unpaired", shipment=key, kind=kind, other=other[1]))
        elif kind == "pickup":
            (p_pos, p_trip), (d_pos, d_trip) = where[(key, kind)], where[other]
            if p_pos > d_pos or p_trip != d_trip:
                out.append(violation("pair_order", shipment=key))
    return out
