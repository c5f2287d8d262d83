"""Plain frozen dataclasses describing a routing problem and its solution.

Units: distances in metres, durations and times in seconds, masses in kg.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

DAY_S = 86_400
VISIT_TYPES = ("job", "pickup", "delivery")


@dataclass(frozen=True)
class TimeWindow:
    """Closed interval [start, end] in seconds during which service may start."""

    start: int
    end: int


@dataclass(frozen=True)
class Vehicle:
    """A truck: capacities, skills, shift, limits, costs and multi-trip settings."""

    id: int | str
    start: int = 0  # location index where the shift starts (default: the park)
    end: int | None = None  # location index where the shift ends (None = start)
    capacity: tuple[int, ...] = ()  # per dimension, e.g. (kg, pallet places)
    skills: frozenset = frozenset()
    shift: TimeWindow = TimeWindow(0, DAY_S)
    max_work_s: int | None = None  # max working time (route span)
    max_distance_m: int | None = None
    fixed_cost: float = 0.0  # per used truck
    cost_per_km: float = 1.0
    # per hour of travel, and per hour of service and reloading (VROOM's per_hour and
    # per_task_hour); waiting for a window costs nothing
    cost_per_hour: float = 0.0
    cost_per_task_hour: float = 0.0
    max_trips: int = 1  # > 1: may unload at reload_location and go out again
    reload_location: int | None = None  # None = end location
    reload_s: int = 0  # unload / reload time at the park between trips

    @property
    def end_location(self) -> int:
        """Location where the route ends."""
        return self.start if self.end is None else self.end

    @property
    def reload_at(self) -> int:
        """Location where the truck unloads between trips."""
        return self.end_location if self.reload_location is None else self.reload_location


@dataclass(frozen=True)
class Stop:
    """A dealer visit: pickup and/or delivery amounts, service, windows, skills, priority."""

    id: int | str
    location: int
    pickup: tuple[int, ...] = ()
    delivery: tuple[int, ...] = ()
    service_s: int = 0
    # once per arrival from another place (parking, papers): stops at one site share it
    setup_s: int = 0
    time_windows: tuple[TimeWindow, ...] = ()  # empty = any time
    skills: frozenset = frozenset()
    priority: int = 0  # 0..100, higher is served first when the day is full
    optional: bool = False  # may be left for another day at `penalty`
    penalty: float = 0.0  # cost of leaving an optional stop unserved
    kind: str = "job"  # job | pickup | delivery (the two ends of a shipment)
    shipment: int | str | None = None  # shared key of a shipment's pickup and delivery


@dataclass(frozen=True, eq=False)
class Matrices:
    """Square integer matrices over locations: distance (m) and duration (s)."""

    distance: np.ndarray
    duration: np.ndarray

    @property
    def size(self) -> int:
        """Number of locations."""
        return int(self.distance.shape[0])


@dataclass(frozen=True)
class InitialRoute:
    """A hint: the stops a vehicle should visit, in order (used as a warm start)."""

    vehicle_id: int | str
    stop_ids: tuple = ()


@dataclass(frozen=True, eq=False)
class Problem:
    """Vehicles, stops and travel matrices; `dims` is the number of capacity units."""

    vehicles: tuple[Vehicle, ...]
    stops: tuple[Stop, ...]
    matrices: Matrices
    initial_routes: tuple[InitialRoute, ...] = ()
    coordinates: tuple[tuple[float, float], ...] = ()  # (lon, lat) per location, optional
    notes: tuple[str, ...] = ()  # e.g. "OSRM unavailable, used haversine"

    def shipment_pairs(self) -> dict:
        """Shipment key -> (pickup stop index, delivery stop index)."""
        ends: dict = {}
        for i, s in enumerate(self.stops):
            if s.shipment is not None:
                ends.setdefault(s.shipment, [None, None])[s.kind == "delivery"] = i
        return {k: (a, b) for k, (a, b) in ends.items()}

    @cached_property
    def dims(self) -> int:
        """Number of capacity dimensions used by vehicles and stops (counted once: the
        simulation asks for it on every route it checks)."""
        lens = [len(v.capacity) for v in self.vehicles]
        lens += [len(s.pickup) for s in self.stops] + [len(s.delivery) for s in self.stops]
        return max(lens, default=0)


# Stable reason codes for unassigned stops.
REASON_SKILL = "skill_missing"
REASON_CAPACITY = "capacity_exceeded"
REASON_WINDOW = "window_unreachable"
REASON_RANGE = "out_of_range"
REASON_DAY_FULL = "day_full"

REASON_TEXT = {
    REASON_SKILL: "No truck has the required skill(s) {detail}.",
    REASON_CAPACITY: "The amount {detail} exceeds the capacity of every suitable truck.",
    REASON_WINDOW: "No suitable truck can reach the stop inside its time window(s) {detail} "
    "and return within its shift.",
    REASON_RANGE: "The round trip from the park ({detail}) exceeds every suitable truck's "
    "maximum distance or working time.",
    REASON_DAY_FULL: "Dropped because the day is full (capacity or time): plan it for "
    "another day or add a truck.",
}


@dataclass(frozen=True)
class Unassigned:
    """A stop left out of the plan, with a stable reason code and a sentence."""

    stop_id: int | str
    location: int
    reason: str
    message: str
    kind: str = "job"


@dataclass(frozen=True)
class Step:
    """One step of a route; `load` is the load after the step, `distance` is cumulative."""

    type: str  # start | job | reload | end
    location: int
    arrival: int
    service_start: int
    departure: int
    load: tuple[int, ...]
    distance: int
    stop_id: int | str | None = None
    trip: int = 0
    setup: int = 0  # seconds of setup within service_start..departure (arrived from elsewhere)

    @property
    def waiting_s(self) -> int:
        """Waiting time before service starts."""
        return self.service_start - self.arrival


@dataclass(frozen=True)
class Route:
    """A vehicle's day: ordered steps and totals."""

    vehicle_id: int | str
    steps: tuple[Step, ...]
    distance: int
    duration: int
    service: int
    waiting: int
    cost: float
    trips: int

    @property
    def stop_ids(self) -> list:
        """Ids of the stops served, in order."""
        return [s.stop_id for s in self.steps if s.type in VISIT_TYPES]


STATUS_SOLVED = "solved"  # every stop served
STATUS_PARTIAL = "partial"  # some stops unassigned (each with a reason)
STATUS_NO_ROUTE = "no_route"  # nothing could be planned


@dataclass(frozen=True)
class Solution:
    """Result of `solve`: routes, unassigned stops with reasons and totals."""

    status: str
    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    cost: float
    distance: int
    duration: int
    wall_s: float
    engine: str = "ortools"
    notes: tuple[str, ...] = field(default_factory=tuple)
    coordinates: tuple[tuple[float, float], ...] = ()  # copied from the problem

    def check(self, problem: Problem) -> list[str]:
        """Violations against `problem` (empty when sound): stops at most once and all
        accounted for, loads, windows, skills, shifts, working time, distance, trips."""
        from .verify import check_solution

        return check_solution(problem, self)

    def summary(self) -> dict:
        """Served and left-out counts (by reason), routes, km, hours, cost, engine."""
        from .verify import summarise

        return summarise(self)
