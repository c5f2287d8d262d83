"""Run OR-Tools on a built model (optionally warm-started) and read the routes back."""

from __future__ import annotations

import time

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from .ortools_model import BuiltModel
from .plans import feasible_or_repaired
from .schedule import JOB, RELOAD

OFFER_EVERY_S = 0.5
FSS = routing_enums_pb2.FirstSolutionStrategy
LSM = routing_enums_pb2.LocalSearchMetaheuristic


def search_parameters(time_limit_s: float, n_stops: int, first: str | None = None):
    """Search parameters: a first-solution heuristic suited to the size, then GLS."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    if first is None:
        first = "PARALLEL_CHEAPEST_INSERTION" if n_stops <= 400 else "PATH_CHEAPEST_ARC"
    params.first_solution_strategy = getattr(FSS, first)
    params.local_search_metaheuristic = LSM.GUIDED_LOCAL_SEARCH
    if n_stops > 150:  # restrict local-search neighbourhoods on large problems
        params.ls_operator_neighbors_ratio = min(1.0, 30.0 / n_stops)
        params.ls_operator_min_neighbors = 15
    params.time_limit.FromMilliseconds(max(int(time_limit_s * 1000), 50))
    params.log_search = False
    return params


def routes_to_indices(bm: BuiltModel, routes: list[list[tuple]]) -> list[list[int]]:
    """Convert per-vehicle sequences of (JOB, stop) / (RELOAD, None) to routing indices.

    Loading nodes of a trip's deliveries are placed at the start of that trip.
    """
    out = []
    node_index = bm.manager.NodeToIndex
    for j, seq in enumerate(routes):
        rel = list(bm.nodes.reload_nodes.get(j, []))
        trips: list[tuple[int | None, list[int]]] = [(None, [])]
        for kind, i in seq:
            if kind == RELOAD:
                if rel:
                    trips.append((rel.pop(0), []))
            elif i in bm.nodes.stop_node:
                trips[-1][1].append(i)
        idxs = []
        for reload_node, members in trips:
            if reload_node is not None:
                idxs.append(node_index(reload_node))
            idxs.extend(
                node_index(bm.nodes.load_node[i]) for i in members if i in bm.nodes.load_node
            )
            idxs.extend(node_index(bm.nodes.stop_node[i]) for i in members)
        out.append(idxs)
    return out


def run(
    bm: BuiltModel,
    time_limit_s: float,
    n_stops: int,
    initial: list[list[tuple]] | None = None,
    incumbent=None,
    first: str | None = None,
):
    """Solve; returns (assignment or None, notes). Never raises on callback errors.

    With an `incumbent`, OR-Tools' newest solution is offered to it (read, checked by our
    simulation and costed, at most every `OFFER_EVERY_S`), and a search limit asks its
    stop criterion several times a second (so a cancel is honoured even when nothing
    improves); the limit also reports progress at least once a second.
    """
    routing = bm.routing
    notes: list[str] = []
    if incumbent is not None:
        last = [time.monotonic()]

        def _on_solution():
            if time.monotonic() - last[0] < OFFER_EVERY_S:
                return
            last[0] = time.monotonic()
            routes = current_routes(bm)
            incumbent.offer("ortools", feasible_or_repaired(incumbent.problem, routes))

        routing.AddAtSolutionCallback(_on_solution)
        routing.AddSearchMonitor(routing.solver().CustomLimit(incumbent.should_stop))
    params = search_parameters(time_limit_s, n_stops, first)
    start = None
    if initial is not None:
        routing.CloseModelWithParameters(params)
        start = routing.ReadAssignmentFromRoutes(routes_to_indices(bm, initial), True)
        if start is None:
            notes.append("warm start rejected by the OR-Tools model; solving from scratch")
    if start is not None:
        sol = routing.SolveFromAssignmentWithParameters(start, params)
        if sol is None:
            sol = start
    else:
        sol = routing.SolveWithParameters(params)
    status = routing.status()
    if sol is None:
        notes.append(f"OR-Tools found no solution (status {status})")
    return sol, notes


def current_routes(bm: BuiltModel) -> list[list[tuple]]:
    """Per-vehicle sequences of the solution OR-Tools holds now (inside a callback)."""
    routing = bm.routing
    return [
        _sequence(bm, routing.Start(j), lambda var: var.Value()) for j in range(routing.vehicles())
    ]


def extract(bm: BuiltModel, sol) -> tuple[list[list[tuple]], list[int]]:
    """Per-vehicle sequences and each vehicle's departure time from an assignment."""
    routing = bm.routing
    starts = [routing.Start(j) for j in range(routing.vehicles())]
    departs = [int(sol.Value(bm.time_dim.CumulVar(idx))) for idx in starts]
    return [_sequence(bm, idx, sol.Value) for idx in starts], departs


def _sequence(bm: BuiltModel, start: int, value) -> list[tuple]:
    """The stops and reloads after `start`, reading each next node with `value(NextVar)`."""
    routing, manager, nodes = bm.routing, bm.manager, bm.nodes
    seq = []
    idx = value(routing.NextVar(start))
    while not routing.IsEnd(idx):
        n = manager.IndexToNode(idx)
        if nodes.stop[n] is not None:
            seq.append((JOB, nodes.stop[n]))
        elif nodes.reload_vehicle[n] is not None:
            seq.append((RELOAD, None))
        idx = value(routing.NextVar(idx))
    return seq
