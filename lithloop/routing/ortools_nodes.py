"""The nodes of an OR-Tools routing model: route ends, stops, loading nodes of deliveries and
reload slots, each mapped back to its location and stop."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .model import Problem

MAX_RELOADS_PER_VEHICLE = 6


@dataclass
class NodeMap:
    """Maps OR-Tools nodes to locations, stops and reload slots."""

    location: list[int] = field(default_factory=list)
    stop: list[int | None] = field(default_factory=list)  # stop index or None
    reload_vehicle: list[int | None] = field(default_factory=list)
    service: list[int] = field(default_factory=list)
    setup: list[int] = field(default_factory=list)  # paid when arriving from elsewhere
    loads_for: list[int | None] = field(default_factory=list)  # loading node of a delivery
    stop_node: dict[int, int] = field(default_factory=dict)
    load_node: dict[int, int] = field(default_factory=dict)
    reload_nodes: dict[int, list[int]] = field(default_factory=dict)

    def add(
        self, loc: int, stop=None, reload_vehicle=None, service=0, loads_for=None, setup=0
    ) -> int:
        """Append a node and return its number."""
        self.location.append(loc)
        self.stop.append(stop)
        self.reload_vehicle.append(reload_vehicle)
        self.service.append(service)
        self.setup.append(setup)
        self.loads_for.append(loads_for)
        return len(self.location) - 1

    def task_arcs(self) -> np.ndarray:
        """Seconds of work on each arc besides travel: the service at its origin, and the
        setup at its destination when the arc comes from another place (as the schedule
        pays it: once per arrival, not when the truck is there already)."""
        loc = np.asarray(self.location, dtype=np.int64)
        setup = np.asarray(self.setup, dtype=np.int64)
        moves = loc[:, None] != loc[None, :]
        return np.asarray(self.service, dtype=np.int64)[:, None] + setup[None, :] * moves


def park_location(problem: Problem) -> int:
    """The park: where most trucks unload (deliveries are loaded there too)."""
    locs = [v.reload_at for v in problem.vehicles]
    return max(set(locs), key=locs.count)


def build_nodes(problem: Problem, allowed) -> tuple[NodeMap, list[int], list[int]]:
    """Route ends, one node per servable stop, loading nodes of deliveries, reload slots."""
    vehicles, stops = problem.vehicles, problem.stops
    nodes = NodeMap()
    term: dict[int, int] = {}
    for v in vehicles:
        for loc in (v.start, v.end_location):
            if loc not in term:
                term[loc] = nodes.add(loc)
    park = park_location(problem)
    for i, s in enumerate(stops):
        if allowed[i]:
            nodes.stop_node[i] = nodes.add(s.location, stop=i, service=s.service_s, setup=s.setup_s)
    for i, s in enumerate(stops):
        if allowed[i] and any(s.delivery) and s.kind == "job":
            nodes.load_node[i] = nodes.add(park, loads_for=i)
    for j, v in enumerate(vehicles):
        k = min(max(v.max_trips, 1) - 1, MAX_RELOADS_PER_VEHICLE)
        nodes.reload_nodes[j] = [
            nodes.add(v.reload_at, reload_vehicle=j, service=v.reload_s) for _ in range(k)
        ]
    starts = [term[v.start] for v in vehicles]
    ends = [term[v.end_location] for v in vehicles]
    return nodes, starts, ends
