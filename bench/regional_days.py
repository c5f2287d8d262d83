"""Seeded regional pickup days shaped like the demo region, as VROOM JSON and as a `Problem`.

Sites are scattered (a few km of jitter, like the demo's dealers) around the places of
`lithloop/data/region_places.csv` within a day's reach of the park, weighted by population;
the park is the gazetteer's park row (as `lithloop.demo.seed` places the depot). Pickups
carry kg and pallet places; a share of lots is damaged and needs a dangerous-goods truck
(skill 1); sites have one or two time windows; 5 t and 12 t trucks (the demo's fleet mix,
costs in fen) work 6-18 or 7-19 shifts; optionally several trips per truck and deliveries
from the park to buyers mixed in. Travel matrices come from the same provider as the app
(haversine x circuity with the speed profile), on a winter day unless told otherwise.

    from bench.regional_days import DayParams, generate
    doc, problem = generate(DayParams(stops=120, seed=3))

    python bench/regional_days.py --stops 120 --windows 2 --seed 3 > day.json
    python -m lithloop.routing solve day.json --seconds 10
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

# This tree, after any PYTHONPATH (so the bench can measure another tree's lithloop).
sys.path[:0] = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p] + [
    str(Path(__file__).resolve().parents[1])
]

from lithloop.geo import load_places, park_place  # noqa: E402
from lithloop.routing import Problem, problem_from_vroom  # noqa: E402

try:
    from lithloop.geo.matrices import build_matrices, haversine_matrix
except ImportError:  # a tree from before the distance providers moved to geo/
    from lithloop.routing import build_matrices, haversine_matrix  # type: ignore[attr-defined]

REACH_KM = 150  # straight line, as lithloop.demo.activity: a day's round trip by truck
RADIUS_KM = {"district": 2.0, "city": 4.0, "county": 5.0}  # as lithloop.demo.seed
HAZMAT = 1  # skill of dangerous-goods trucks (as services.plan_problem)
H = 3600
# (payload kg, pallet places, per-km fen): the demo's 6.8 m 5 t and 9.6 m 12 t box trucks
TRUCKS = ((5000, 10, 300), (12000, 24, 450))
FIXED_FEN, PER_HOUR_FEN, RELOAD_S = 30_000, 6_000, 1800
SETUP_S = 900  # as services.dispatch.problem.SITE_SETUP_S (days with shared sites)


@dataclass(frozen=True)
class DayParams:
    """What a generated day looks like; `trucks=None` means one truck per five stops."""

    stops: int = 100
    trucks: int | None = None
    damaged: float = 0.15  # share of pickups that only dangerous-goods trucks may carry
    windows: int = 1  # 1: one window per site; 2: about 40 % of sites close for lunch
    trips: int = 1  # max trips per truck (> 1: unload at the park and go out again)
    deliveries: float = 0.0  # share of stops that are deliveries from the park to buyers
    seed: int = 0
    # share of pickups booked at a site that has another booking that day (its hours); > 0:
    # every stop has the app's 15 min setup, paid once per arrival, and a minute a pack
    shared: float = 0.0
    day: dt.date = dt.date(2026, 1, 20)  # a winter day (slower roads)

    @property
    def fleet(self) -> int:
        """Number of trucks."""
        return self.trucks if self.trucks is not None else max(1, round(self.stops / 5))

    @property
    def name(self) -> str:
        """A short label: stops/trucks and the options that are on."""
        tags = [f"{self.stops}/{self.fleet}", f"d{round(self.damaged * 100)}"]
        tags += [f"w{self.windows}"] + ([f"t{self.trips}"] if self.trips > 1 else [])
        tags += [f"del{round(self.deliveries * 100)}"] if self.deliveries else []
        tags += [f"sh{round(self.shared * 100)}"] if self.shared else []
        return "-".join(tags) + f"-s{self.seed}"


def _towns() -> list:
    park = park_place()
    out = []
    for p in load_places():
        km = haversine_matrix([(park.lon, park.lat), (p.lon, p.lat)])[0, 1] / 1000
        if p.kind != "park" and km <= REACH_KM:
            out.append(p)
    return out


def _site(rng: random.Random, towns: list) -> tuple[float, float]:
    """(lon, lat) uniformly within the place's radius of a population-weighted place."""
    p = rng.choices(towns, weights=[t.population for t in towns])[0]
    r = RADIUS_KM.get(p.kind, 3.0) * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    lat = p.lat + r * math.cos(a) / 111.32
    lon = p.lon + r * math.sin(a) / (111.32 * math.cos(math.radians(p.lat)))
    return round(lon, 5), round(lat, 5)


def _windows(rng: random.Random, two: bool) -> list[list[int]]:
    opens = rng.choice((7, 8, 8, 9)) * H + rng.choice((0, 1800))
    closes = rng.choice((17, 17, 18, 20)) * H
    if two and rng.random() < 0.4:
        return [[opens, 11 * H + 1800], [13 * H + 1800, closes]]
    u = rng.random()
    if u < 0.25:
        return [[opens, 12 * H]]
    if u < 0.5:
        return [[13 * H, closes]]
    return [[opens, closes]]


def _pickup(rng: random.Random, k: int, damaged: bool, location: int, two: bool) -> dict:
    mass = min(4500, max(30, round(rng.lognormvariate(math.log(500), 0.8))))
    packs = max(1, round(mass / rng.choice((60, 150, 300))))
    job = {
        "id": k,
        "location_index": location,
        "pickup": [mass, max(1, math.ceil(mass / 500))],
        "service": min(3600, 900 + 60 * min(packs, 45)),
        "time_windows": _windows(rng, two),
        "priority": 100 if damaged else 50,
    }
    if damaged:
        job["skills"] = [HAZMAT]
    return job


def _delivery(rng: random.Random, k: int, location: int) -> dict:
    lines = rng.randint(1, 6)
    mass = sum(rng.randint(150, 450) for _ in range(lines))
    return {
        "id": k,
        "location_index": location,
        "delivery": [mass, lines],
        "service": min(3600, 900 + 300 * lines),
        "time_windows": [[8 * H, 18 * H]],
        "priority": 40,
    }


def _vehicle(k: int, params: DayParams) -> dict:
    payload, pallets, per_km = TRUCKS[0] if k % 7 < 4 else TRUCKS[1]  # 4 of 7 are 5 t
    early = k % 3 == 0
    veh = {
        "id": k + 1,
        "start_index": 0,
        "end_index": 0,
        "capacity": [payload, pallets],
        "skills": [HAZMAT] if payload > 5000 or k % 4 == 1 else [],
        "time_window": [(6 if early else 7) * H, (18 if early else 19) * H],
        "costs": {"fixed": FIXED_FEN, "per_km": per_km, "per_hour": PER_HOUR_FEN},
    }
    if params.trips > 1:
        veh |= {"max_trips": params.trips, "reload_service": RELOAD_S}
    return veh


def generate_vroom(params: DayParams) -> dict:
    """The day as a VROOM JSON request (matrices included, every location an index)."""
    rng = random.Random(f"regional-{params.seed}")
    towns = _towns()
    park = park_place()
    coords = [(park.lon, park.lat)]
    jobs = []
    n_del = round(params.stops * params.deliveries)
    sites: list[tuple[int, list]] = []  # pickups' sites so far: (location, hours)
    for k in range(params.stops):
        if k < n_del:
            coords.append(_site(rng, towns))
            jobs.append(_delivery(rng, k + 1, len(coords) - 1))
            continue
        hours = None
        if params.shared and sites and rng.random() < params.shared:
            loc, hours = rng.choice(sites)
        else:
            coords.append(_site(rng, towns))
            loc = len(coords) - 1
        damaged = rng.random() < params.damaged
        job = _pickup(rng, k + 1, damaged, loc, params.windows >= 2)
        if hours is None:
            sites.append((loc, job["time_windows"]))
        else:
            job["time_windows"] = hours
        jobs.append(job)
    if params.shared:  # the app's split: a setup once per arrival, then the packs
        for job in jobs:
            job["setup"], job["service"] = SETUP_S, job["service"] - SETUP_S
    rng.shuffle(jobs)
    mats, _ = build_matrices(coords, day=params.day)
    return {
        "vehicles": [_vehicle(k, params) for k in range(params.fleet)],
        "jobs": jobs,
        "matrices": {
            "car": {"durations": mats.duration.tolist(), "distances": mats.distance.tolist()}
        },
        "meta": {"name": params.name, "coordinates": coords, "day": params.day.isoformat()},
    }


def generate(params: DayParams) -> tuple[dict, Problem]:
    """The day as VROOM JSON and as the `Problem` that `python -m lithloop.routing solve` reads."""
    doc = generate_vroom(params)
    return doc, problem_from_vroom(doc)


def instances(quick: bool = False, fresh: int = 0, shared: float = 0.0) -> list[DayParams]:
    """The bench's fixed set: 24 days from 60 to 400 stops (8 with `quick`, up to 200);
    `fresh` > 0 draws the same 24 kinds of day afresh (other seeds: days never tuned on);
    `shared` > 0 books that share of pickups at sites with another booking (setup once)."""
    sizes = (60, 80, 100, 120, 150, 200, 250, 300, 350, 400)
    out = []
    for n, size in enumerate(sizes):
        out.append(DayParams(stops=size, damaged=0.15, windows=1, seed=n))
        out.append(
            DayParams(
                stops=size,
                damaged=(0.1, 0.25)[n % 2],
                windows=2,
                trips=2 if n % 3 == 1 else 1,
                deliveries=0.1 if n % 2 == 0 else 0.0,
                seed=100 + n,
            )
        )
    out += [
        DayParams(stops=120, trucks=18, damaged=0.3, windows=2, seed=201),  # short of trucks
        DayParams(stops=200, damaged=0.2, windows=1, trips=3, seed=202),
        DayParams(stops=300, trucks=50, damaged=0.1, windows=2, deliveries=0.15, seed=203),
        DayParams(stops=400, damaged=0.15, windows=2, trips=2, deliveries=0.1, seed=204),
    ]
    if fresh:
        out = [replace(p, seed=p.seed + 10_000 * fresh) for p in out]
    if shared:
        out = [replace(p, shared=shared) for p in out]
    if quick:
        return [p for p in out if p.stops <= 200][::2][:8]
    return out


def main(argv: list[str] | None = None) -> int:
    """Print one day as VROOM JSON (feed it to `python -m lithloop.routing solve -`)."""
    import argparse
    import json

    ap = argparse.ArgumentParser(description="a generated regional day as VROOM JSON")
    ap.add_argument("--stops", type=int, default=100)
    ap.add_argument("--trucks", type=int, default=None)
    ap.add_argument("--damaged", type=float, default=0.15)
    ap.add_argument("--windows", type=int, choices=(1, 2), default=1)
    ap.add_argument("--trips", type=int, default=1)
    ap.add_argument("--deliveries", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shared", type=float, default=0.0)
    a = ap.parse_args(argv)
    params = DayParams(
        a.stops, a.trucks, a.damaged, a.windows, a.trips, a.deliveries, a.seed, shared=a.shared
    )
    json.dump(generate_vroom(params), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
