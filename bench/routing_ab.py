"""Two race settings of lithloop's engine on the same regional days, side by side.

Usage (from the repository root):

    python bench/routing_ab.py --fresh 1,2 --only 100/,120/ --b '{"vroom_share": 0.8}'
    python bench/routing_ab.py --fresh 9 --only 250/ --b '{"vroom_levels": [[0.0, 5]]}'
    python bench/routing_ab.py --fresh 18 --costs km --b '{"pyvrp_from_construct": false}'

A and B are `RaceConfig` fields as JSON (A defaults to the shipped settings). Each day is
solved with A and with B in turn, the order alternating day by day (so a machine growing
busier tilts neither); every plan is re-checked by the tests' checker. It prints served
stops, km and the objective's cost per day and setting, B over A per day, and B over A in
total: the figure to read before changing a default. One draw per day and setting: on days
of about 120 stops two runs of one setting differ by up to 3 % in cost, so read totals over
many days (several `--fresh` sets), never one row. Writes bench/results/routing_ab.json
(or `--out`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p] + [str(ROOT)]

from bench.regional_days import instances  # noqa: E402
from bench.routing_regional import _score, day_of  # noqa: E402
from lithloop.routing import solve  # noqa: E402
from lithloop.routing.config import DEFAULT  # noqa: E402


def _solve(problem, config, seconds: float) -> dict:
    """Served stops, km and cost (yuan) of one solve, re-checked."""
    sol = solve(problem, time_limit_s=seconds, seed=0, workers=1, config=config)
    return {k: v for k, v in _score(problem, sol).items() if k != "wall_s"}


def run(
    fresh: list[int], only: list[str], a: dict, b: dict, seconds: float, costs: str = "real"
) -> dict:
    """Every chosen day with settings A and B (trucks' `costs` as in `day_of`); rows and
    totals (B over A)."""
    configs = (replace(DEFAULT, **a), replace(DEFAULT, **b))
    rows, totals = [], {"a": [0.0, 0.0], "b": [0.0, 0.0]}
    for f in fresh:
        for p in instances(fresh=f):
            if only and not any(word in p.name for word in only):
                continue
            _, problem = day_of(p, costs)
            out: dict = {}
            for name in ("a", "b") if len(rows) % 2 == 0 else ("b", "a"):
                out[name] = _solve(problem, configs[name == "b"], seconds)
            for name in ("a", "b"):
                totals[name][0] += out[name]["km"]
                totals[name][1] += out[name]["cost_yuan"]
            row = {"day": p.name, **out}
            row["b_over_a_km"] = round(out["b"]["km"] / out["a"]["km"], 4)
            row["b_over_a_cost"] = round(out["b"]["cost_yuan"] / out["a"]["cost_yuan"], 4)
            rows.append(row)
            print(
                f"{p.name:34s} A {out['a']['served']} {out['a']['km']:8.1f} "
                f"{out['a']['cost_yuan']:9.1f} | B {out['b']['served']} {out['b']['km']:8.1f} "
                f"{out['b']['cost_yuan']:9.1f} | B/A km {row['b_over_a_km']:.4f} "
                f"cost {row['b_over_a_cost']:.4f}",
                flush=True,
            )
    summary = {
        "days": len(rows),
        "seconds": seconds,
        "costs": costs,
        "a": a,
        "b": b,
        "served_a": sum(r["a"]["served"] for r in rows),
        "served_b": sum(r["b"]["served"] for r in rows),
        "b_over_a_km": round(totals["b"][0] / totals["a"][0], 4) if rows else None,
        "b_over_a_cost": round(totals["b"][1] / totals["a"][1], 4) if rows else None,
        "b_worse_by_2pct_cost": [r["day"] for r in rows if r["b_over_a_cost"] > 1.02],
        "b_better_by_2pct_cost": [r["day"] for r in rows if r["b_over_a_cost"] < 0.98],
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return {"summary": summary, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run, write the JSON."""
    ap = argparse.ArgumentParser(description="two race settings on the same regional days")
    ap.add_argument("--fresh", default="1", help="fresh day sets, e.g. 1,2,3 (0: the fixed set)")
    ap.add_argument("--only", default="", help="days whose name holds one of these (a,b)")
    ap.add_argument("--a", default="{}", help="setting A: RaceConfig fields as JSON")
    ap.add_argument("--b", required=True, help="setting B: RaceConfig fields as JSON")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument(
        "--costs",
        choices=("real", "km", "none"),
        default="real",
        help="trucks' costs: real, km (per km only: the objective is the distance), none",
    )
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "routing_ab.json"))
    args = ap.parse_args(argv)
    try:
        a, b = json.loads(args.a), json.loads(args.b)
        fresh = [int(x) for x in args.fresh.split(",")]
        replace(DEFAULT, **a), replace(DEFAULT, **b)  # an unknown field or bad value: say so
    except (ValueError, TypeError) as exc:
        print(f"routing_ab: {exc}", file=sys.stderr)
        return 2
    only = [w for w in args.only.split(",") if w]
    result = run(fresh, only, a, b, args.seconds, args.costs)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
