"""Build an OR-Tools routing model from a Problem using only precomputed integer matrices.

The nodes are in `ortools_nodes`, the costs and drop penalties in `ortools_costs`, the
dimensions (time, distance, trips, loads) in `ortools_dimensions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp

from .model import Problem
from .ortools_costs import add_arc_costs, add_stops, drop_penalty_unit
from .ortools_dimensions import add_distance, add_loads, add_time, add_trips, add_windows
from .ortools_nodes import NodeMap, build_nodes


@dataclass
class BuiltModel:
    """The OR-Tools objects plus the maps needed to read a solution back."""

    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    nodes: NodeMap
    time_dim: Any
    load_dims: list
    big_penalty: int


def build(problem: Problem, allowed: list[list[int]]) -> BuiltModel:
    """Create the routing model; stops with no allowed vehicle are left out entirely.

    One function per part of the model: nodes, arc costs, time (shifts, spans, windows),
    distance, loads, trips, stops with their drop penalties, pairs, reload slots.
    """
    nodes, starts, ends = build_nodes(problem, allowed)
    manager = pywrapcp.RoutingIndexManager(len(nodes.location), len(problem.vehicles), starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    loc = np.asarray(nodes.location, dtype=np.int64)
    d_nodes = problem.matrices.distance[np.ix_(loc, loc)].astype(np.int64)
    t_nodes = problem.matrices.duration[np.ix_(loc, loc)].astype(np.int64)
    max_arc = add_arc_costs(problem, routing, nodes, d_nodes, t_nodes)
    time_dim, max_coef, horizon = add_time(problem, routing, nodes, t_nodes)
    add_windows(problem, routing, manager, nodes, time_dim)
    add_distance(problem, routing, d_nodes)
    load_dims = add_loads(problem, routing, manager, nodes, problem.dims)
    pairs = [
        (nodes.stop_node[p], nodes.stop_node[d])
        for p, d in problem.shipment_pairs().values()
        if p in nodes.stop_node and d in nodes.stop_node
    ]
    trip_dim = add_trips(routing, nodes, pairs)
    big = drop_penalty_unit(problem, max_arc, max_coef, horizon)
    add_stops(problem, allowed, routing, manager, nodes, big, trip_dim)
    _add_pairs(routing, manager, pairs, trip_dim)
    _add_reload_slots(routing, manager, nodes)
    return BuiltModel(manager, routing, nodes, time_dim, load_dims, big)


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
