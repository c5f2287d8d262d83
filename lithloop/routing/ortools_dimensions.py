"""The dimensions of an OR-Tools routing model, one function each: time (shifts, work limits,
windows), distance, trips and loads; all from precomputed integer matrices and vectors."""

from __future__ import annotations

import numpy as np

from .model import Problem
from .ortools_costs import COST_SCALE
from .ortools_nodes import MAX_RELOADS_PER_VEHICLE, NodeMap
from .schedule import amounts, shared_places, windows_after_setup


def add_time(problem: Problem, routing, nodes: NodeMap, t_nodes: np.ndarray):
    """Time: work at the origin node + travel; shifts and work limits (hours are priced
    on the arcs, see `ortools_costs.add_arc_costs`).

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


def add_windows(problem: Problem, routing, manager, nodes: NodeMap, time_dim) -> None:
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


def add_distance(problem: Problem, routing, d_nodes: np.ndarray) -> None:
    """A distance dimension when some truck has a maximum distance."""
    vehicles = problem.vehicles
    if all(v.max_distance_m is None for v in vehicles):
        return
    d_cb = routing.RegisterTransitMatrix(d_nodes.tolist())
    limit = int(d_nodes.max()) * (len(d_nodes) + 1)
    caps = [int(v.max_distance_m) if v.max_distance_m is not None else limit for v in vehicles]
    routing.AddDimensionWithVehicleCapacity(d_cb, 0, caps, True, "distance")


def add_trips(routing, nodes: NodeMap, pairs: list) -> object | None:
    """A trip counter (each reload slot adds one) when deliveries or pairs must stay in a trip."""
    if not (nodes.load_node or pairs) or not any(nodes.reload_nodes.values()):
        return None
    trips = [1 if r is not None else 0 for r in nodes.reload_vehicle]
    cb = routing.RegisterUnaryTransitVector(trips)
    routing.AddDimension(cb, 0, MAX_RELOADS_PER_VEHICLE + 1, True, "trip")
    return routing.GetDimensionOrDie("trip")


def add_loads(problem, routing, manager, nodes: NodeMap, dims: int) -> list:
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
