"""PyVRP's own search parameters on regional days, each variant given the same CPU seconds.

Usage (from the repository root):

    python bench/pyvrp_params.py --fresh 30:real,31:km --only 100/20-d10,150/30 \
        --variants default,nb20,hist50 --cpu 9.5 --jobs 2

For each chosen day (`--fresh F:COSTS`, COSTS "real", "km" or "real+km": the trucks' own
costs, or every truck paying per km only as `routing_regional.py --km-costs`) and each
variant, PyVRP runs on our model of the day (`pyvrp_engine.solve_pyvrp`, as the race
builds it) from both of the race's starts: strict from VROOM level 0's repaired plan with
seed S (the main core) and prize-collecting from scratch with seed S+1 (the spare core),
for S in 0..--seeds-1; every variant gets the same seeds and `--cpu` seconds of process
time (not wall time: a busy machine slows every variant alike; `--jobs` processes run
side by side). A variant changes only the knobs it names; the rest stay PyVRP 0.14's
defaults, and the engine's own (its callbacks, `max_penalty`) are kept. Prints per day the
cost (yuan, re-timed by our scheduler) summed over the draws, per variant; then per
variant its total over default and its ratio per size class. A probe, not a README figure.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p] + [str(ROOT)]

import pyvrp  # noqa: E402
import pyvrp.search  # noqa: E402
import pyvrp.stop  # noqa: E402

from bench import regional_peers  # noqa: E402
from bench.pyvrp_starts import CpuSeconds  # noqa: E402
from bench.regional_days import instances  # noqa: E402
from bench.routing_regional import _score, day_of  # noqa: E402
from lithloop.routing import ortools_model, pyvrp_engine  # noqa: E402
from lithloop.routing.plans import repair  # noqa: E402
from lithloop.routing.reasons import compatible_vehicles  # noqa: E402
from lithloop.routing.schedule import JOB  # noqa: E402
from lithloop.routing.solve import build_solution  # noqa: E402

# name -> {section: {knob: value}}; sections as pyvrp.SolveParams' (ils, penalty,
# neighbourhood, perturbation). PyVRP 0.14.1's defaults: num_neighbours 50,
# weight_wait_time 0.2, perturbations 1..25, history_length 300,
# num_iters_no_improvement 150,000, solutions_between_updates 500, penalty_increase 1.5,
# penalty_decrease 0.9, target_feasible 0.65.
VARIANTS: dict[str, dict] = {
    "default": {},
    "nb20": {"neighbourhood": {"num_neighbours": 20}},
    "nb35": {"neighbourhood": {"num_neighbours": 35}},
    "nb80": {"neighbourhood": {"num_neighbours": 80}},
    "ww0": {"neighbourhood": {"weight_wait_time": 0.0}},
    "ww1": {"neighbourhood": {"weight_wait_time": 1.0}},
    "pmax10": {"perturbation": {"max_perturbations": 10}},
    "pmax50": {"perturbation": {"max_perturbations": 50}},
    "pmin5": {"perturbation": {"min_perturbations": 5}},
    "hist50": {"ils": {"history_length": 50}},
    "hist1000": {"ils": {"history_length": 1000}},
    "noimp20k": {"ils": {"num_iters_no_improvement": 20_000}},
    "sbu100": {"penalty": {"solutions_between_updates": 100}},
    "inc1.2": {"penalty": {"penalty_increase": 1.2}},
    "inc2.0": {"penalty": {"penalty_increase": 2.0}},
    "tf0.4": {"penalty": {"target_feasible": 0.4}},
    "nb20+hist50": {"neighbourhood": {"num_neighbours": 20}, "ils": {"history_length": 50}},
}
_SPEC: dict = {}
_DAYS: dict = {}


def _solve_with_spec(data, stop, seed=0, collect_stats=True, display=False, params=None, **kw):
    """pyvrp.solve with the current variant's knobs laid over the engine's params."""
    spec, params = _SPEC, params or pyvrp.SolveParams()
    new = pyvrp.SolveParams(
        ils=replace(params.ils, **spec.get("ils", {})),
        penalty=replace(params.penalty, **spec.get("penalty", {})),
        neighbourhood=pyvrp.search.NeighbourhoodParams(**spec.get("neighbourhood", {})),
        perturbation=pyvrp.search.PerturbationParams(**spec.get("perturbation", {})),
    )
    return pyvrp.solve(data, stop, seed, collect_stats, display, new, **kw)


class _PyVRP:
    """The pyvrp module as the engine sees it, with `solve` taking the variant's knobs."""

    solve = staticmethod(_solve_with_spec)

    def __getattr__(self, name):
        return getattr(pyvrp, name)


def _day(key):
    """(problem, allowed, big, VROOM level 0's repaired plan) of a day, cached per process."""
    if key not in _DAYS:
        p, costs = key
        doc, problem = day_of(p, costs)
        allowed, _ = compatible_vehicles(problem)
        big = ortools_model.build(problem, allowed).big_penalty
        seqs, _ = regional_peers.solve_vroom(doc, problem, None, level=0)
        vidx = {v.id: j for j, v in enumerate(problem.vehicles)}
        start = [[] for _ in problem.vehicles]
        for vid, seq in seqs.items():
            start[vidx[vid]] = [(JOB, i) for _, i in seq]
        _DAYS.clear()  # one day at a time: tasks come day by day
        _DAYS[key] = (problem, allowed, big, repair(problem, start))
    return _DAYS[key]


def _task(args):
    """One draw: (day key, variant, start, seed, cpu) -> (cost yuan, km, served)."""
    key, variant, main_core, seed, cpu = args
    problem, allowed, big, start = _day(key)
    _SPEC.clear()
    _SPEC.update(VARIANTS[variant])
    clock = CpuSeconds(cpu)
    clock.t0 = time.process_time()  # the model's building and PyVRP's first descent count too
    limit = lambda seconds: clock  # noqa: E731 - the engine's MaxRuntime
    pyvrp_engine.MaxRuntime = limit
    pyvrp.stop.MaxRuntime = limit
    pyvrp_engine.pyvrp = _PyVRP()
    initial = start if main_core else None
    res = pyvrp_engine.solve_pyvrp(problem, allowed, cpu, seed, big, main_core, initial)
    routes = repair(problem, res[0])
    sol = build_solution(problem, routes, None, {}, time.monotonic(), "probe", [])
    s = _score(problem, sol)
    return s["cost_yuan"], s["km"], s["served"]


def _days(fresh: str, only: list[str]):
    """(DayParams, costs) of the chosen days, in order."""
    out = []
    for item in fresh.split(","):
        f, _, costs = item.partition(":")
        for p in instances(fresh=int(f)):
            if only and not any(w in p.name for w in only):
                continue
            out += [(p, c) for c in (costs or "real").split("+")]
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, print a line a day and variant, then the ratios to default."""
    ap = argparse.ArgumentParser(description="PyVRP's search parameters, equal CPU time")
    ap.add_argument("--fresh", default="30:real+km", help="fresh day sets with costs, F:C,...")
    ap.add_argument("--only", default="100/,150/,200/,250/,300/", help="days holding one")
    ap.add_argument("--variants", default=",".join(VARIANTS), help="names (default first)")
    ap.add_argument("--seeds", type=int, default=1, help="S in 0..N-1: main S, spare S+1")
    ap.add_argument("--cpu", type=float, default=9.5, help="CPU seconds per draw")
    ap.add_argument("--jobs", type=int, default=1, help="processes side by side")
    args = ap.parse_args(argv)
    names = ["default"] + [v for v in args.variants.split(",") if v and v != "default"]
    for v in names:
        if v not in VARIANTS:
            ap.error(f"unknown variant {v}: one of {', '.join(VARIANTS)}")
    only = [w for w in args.only.split(",") if w]
    days = _days(args.fresh, only)
    draws = [(m, s + (not m)) for s in range(args.seeds) for m in (True, False)]
    tasks = [(k, v, m, s, args.cpu) for k in days for v in names for m, s in draws]
    print(f"# {len(days)} day-costs x {len(names)} variants x {len(draws)} draws, cpu {args.cpu}")
    total = {v: [0.0, 0.0] for v in names}
    by_size: dict = {}
    pool = multiprocessing.get_context("fork").Pool(args.jobs) if args.jobs > 1 else None
    results = (pool.imap if pool else map)(_task, tasks, *([1] if pool else []))
    for k in days:
        row = {v: [0.0, 0.0, 0] for v in names}
        for v in names:
            for _ in draws:
                cost, km, served = next(results)
                row[v] = [row[v][0] + cost, row[v][1] + km, row[v][2] + served]
        base = row["default"]
        cells = " ".join(f"{v} {row[v][0]:.0f}/{row[v][1]:.0f}km" for v in names)
        print(f"{k[0].name:32s} {k[1]:4s} {cells}", flush=True)
        for v in names:
            total[v][0] += row[v][0] / base[0]
            total[v][1] += row[v][0]
            cls = by_size.setdefault((v, k[0].stops), [0.0, 0.0])
            cls[0], cls[1] = cls[0] + row[v][0], cls[1] + base[0]
    if pool:
        pool.close()
    for v in names:
        sizes = " ".join(f"{n}:{c / b:.4f}" for (w, n), (c, b) in sorted(by_size.items()) if w == v)
        print(
            f"{v:10s} total/default {total[v][1] / total['default'][1]:.4f} "
            f"mean day ratio {total[v][0] / len(days):.4f} | by size {sizes}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
