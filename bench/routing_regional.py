"""Regional pickup days: lithloop against pyvroom and PyVRP at the same budget, same run.

Usage (from the repository root; the peers are dev extras: pip install -e .[dev]):

    python bench/routing_regional.py                  # 24 days, 60-400 stops, 10 s each
    python bench/routing_regional.py --seconds 2 --instances 6
    python bench/routing_regional.py --quick          # 8 days up to 200 stops
    python bench/routing_regional.py --fast           # lithloop at 1 s vs VROOM level 0
    python bench/routing_regional.py --scale          # 1,000 stops / 40 trucks, 50 s budget
    python bench/routing_regional.py --no-costs       # the same days, trucks without costs
    python bench/routing_regional.py --km-costs       # the same days, trucks paying per km only
    python bench/routing_regional.py --fresh 1        # the same kinds of day, new seeds
    python bench/routing_regional.py --fresh 2 --only s20002,s20103 --peer-seeds 4
                                      # some days; PyVRP alone with 4 seeds (its spread)

To measure another tree's engine: PYTHONPATH=/path/to/tree python bench/routing_regional.py
(its lithloop is imported; the days, peers and checker come from this tree).

The days come from bench/regional_days.py (seeded; see `instances`). Every engine's routes
are re-checked by the independent checker of the tests (tests/routing/checker.py); an
infeasible solution counts as serving nothing. Per day it prints served stops and km per
engine and lithloop's ratio to the best peer (the peer serving most, then driving least),
and its ratio by cost, the objective every engine is given (each engine's routes re-timed by
lithloop's scheduler and costed alike, see `objective_cost`);
writes bench/results/routing_regional.json (or _fast / _scale). A full run takes about
3 x 24 x seconds plus setup: 12.4 min at 10 s (2 shared cores, load 9); --fast 1.5 min;
--scale 1 min. Peers: pyvroom at its default exploration level 5 on one thread (the CLI's
lithloop uses one worker too), PyVRP's default ILS; see bench/regional_peers.py.
Solomon stays in bench/routing_solomon.py (all 56 instances at 10 s:
python bench/routing_solomon.py --seconds 10, about 10 minutes).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This tree, after any PYTHONPATH (so the bench can measure another tree's lithloop).
sys.path[:0] = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p] + [str(ROOT)]

from bench.regional_days import DayParams, generate, instances  # noqa: E402
from bench.regional_peers import solve_pyvrp, solve_vroom, to_solution  # noqa: E402
from lithloop.routing import problem_from_vroom, solve  # noqa: E402
from lithloop.routing.plans import route_cost  # noqa: E402
from lithloop.routing.schedule import JOB, RELOAD, simulate  # noqa: E402


def _load_checker():
    """The tests' independent checker, from this tree whatever PYTHONPATH says."""
    path = ROOT / "tests" / "routing" / "checker.py"
    spec = importlib.util.spec_from_file_location("regional_bench_checker", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check


check = _load_checker()

RESULTS = ROOT / "bench" / "results"
# --km-costs: what every truck pays per km (fen), and nothing else
KM_ONLY_FEN = 1000


def _sequences(problem, sol) -> list[list[tuple]]:
    """Per vehicle of the problem, the solution's visits as (JOB, stop index) / (RELOAD, None)."""
    index = {s.id: i for i, s in enumerate(problem.stops)}
    steps = {r.vehicle_id: r.steps for r in sol.routes}
    return [
        [
            (RELOAD, None) if st.type == RELOAD else (JOB, index[st.stop_id])
            for st in steps.get(v.id, ())
            if st.type == RELOAD or st.stop_id is not None
        ]
        for v in problem.vehicles
    ]


def objective_cost(problem, sol) -> float:
    """The day's cost in yuan as the day's VROOM JSON defines it (trucks, km, hours on the
    road; waiting is free), each route re-timed by one scheduler (lithloop's), so the
    engines' own timing conventions (when a truck leaves) do not tilt the figure. PyVRP, run
    as a user would, is given the hours as its duration cost, which prices waiting too."""
    total = 0.0
    for j, seq in enumerate(_sequences(problem, sol)):
        if seq:
            v = problem.vehicles[j]
            total += route_cost(v, simulate(problem, v, seq))
    return round(total / 100, 1)


def _score(problem, sol) -> dict:
    """Served stops, km, the objective's cost and checker errors of one solution."""
    errors = check(problem, sol)
    served = len(problem.stops) - len(sol.unassigned)
    return {
        "served": 0 if errors else served,
        "km": round(sol.distance / 1000, 1),
        "cost_yuan": objective_cost(problem, sol),
        "feasible": not errors,
        "errors": errors[:3],
        "wall_s": round(sol.wall_s, 2),
    }


def _lithloop(problem, seconds: float) -> dict:
    t0 = time.monotonic()
    sol = solve(problem, time_limit_s=seconds, seed=0, workers=1)
    out = _score(problem, sol)
    out["wall_s"] = round(time.monotonic() - t0, 2)
    out["engine"] = sol.engine
    return out


def _cpu(run, *args) -> dict:
    """Run an engine; add the CPU seconds it got (below its wall time on a loaded machine)."""
    before = time.process_time()
    out = run(*args)
    out["cpu_s"] = round(time.process_time() - before, 2)
    return out


def _peer(problem, engine_fn, engine: str, *args) -> dict:
    seqs, wall = engine_fn(*args)
    return _score(problem, to_solution(problem, seqs, engine, wall))


def _ratio(mine: dict, best: dict) -> float | None:
    """lithloop's km over the best peer's, when both serve the same number of stops."""
    if mine["served"] != best["served"] or not best["km"]:
        return None
    return round(mine["km"] / best["km"], 4)


def _best_peer(row: dict, by: str = "km") -> dict:
    """The peer serving most, then driving least (`by="km"`) or costing least ("cost_yuan")."""
    peers = [row["vroom"], row["pyvrp"]]
    return max(peers, key=lambda r: (r["served"], -r[by]))


def _cost_ratio(mine: dict, best: dict) -> float | None:
    """lithloop's cost over the cheapest peer's, when both serve the same number of stops."""
    if mine["served"] != best["served"] or not best["cost_yuan"]:
        return None
    return round(mine["cost_yuan"] / best["cost_yuan"], 4)


def day_of(p: DayParams, costs: str = "real") -> tuple[dict, object]:
    """The day's VROOM JSON and problem. `costs`: "real" (the trucks' fixed, per-km and hourly
    costs), "none" (no costs: every engine takes VROOM's default, an hour on the road costs
    3,600, nothing else does) or "km" (every truck pays the same per km and nothing else: the
    objective is the distance itself, so km are compared on the objective they are)."""
    doc, problem = generate(p)
    if costs == "real":
        return doc, problem
    for v in doc["vehicles"]:
        v.pop("costs", None)
        if costs == "km":
            v["costs"] = {"fixed": 0, "per_hour": 0, "per_km": KM_ONLY_FEN}
    return doc, problem_from_vroom(doc)


def _pyvrp_spread(row: dict, problem, seconds: float, seeds: int) -> None:
    """PyVRP alone again with seeds 1 .. seeds-1 (seed 0 is the row's peer): its spread, and
    lithloop's cost and km over the median seed's (one draw of a peer is not its level)."""
    runs = [row["pyvrp"]] + [
        _cpu(_peer, problem, solve_pyvrp, "pyvrp", problem, seconds, seed)
        for seed in range(1, seeds)
    ]
    row["pyvrp_seeds"] = [{k: r[k] for k in ("served", "km", "cost_yuan")} for r in runs]
    same = [r for r in runs if r["served"] == row["lithloop"]["served"]]
    if same:
        median = sorted(same, key=lambda r: r["cost_yuan"])[(len(same) - 1) // 2]
        row["ratio_cost_pyvrp_median"] = _cost_ratio(row["lithloop"], median)
        row["ratio_km_pyvrp_median"] = _ratio(row["lithloop"], median)
    spread = " ".join(f"{r['cost_yuan']:.0f}" for r in runs)
    print(f"    PyVRP alone, seeds 0-{seeds - 1}: cost {spread}", flush=True)


def run_full(days: list[DayParams], seconds: float, costs: str = "real", seeds: int = 1) -> dict:
    """Every day with the three engines (PyVRP with `seeds` seeds, see `_pyvrp_spread`);
    returns rows and a summary."""
    rows = []
    head = f"{'day':28s} {'lithloop':>16s} {'vroom':>16s} {'pyvrp':>16s}  ratio"
    print(head, flush=True)
    for p in days:
        doc, problem = day_of(p, costs)
        row = {"day": p.name, "stops": p.stops, "trucks": p.fleet, "seconds": seconds}
        row["lithloop"] = _cpu(_lithloop, problem, seconds)
        row["vroom"] = _cpu(_peer, problem, solve_vroom, "vroom", doc, problem, seconds)
        row["pyvrp"] = _cpu(_peer, problem, solve_pyvrp, "pyvrp", problem, seconds)
        best = _best_peer(row)
        row["served_vs_best"] = row["lithloop"]["served"] - best["served"]
        row["ratio_km"] = _ratio(row["lithloop"], best)
        row["ratio_cost"] = _cost_ratio(row["lithloop"], _best_peer(row, "cost_yuan"))
        if seeds > 1:
            _pyvrp_spread(row, problem, seconds, seeds)
        rows.append(row)
        cells = [
            f"{row[e]['served']:4d} {row[e]['km']:9.1f}" + ("" if row[e]["feasible"] else "!")
            for e in ("lithloop", "vroom", "pyvrp")
        ]
        ratio = (
            f"{row['ratio_km']:.4f}" if row["ratio_km"] else f"served {row['served_vs_best']:+d}"
        )
        cost = f"  cost {row['ratio_cost']:.4f}" if row["ratio_cost"] else ""
        print(
            f"{p.name:28s} " + " ".join(f"{c:>16s}" for c in cells) + f"  {ratio}{cost}", flush=True
        )
    ratios = [r["ratio_km"] for r in rows if r["ratio_km"]]
    costs = [r["ratio_cost"] for r in rows if r["ratio_cost"]]
    summary = {
        "instances": len(rows),
        "seconds": seconds,
        "served_below_best_peer": [r["day"] for r in rows if r["served_vs_best"] < 0],
        "served_total": {
            e: sum(r[e]["served"] for r in rows) for e in ("lithloop", "vroom", "pyvrp")
        },
        "equal_served": len(ratios),
        "mean_ratio_km": round(statistics.mean(ratios), 4) if ratios else None,
        "max_ratio_km": max(ratios) if ratios else None,
        # the objective every engine minimises (trucks, km, hours), one scheduler for all
        "mean_ratio_cost": round(statistics.mean(costs), 4) if costs else None,
        "max_ratio_cost": max(costs) if costs else None,
        "infeasible": [
            (r["day"], e)
            for r in rows
            for e in ("lithloop", "vroom", "pyvrp")
            if not r[e]["feasible"]
        ],
    }
    if seeds > 1:
        for key in ("ratio_cost_pyvrp_median", "ratio_km_pyvrp_median"):
            vals = [r[key] for r in rows if r.get(key)]
            summary[f"mean_{key}"] = round(statistics.mean(vals), 4) if vals else None
            summary[f"max_{key}"] = max(vals) if vals else None
    return {"summary": summary, "rows": rows}


def run_fast(days: list[DayParams]) -> dict:
    """lithloop at a 1 s budget against VROOM at exploration level 0 (its fastest), run to
    its end (on big days that takes VROOM longer than 1 s) and with the same 1 s timeout."""
    rows = []
    for p in days:
        doc, problem = generate(p)
        mine = _lithloop(problem, 1.0)
        peer = _peer(problem, solve_vroom, "vroom-x0", doc, problem, None, 0)
        same = _peer(problem, solve_vroom, "vroom-x0-1s", doc, problem, 1.0, 0)
        row = {
            "day": p.name,
            "lithloop_1s": mine,
            "vroom_x0": peer,
            "vroom_x0_1s": same,
            "served_vs_vroom": mine["served"] - peer["served"],
            "ratio_km": _ratio(mine, peer),
            "ratio_km_same_budget": _ratio(mine, same),
            "ratio_cost": _cost_ratio(mine, peer),
            "ratio_cost_same_budget": _cost_ratio(mine, same),
        }
        rows.append(row)
        print(
            f"{p.name:28s} lithloop {mine['served']:4d} {mine['km']:9.1f} "
            f"{mine['wall_s']:5.2f}s  vroom-x0 {peer['served']:4d} {peer['km']:9.1f} "
            f"{peer['wall_s']:5.2f}s  {row['ratio_km'] or row['served_vs_vroom']}  "
            f"(1 s: {same['served']:4d} {same['km']:9.1f} {row['ratio_km_same_budget']})",
            flush=True,
        )
    ratios = [r["ratio_km"] for r in rows if r["ratio_km"]]
    summary = {
        "instances": len(rows),
        "served_below_vroom_x0": [r["day"] for r in rows if r["served_vs_vroom"] < 0],
        "mean_ratio_km": round(statistics.mean(ratios), 4) if ratios else None,
        "max_ratio_km": max(ratios) if ratios else None,
    }
    same = [r["ratio_km_same_budget"] for r in rows if r["ratio_km_same_budget"]]
    summary["served_below_vroom_x0_1s"] = [
        r["day"] for r in rows if r["lithloop_1s"]["served"] < r["vroom_x0_1s"]["served"]
    ]
    summary["mean_ratio_km_same_budget"] = round(statistics.mean(same), 4) if same else None
    summary["max_ratio_km_same_budget"] = max(same) if same else None
    costs = [r["ratio_cost"] for r in rows if r["ratio_cost"]]
    summary["mean_ratio_cost"] = round(statistics.mean(costs), 4) if costs else None
    summary["max_ratio_cost"] = max(costs) if costs else None
    costs = [r["ratio_cost_same_budget"] for r in rows if r["ratio_cost_same_budget"]]
    summary["mean_ratio_cost_same_budget"] = round(statistics.mean(costs), 4) if costs else None
    summary["max_ratio_cost_same_budget"] = max(costs) if costs else None
    return {"summary": summary, "rows": rows}


def _scale_child(path: str, seconds: float) -> int:
    """In a fresh process: solve the pickled problem, check it, print figures as JSON."""
    problem = pickle.loads(Path(path).read_bytes())  # noqa: S301 - our own temp file
    t0 = time.monotonic()
    sol = solve(problem, time_limit_s=seconds, seed=0, workers=1)
    wall = time.monotonic() - t0
    errors = check(problem, sol)
    print(
        json.dumps(
            {
                "solve_wall_s": round(wall, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "served": len(problem.stops) - len(sol.unassigned),
                "km": round(sol.distance / 1000, 1),
                "routes": len(sol.routes),
                "feasible": not errors,
                "errors": errors[:3],
                "engine": sol.engine,
            }
        )
    )
    return 0


def run_scale(stops: int, trucks: int, seconds: float) -> dict:
    """A big day solved in a child process (its own peak RSS): wall time and memory."""
    p = DayParams(stops=stops, trucks=trucks, damaged=0.15, windows=2, trips=2, seed=999)
    t0 = time.monotonic()
    _, problem = generate(p)
    gen = time.monotonic() - t0
    with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as fh:
        fh.write(pickle.dumps(problem))
    t1 = time.monotonic()
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--scale-child", fh.name, "--seconds", str(seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(fh.name)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res = {
        "day": p.name,
        "budget_s": seconds,
        "generate_s": round(gen, 2),
        "process_wall_s": round(time.monotonic() - t1, 2),
        **res,
    }
    print("\n".join(f"{k}: {v}" for k, v in res.items()))
    return res


def _tree_of_lithloop() -> str:
    """Where the measured lithloop comes from: its tree and commit (+ if it has changes)."""
    import lithloop

    tree = Path(lithloop.__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(tree), "status", "--porcelain", "lithloop"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(tree)
    return f"{tree} {head}{'+' if dirty else ''}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="budget per engine and day")
    ap.add_argument("--instances", type=int, default=None, help="only the first N days")
    ap.add_argument("--quick", action="store_true", help="8 days up to 200 stops")
    ap.add_argument("--fast", action="store_true", help="lithloop 1 s vs VROOM level 0")
    ap.add_argument("--scale", action="store_true", help="1,000 stops / 40 trucks")
    ap.add_argument("--stops", type=int, default=1000, help="with --scale")
    ap.add_argument("--trucks", type=int, default=40, help="with --scale")
    ap.add_argument("--scale-seconds", type=float, default=50.0, help="with --scale")
    ap.add_argument("--scale-child", help=argparse.SUPPRESS)
    ap.add_argument(
        "--fresh", type=int, default=0, help="N > 0: the same kinds of day with new seeds"
    )
    ap.add_argument(
        "--no-costs", action="store_true", help="trucks without costs (VROOM's defaults)"
    )
    ap.add_argument(
        "--km-costs", action="store_true", help="every truck pays per km only (objective: km)"
    )
    ap.add_argument(
        "--peer-seeds", type=int, default=1, help="N > 1: PyVRP alone with seeds 0..N-1 too"
    )
    ap.add_argument("--only", default=None, help="days whose name holds one of these (a,b)")
    ap.add_argument(
        "--shared", type=float, default=0.0, help="share of pickups at a site booked twice"
    )
    ap.add_argument("--out", default=None, help="results file (default bench/results/...)")
    args = ap.parse_args()
    if args.scale_child:
        return _scale_child(args.scale_child, args.seconds)
    t0 = time.monotonic()
    if args.scale:
        result = run_scale(args.stops, args.trucks, args.scale_seconds)
        name = "routing_regional_scale"
    else:
        days = instances(quick=args.quick, fresh=args.fresh, shared=args.shared)[: args.instances]
        if args.only:
            days = [p for p in days if any(w in p.name for w in args.only.split(","))]
        if args.fast:
            result, name = run_fast(days), "routing_regional_fast"
        else:
            costs = "none" if args.no_costs else "km" if args.km_costs else "real"
            result = run_full(days, args.seconds, costs, args.peer_seeds)
            name = "routing_regional" + {"real": "", "none": "_no_costs", "km": "_km"}[costs]
            name += f"_fresh{args.fresh}" if args.fresh else ""
            name += f"_seeds{args.peer_seeds}" if args.peer_seeds > 1 else ""
            name += f"_shared{round(args.shared * 100)}" if args.shared else ""
            name += "_some" if args.only else ""
        print("\n".join(f"{k}: {v}" for k, v in result["summary"].items()))
    meta = {
        "lithloop": _tree_of_lithloop(),
        "machine": f"{platform.machine()} {platform.python_version()} cpus={os.cpu_count()}",
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "run_wall_s": round(time.monotonic() - t0, 1),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    print(f"run took {meta['run_wall_s']} s, load {meta['load_avg']}")
    out = Path(args.out) if args.out else RESULTS / f"{name}.json"
    out.write_text(
        json.dumps(
            {
                "meta": meta,
                **(result if isinstance(result, dict) and "rows" in result else {"result": result}),
            },
            indent=1,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
