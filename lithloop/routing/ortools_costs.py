"""What an OR-Tools routing model pays: arc costs per set of truck prices, fixed costs, and the
drop penalties of stops (a required stop costs more to drop than any way of serving it)."""

from __future__ import annotations

import numpy as np

from .model import Problem
from .ortools_nodes import NodeMap

COST_SCALE = 1000  # internal cost unit = 1/1000 of a currency unit


def arc_cost_matrix(d_nodes, t_nodes, task, per_km, per_hour, per_task_hour) -> list:
    """Integer arc costs in internal cost units: the arc's km and hours of travel, and the
    work at its origin (`task`, per arc; waiting, which the arcs do not see, costs nothing)."""
    per_s = COST_SCALE / 3600
    cost = d_nodes * per_km + t_nodes * (per_hour * per_s) + task * (per_task_hour * per_s)
    return np.rint(cost).astype(np.int64).tolist()


def add_arc_costs(problem: Problem, routing, nodes: NodeMap, d_nodes, t_nodes) -> int:
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


def drop_penalty_unit(problem: Problem, max_arc: int, max_coef: int, horizon: int) -> int:
    """Dropping a required stop costs more than any way of serving it: ten times the
    dearest solo trip (two dearest arcs, a whole horizon of hours, the dearest truck)."""
    max_fixed = int(max(v.fixed_cost for v in problem.vehicles) * COST_SCALE)
    return 10 * (2 * max_arc + max_coef * horizon + max_fixed) + 10_000


def add_stops(problem, allowed, routing, manager, nodes: NodeMap, big: int, trip_dim) -> None:
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
