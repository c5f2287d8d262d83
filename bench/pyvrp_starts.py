"""PyVRP alone on regional days from different starts, each given the same CPU seconds.

Usage (from the repository root):

    python bench/pyvrp_starts.py --fresh 10 --only 120/,150/,200/,250/ --cpu 9.5

For each day: VROOM at exploration level 0 (the race's first lead), then PyVRP with seed 0
for `--cpu` seconds of process time (not wall time, so a busy machine slows every variant
alike): strict from VROOM's plan (what the race runs), prize-collecting from it,
prize-collecting from scratch, and the bench's own PyVRP peer (from scratch). Prints the
cost in yuan of each plan, re-timed by our scheduler. Says which start to give PyVRP; it
is a probe, not a figure of the README's targets.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p] + [str(ROOT)]

import pyvrp.stop  # noqa: E402

from bench import regional_peers  # noqa: E402
from bench.regional_days import instances  # noqa: E402
from bench.routing_regional import _score, day_of  # noqa: E402
from lithloop.routing import ortools_model, pyvrp_engine  # noqa: E402
from lithloop.routing.plans import repair  # noqa: E402
from lithloop.routing.reasons import compatible_vehicles  # noqa: E402
from lithloop.routing.schedule import JOB  # noqa: E402
from lithloop.routing.solve import build_solution  # noqa: E402


class CpuSeconds:
    """A PyVRP stop criterion: true once the process used `seconds` of CPU since its first call."""

    def __init__(self, seconds: float):
        self.seconds, self.t0 = seconds, None

    def __call__(self, best_cost) -> bool:
        if self.t0 is None:
            self.t0 = time.process_time()
        return time.process_time() - self.t0 > self.seconds


def _cost(problem, routes) -> float:
    """Our cost (yuan) of per-vehicle sequences, re-timed by the scheduler."""
    sol = build_solution(problem, routes, None, {}, time.monotonic(), "probe", [])
    return _score(problem, sol)["cost_yuan"]


def day(p, cpu: float) -> dict:
    """Each variant's cost on one generated day."""
    doc, problem = day_of(p)
    allowed, _ = compatible_vehicles(problem)
    big = ortools_model.build(problem, allowed).big_penalty
    seqs, _ = regional_peers.solve_vroom(doc, problem, None, level=0)
    vidx = {v.id: j for j, v in enumerate(problem.vehicles)}
    start = [[] for _ in problem.vehicles]
    for vid, seq in seqs.items():
        start[vidx[vid]] = [(JOB, i) for _, i in seq]
    start = repair(problem, start)
    out = {"day": p.name, "vroom0": round(_cost(problem, start))}
    limit = lambda seconds: CpuSeconds(cpu)  # noqa: E731 - both engines' MaxRuntime
    pyvrp_engine.MaxRuntime = limit
    pyvrp.stop.MaxRuntime = limit
    for name, initial, strict in (
        ("strict_from_vroom", start, True),
        ("prize_from_vroom", start, False),
        ("prize_from_scratch", None, False),
    ):
        routes, _, _ = pyvrp_engine.solve_pyvrp(problem, allowed, cpu, 0, big, strict, initial)
        out[name] = round(_cost(problem, repair(problem, routes)))
    seqs, wall = regional_peers.solve_pyvrp(problem, cpu, 0)
    out["peer"] = round(
        _score(problem, regional_peers.to_solution(problem, seqs, "pyvrp", wall))["cost_yuan"]
    )
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and print one line a day, then the totals."""
    ap = argparse.ArgumentParser(description="PyVRP from different starts, equal CPU time")
    ap.add_argument("--fresh", type=int, default=10, help="the fresh day set")
    ap.add_argument("--only", default="120/,150/,200/,250/", help="days whose name holds one")
    ap.add_argument("--cpu", type=float, default=9.5, help="CPU seconds per variant")
    args = ap.parse_args(argv)
    words = [w for w in args.only.split(",") if w]
    totals: dict[str, int] = {}
    for p in instances(fresh=args.fresh):
        if words and not any(w in p.name for w in words):
            continue
        row = day(p, args.cpu)
        print(row, flush=True)
        for k, v in row.items():
            if k != "day":
                totals[k] = totals.get(k, 0) + v
    print("totals", totals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
