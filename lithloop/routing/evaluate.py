"""Evaluate routes given by hand: simulate them and report what they violate."""

from __future__ import annotations

import time

from .model import Problem, Solution
from .plans import clean
from .schedule import JOB, RELOAD, simulate
from .solve import build_solution

RELOAD_MARK = "reload"


def evaluate(problem: Problem, routes: dict) -> tuple[Solution, list[str]]:
    """Simulate {vehicle_id: [stop_id | "reload", ...]}; returns the solution and violations."""
    index = {s.id: i for i, s in enumerate(problem.stops)}
    vidx = {v.id: j for j, v in enumerate(problem.vehicles)}
    seqs: list[list[tuple]] = [[] for _ in problem.vehicles]
    for vehicle_id, ids in routes.items():
        seqs[vidx[vehicle_id]] = [
            (RELOAD, None) if x == RELOAD_MARK else (JOB, index[x]) for x in ids
        ]
    violations, departs = [], [None] * len(seqs)
    for j, seq in enumerate(seqs):
        seq = clean(seq)
        if seq:
            sim = simulate(problem, problem.vehicles[j], seq, any_wait=True)
            violations += [f"{problem.vehicles[j].id}: {v}" for v in sim.violations]
            departs[j] = sim.steps[0].departure
    solution = build_solution(problem, seqs, departs, {}, time.monotonic(), "manual", [])
    return solution, violations
