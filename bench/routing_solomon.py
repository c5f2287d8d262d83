"""Solve Solomon VRPTW instances and report the gap to the best-known distance.

Usage: python bench/routing_solomon.py [--seconds 10] [--fleet file|hier] [names...]
Writes bench/results/routing_solomon[_hier].txt and .json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lithloop.routing import solomon  # noqa: E402
from lithloop.routing.solve import solve  # noqa: E402

DATA = Path(os.environ.get("SOLOMON_DIR", ROOT.parent / "shared" / "benchmarks" / "solomon"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("names", nargs="*")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--fleet", choices=("file", "hier"), default="file")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--out", default=None)
    ap.add_argument("--workers", type=int, default=1, help="PyVRP seeds raced in parallel")
    args = ap.parse_args()
    data = Path(args.data)
    bks = {r["instance"]: r for r in csv.DictReader(open(data / "bks.csv"))}
    names = args.names or sorted(bks)
    rows = []
    for name in names:
        inst = solomon.parse(data / f"{name}.txt")
        best = float(bks[name]["distance_only"])
        hier = float(bks[name]["distance_hier"])
        fleet = int(bks[name]["vehicles_hier"]) if args.fleet == "hier" else inst.vehicles
        t0 = time.monotonic()
        sol = solve(
            solomon.to_problem(inst, fleet),
            time_limit_s=args.seconds,
            seed=0,
            workers=args.workers,
        )
        wall = time.monotonic() - t0
        s = solomon.summary(inst, sol)
        row = {
            "instance": name,
            "fleet": fleet,
            "distance": s["distance"],
            "bks": best,
            "gap_pct": round(solomon.gap(s["distance"], best), 3),
            "gap_hier_pct": round(solomon.gap(s["distance"], hier), 3),
            "vehicles": s["vehicles"],
            "served": s["served"],
            "all_served": s["served"] == len(inst.rows) - 1,
            "feasible": not s["errors"],
            "wall_s": round(wall, 2),
            "engine": sol.engine,
            "notes": list(sol.notes),
        }
        rows.append(row)
        print(
            f"{name:7s} fleet {fleet:2d} dist {row['distance']:9.2f} bks {best:9.2f} "
            f"gap {row['gap_pct']:+6.2f}% veh {row['vehicles']:2d} served {row['served']:3d} "
            f"{'ok' if row['feasible'] else 'INFEASIBLE'} {row['wall_s']:5.1f}s",
            flush=True,
        )
    full = [r for r in rows if r["all_served"] and r["feasible"]]
    gaps = [r["gap_pct"] for r in full]
    summary = {
        "instances": len(rows),
        "seconds": args.seconds,
        "fleet": args.fleet,
        "fully_served": len(full),
        "feasible": sum(r["feasible"] for r in rows),
        "mean_gap_pct": round(statistics.mean(gaps), 3) if gaps else None,
        "max_gap_pct": round(max(gaps), 3) if gaps else None,
        "mean_gap_hier_pct": round(statistics.mean(r["gap_hier_pct"] for r in full), 3)
        if full
        else None,
        "served_total": sum(r["served"] for r in rows),
        "over_3pct": [r["instance"] for r in full if r["gap_pct"] > 3],
        "machine": f"{platform.machine()} {platform.python_version()} cpus={os.cpu_count()}",
        "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    lines = [f"{k}: {v}" for k, v in summary.items()]
    print("\n".join(lines))
    suffix = "" if args.fleet == "file" else "_hier"
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"routing_solomon{suffix}"
    if not args.names or args.out:
        table = [
            f"{r['instance']:7s} fleet {r['fleet']:2d} dist {r['distance']:9.2f} "
            f"bks {r['bks']:9.2f} gap {r['gap_pct']:+6.2f}% veh {r['vehicles']:2d} "
            f"served {r['served']:3d} feasible {r['feasible']} wall {r['wall_s']}s "
            f"{r['engine']}"
            for r in rows
        ]
        out.with_suffix(".txt").write_text("\n".join(table + [""] + lines) + "\n")
        out.with_suffix(".json").write_text(
            json.dumps({"summary": summary, "rows": rows}, indent=1) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
