"""Build an OR-Tools routing model from a Problem using only precomputed integer matrices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp

from .model import Problem
from .schedule import amounts, shared_places, windows_after_setup

COST_SCALE = 1000  # internal cost unit = 1/1000 of a currency unit
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


@dataclass
class BuiltModel:
    """The OR-Tools objects plus the maps needed to read a solution back."""

    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    nodes: NodeMap
    time_dim: Any
    load_dims: list
    big_penalty: int


def park_location(problem: Problem) -> int:
    """The park: where most trucks unload (deliveries are loaded there too)."""
    locs = [v.reload_at for v in problem.vehicles]
    return max(set(locs), key=locs.count)


def arc_cost_matrix(d_nodes, t_nodes, task, per_km, per_hour, per_task_hour) -> list:
    """Integer arc costs in internal cost units: the arc's km and hours of travel, and the
    work at its origin (`task`, per arc; waiting, which the arcs do not see, costs nothing)."""
    per_s = COST_SCALE / 3600
    cost = d_nodes * per_km + t_nodes * (per_hour * per_s) + task * (per_task_hour * per_s)
    return np.rint(cost).astype(np.int64).tolist()


def build(problem: Problem, allowed: list[list[int]]) -> BuiltModel:
    """Create the routing model; stops with no allowed vehicle are left out entirely.

    One function per part of the model: nodes, arc costs, time (shifts, spans, windows),
    distance, loads, trips, stops with their drop penalties, pairs, reload slots.
    """
    nodes, starts, ends = _nodes(problem, allowed)
    manager = pywrapcp.RoutingIndexManager(len(nodes.location), len(problem.vehicles), starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    loc = np.asarray(nodes.location, dtype=np.int64)
    d_nodes = problem.matrices.distance[np.ix_(loc, loc)].astype(np.int64)
    t_nodes = problem.matrices.duration[np.ix_(loc, loc)].astype(np.int64)
    max_arc = _add_arc_costs(problem, routing, nodes, d_nodes, t_nodes)
    time_dim, max_coef, horizon = _add_time(problem, routing, nodes, t_nodes)
    _add_windows(problem, routing, manager, nodes, time_dim)
    _add_distance(problem, routing, d_nodes)
    load_dims = _add_loads(problem, routing, manager, nodes, problem.dims)
    pairs = [
        (nodes.stop_node[p], nodes.stop_node[d])
        for p, d in problem.shipment_pairs().values()
        if p in nodes.stop_node and d in nodes.stop_node
    ]
    trip_dim = _add_trips(routing, nodes, pairs)
    big = drop_penalty_unit(problem, max_arc, max_coef, horizon)
    _add_stops(problem, allowed, routing, manager, nodes, big, trip_dim)
    _add_pairs(routing, manager, pairs, trip_dim)
    _add_reload_slots(routing, manager, nodes)
    return BuiltModel(manager, routing, nodes, time_dim, load_dims, big)


def _nodes(problem: Problem, allowed) -> tuple[NodeMap, list[int], list[int]]:
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


def _add_arc_costs(problem: Problem, routing, nodes: NodeMap, d_nodes, t_nodes) -> int:
    """Arc costs (one registered matrix per set of prices: km, travel hours, service hours)
    and fixed costs; the dearest arc."""
    max_arc = 1
    by_price: dict[tuple, int] = {}
    task = nodes.task_arcs()
    for j, v in enumerate(problem.vehicles):
        price = (v.cost_per_km, v.cost_per_hour, v.cost_per_task_hour)
        if price not in by_price:
            mat = arc_cost_matrix(d_nodes, t_nodes, task, *price)
            max_arc = max(max_arc, max((max(r) for r in mat), default=0))
            by_price[price] = routing.RegisterTransitMatrix(mat)
        routing.SetArcCostEvaluatorOfVehicle(by_price[price], j)
        if v.fixed_cost:
            routing.SetFixedCostOfVehicle(int(round(v.fixed_cost * COST_SCALE)), j)
    return max_arc


def _add_time(problem: Problem, routing, nodes: NodeMap, t_nodes: np.ndarray):
    """Time: work at the origin node + travel; shifts and work limits (hours are priced
    on the arcs, see `_add_arc_costs`).

    Returns (dimension, largest per-second cost of travel, horizon)."""
    vehicles = problem.vehicles
    horizon = max(v.shift.end for v in vehicles)
    t_arr = t_nodes + nodes.task_arcs()
    if nodes.load_node:  # deliveries are loaded at the start of a trip, never mid-trip
        stop_rows = np.asarray(list(nodes.stop_node.values()), dtype=np.int64)
        load_cols = np.asarray(list(nodes.load_node.values()), dtype=np.int64)
        t_arr[np.ix_(stop_rows, load_cols)] = horizon + 1
    t_cb = routing.RegisterTransitMatrix(t_arr.tolist())
    routing.AddDimension(t_cb, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    max_coef = 0
    for j, v in enumerate(vehicles):
        time_dim.CumulVar(routing.Start(j)).SetRange(v.shift.start, v.shift.end)
        time_dim.CumulVar(routing.End(j)).SetRange(v.shift.start, v.shift.end)
        coef = int(round(max(v.cost_per_hour, v.cost_per_task_hour) * COST_SCALE / 3600))
        max_coef = max(max_coef, coef)
        if v.max_work_s is not None:
            time_dim.SetSpanUpperBoundForVehicle(int(v.max_work_s), j)
    for j in range(len(vehicles)):
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(j)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(j)))
    return time_dim, max_coef, horizon


def _add_windows(problem: Problem, routing, manager, nodes: NodeMap, time_dim) -> None:
    """Each stop's time windows on its service start after the setup (gaps removed)."""
    shared = shared_places(problem)
    for i, n in nodes.stop_node.items():
        var = time_dim.CumulVar(manager.NodeToIndex(n))
        stop = problem.stops[i]
        wins = windows_after_setup(stop, stop.location in shared)
        wins = [w for w in wins if w[0] <= var.Max()]
        if not wins and problem.stops[i].time_windows:
            # past the horizon once the setup is paid: only a truck there already could
            # serve it; cautious, OR-Tools leaves it to the others
            routing.ActiveVar(manager.NodeToIndex(n)).SetValue(0)
        if not wins:
            continue
        var.SetRange(wins[0][0], max(end for _, end in wins))
        for (_, a_end), (b_start, _) in zip(wins, wins[1:], strict=False):
            if b_start - a_end > 1:
                var.RemoveInterval(a_end + 1, b_start - 1)


def _add_distance(problem: Problem, routing, d_nodes: np.ndarray) -> None:
    """A distance dimension when some truck has a maximum distance."""
    vehicles = problem.vehicles
    if all(v.max_distance_m is None for v in vehicles):
        return
    d_cb = routing.RegisterTransitMatrix(d_nodes.tolist())
    limit = int(d_nodes.max()) * (len(d_nodes) + 1)
    caps = [int(v.max_distance_m) if v.max_distance_m is not None else limit for v in vehicles]
    routing.AddDimensionWithVehicleCapacity(d_cb, 0, caps, True, "distance")


def _add_trips(routing, nodes: NodeMap, pairs: list) -> object | None:
    """A trip counter (each reload slot adds one) when deliveries or pairs must stay in a trip."""
    if not (nodes.load_node or pairs) or not any(nodes.reload_nodes.values()):
        return None
    trips = [1 if r is not None else 0 for r in nodes.reload_vehicle]
    cb = routing.RegisterUnaryTransitVector(trips)
    routing.AddDimension(cb, 0, MAX_RELOADS_PER_VEHICLE + 1, True, "trip")
    return routing.GetDimensionOrDie("trip")


def drop_penalty_unit(problem: Problem, max_arc: int, max_coef: int, horizon: int) -> int:
    """Dropping a required stop costs more than any way of serving it: ten times the
    dearest solo trip (two dearest arcs, a whole horizon of hours, the dearest truck)."""
    max_fixed = int(max(v.fixed_cost for v in problem.vehicles) * COST_SCALE)
    return 10 * (2 * max_arc + max_coef * horizon + max_fixed) + 10_000


def _add_stops(problem, allowed, routing, manager, nodes: NodeMap, big: int, trip_dim) -> None:
    """Allowed trucks and drop penalties of stops; a delivery's loading node and its stop."""
    nv = len(problem.vehicles)
    for i, n in nodes.stop_node.items():
        s = problem.stops[i]
        idx = manager.NodeToIndex(n)
        if len(allowed[i]) < nv:
            routing.VehicleVar(idx).SetValues([-1, *allowed[i]])
        if s.optional:
            pen = min(int(round(s.penalty * COST_SCALE * (1 + s.priority / 100))), big)
        else:
            pen = big * (100 + max(s.priority, 0)) // 100
        routing.AddDisjunction([idx], pen)
        if i in nodes.load_node:
            lidx = manager.NodeToIndex(nodes.load_node[i])
            if len(allowed[i]) < nv:
                routing.VehicleVar(lidx).SetValues([-1, *allowed[i]])
            routing.AddDisjunction([lidx], 0)
            routing.AddPickupAndDelivery(lidx, idx)
            if trip_dim is not None:  # loaded in the same trip as it is delivered
                routing.solver().Add(trip_dim.CumulVar(lidx) == trip_dim.CumulVar(idx))


def _add_pairs(routing, manager, pairs: list, trip_dim) -> None:
    """Shipments: same truck, same trip, pickup first."""
    for p_node, d_node in pairs:
        p_idx, d_idx = manager.NodeToIndex(p_node), manager.NodeToIndex(d_node)
        routing.AddPickupAndDelivery(p_idx, d_idx)
        if trip_dim is not None:
            routing.solver().Add(trip_dim.CumulVar(p_idx) == trip_dim.CumulVar(d_idx))


def _add_reload_slots(routing, manager, nodes: NodeMap) -> None:
    """Each reload slot belongs to its truck and may stay unused at no cost."""
    for j, rel in nodes.reload_nodes.items():
        for n in rel:
            idx = manager.NodeToIndex(n)
            routing.VehicleVar(idx).SetValues([-1, j])
            routing.AddDisjunction([idx], 0)


def _add_loads(problem, routing, manager, nodes: NodeMap, dims: int) -> list:
    """One dimension per capacity unit, starting empty; loading nodes add deliveries.

    A reload node unloads (demand -max capacity, free slack up to 2x): the load after
    it may be anything >= 0. Since each delivery is loaded in the same trip as it is
    dropped (trip dimension), the load never under-estimates what is on board.
    """
    vehicles, stops = problem.vehicles, problem.stops
    out = []
    has_reload = any(nodes.reload_nodes.values())
    for k in range(dims):
        total = sum(amounts(s.pickup, dims)[k] + amounts(s.delivery, dims)[k] for s in stops)
        caps = [int(v.capacity[k]) if len(v.capacity) > k else total + 1 for v in vehicles]
        big_cap = max(caps)
        demand = []
        for n in range(len(nodes.location)):
            i, li = nodes.stop[n], nodes.loads_for[n]
            if i is not None:
                s = stops[i]
                demand.append(amounts(s.pickup, dims)[k] - amounts(s.delivery, dims)[k])
            elif li is not None:
                demand.append(amounts(stops[li].delivery, dims)[k])
            elif nodes.reload_vehicle[n] is not None:
                demand.append(-big_cap)
            else:
                demand.append(0)
        cb = routing.RegisterUnaryTransitVector(demand)
        slack = 2 * big_cap if has_reload else 0
        name = f"load{k}"
        routing.AddDimensionWithVehicleCapacity(cb, slack, caps, True, name)
        dim = routing.GetDimensionOrDie(name)
        if has_reload:
            for idx in range(routing.Size()):
                if nodes.reload_vehicle[manager.IndexToNode(idx)] is None:
                    dim.SlackVar(idx).SetValue(0)
        out.append(dim)
    return out
