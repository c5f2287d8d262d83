"""A generated 1,000-stop, 40-truck regional day: time to a feasible plan and peak RSS.

Usage: python bench/routing_scale.py [--stops 1000] [--trucks 40] [--seconds 50]
Writes bench/results/routing_scale.txt and .json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lithloop.geo.matrices import build_matrices, haversine_matrix  # noqa: E402
from lithloop.routing import Problem, Stop, TimeWindow, Vehicle, solve  # noqa: E402

PLACES = ROOT / "lithloop" / "data" / "region_places.csv"
PARK = (129.6329, 44.5514)
H = 3600


def towns(max_km: float) -> list[tuple[float, float, float]]:
    """(lon, lat, weight) of places within `max_km` of the park (synthetic if no file)."""
    out = []
    if PLACES.exists():
        for r in csv.DictReader(open(PLACES, encoding="utf-8")):
            lon, lat = float(r["lon"]), float(r["lat"])
            if haversine_matrix([PARK, (lon, lat)])[0, 1] <= max_km * 1000:
                out.append((lon, lat, max(float(r["population_approx"] or 0), 50_000)))
    if len(out) < 5:
        rng = np.random.default_rng(1)
        out = [
            (PARK[0] + rng.uniform(-1.5, 1.5), PARK[1] + rng.uniform(-1, 1), 1.0) for _ in range(15)
        ]
    return out


def generate(n_stops: int, n_trucks: int, seed: int = 7, max_km: float = 150) -> Problem:
    """Dealers scattered around towns; windows, skills, kg + pallet places, deliveries."""
    rng = np.random.default_rng(seed)
    t = towns(max_km)
    w = np.array([x[2] for x in t])
    pick = rng.choice(len(t), size=n_stops, p=w / w.sum())
    coords = [PARK]
    for k in pick:
        lon, lat, _ = t[k]
        r, a = rng.exponential(4.0), rng.uniform(0, 2 * math.pi)  # km around the town
        coords.append((lon + r * math.cos(a) / 79.0, lat + r * math.sin(a) / 111.0))
    mats, _ = build_matrices(coords, day=dt.date(2026, 1, 20))  # a winter day
    stops = []
    for i in range(n_stops):
        u = rng.random()
        wins: tuple = ()
        if u < 0.3:
            wins = (TimeWindow(8 * H, 12 * H),)
        elif u < 0.55:
            wins = (TimeWindow(13 * H, 17 * H),)
        elif u < 0.65:
            wins = (TimeWindow(9 * H, 11 * H), TimeWindow(14 * H, 16 * H))
        skills = set()
        if rng.random() < 0.08:
            skills.add("hazmat")
        if rng.random() < 0.12:
            skills.add("tail_lift")
        deliver = rng.random() < 0.1
        stops.append(
            Stop(
                id=f"s{i}",
                location=i + 1,
                pickup=(int(rng.integers(50, 900)), int(rng.integers(1, 4))),
                delivery=(int(rng.integers(100, 600)), 1) if deliver else (),
                service_s=int(rng.choice([300, 600, 900])),
                time_windows=wins,
                skills=frozenset(skills),
                priority=int(rng.integers(0, 100)),
                optional=bool(rng.random() < 0.3),
                penalty=float(rng.integers(50, 400)),
            )
        )
    kinds = [
        ("light", (2000, 6), frozenset({"tail_lift"}), 150.0, 2.0, 40.0),
        ("medium", (8000, 14), frozenset(), 300.0, 3.5, 60.0),
        ("hazmat", (10000, 16), frozenset({"hazmat", "tail_lift"}), 500.0, 4.5, 80.0),
    ]
    vehicles = []
    for j in range(n_trucks):
        name, cap, sk, fixed, km, hr = kinds[
            0 if j < n_trucks // 2 else 1 if j < n_trucks * 7 // 8 else 2
        ]
        vehicles.append(
            Vehicle(
                id=f"{name}-{j}",
                start=0,
                capacity=cap,
                skills=sk,
                shift=TimeWindow(7 * H, 19 * H),
                max_work_s=11 * H,
                fixed_cost=fixed,
                cost_per_km=km,
                cost_per_hour=hr,
                max_trips=3,
                reload_s=1800,
            )
        )
    return Problem(
        vehicles=tuple(vehicles), stops=tuple(stops), matrices=mats, coordinates=tuple(coords)
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stops", type=int, default=1000)
    ap.add_argument("--trucks", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=50.0)
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args()
    t0 = time.monotonic()
    p = generate(args.stops, args.trucks)
    t_gen = time.monotonic() - t0
    progress: list[tuple[float, float]] = []
    sol = solve(p, time_limit_s=args.seconds, on_progress=lambda c, e: progress.append((c, e)))
    wall = time.monotonic() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reasons = Counter(u.reason for u in sol.unassigned)
    out = {
        "stops": args.stops,
        "trucks": args.trucks,
        "solver_seconds": args.seconds,
        "generate_s": round(t_gen, 2),
        "total_wall_s": round(wall, 2),
        "solve_wall_s": sol.wall_s,
        "first_solution_s": round(progress[0][1], 2) if progress else None,
        "peak_rss_mb": round(rss_mb, 1),
        "status": sol.status,
        "served": sum(len(r.stop_ids) for r in sol.routes),
        "unassigned": len(sol.unassigned),
        "unassigned_by_reason": dict(reasons),
        "routes": len(sol.routes),
        "trips": sum(r.trips for r in sol.routes),
        "distance_km": round(sol.distance / 1000, 1),
        "cost": sol.cost,
        "engine": sol.engine,
        "notes": list(sol.notes)[:5],
        "internal_check_ok": not any("internal check failed" in n for n in sol.notes),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    text = "\n".join(f"{k}: {v}" for k, v in out.items())
    print(text)
    if not args.no_save:
        res = ROOT / "bench" / "results"
        (res / "routing_scale.txt").write_text(text + "\n")
        (res / "routing_scale.json").write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
