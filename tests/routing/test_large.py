"""A 200-stop day: constructive warm start, PyVRP race and OR-Tools, checked independently."""

from __future__ import annotations

import numpy as np

from lithloop.routing import Matrices, Problem, Stop, TimeWindow, Vehicle, solve

from .checker import check

H = 3600


def _day(n: int = 200, trucks: int = 8, seed: int = 3) -> Problem:
    rng = np.random.default_rng(seed)
    xy = np.vstack([[0, 0], rng.uniform(-40_000, 40_000, size=(n, 2))])
    d = np.rint(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) * 1.3).astype(np.int64)
    t = np.rint(d / (50 / 3.6)).astype(np.int64)
    stops = []
    for i in range(n):
        wins = ()
        if i % 3 == 0:
            wins = (TimeWindow(8 * H, 12 * H),)
        elif i % 3 == 1:
            wins = (TimeWindow(9 * H, 10 * H), TimeWindow(13 * H, 17 * H))
        stops.append(
            Stop(
                id=f"s{i}",
                location=i + 1,
                pickup=(int(rng.integers(50, 700)), 1),
                delivery=(300, 1) if i % 10 == 0 else (),
                service_s=600,
                time_windows=wins,
                skills=frozenset({"hazmat"}) if i % 7 == 0 else frozenset(),
                optional=i % 4 == 0,
                penalty=200.0,
                priority=int(rng.integers(0, 100)),
            )
        )
    vehicles = [
        Vehicle(
            id=f"t{j}",
            capacity=(3000, 8),
            shift=TimeWindow(7 * H, 18 * H),
            skills=frozenset({"hazmat"}) if j < 2 else frozenset(),
            max_trips=3,
            reload_s=1200,
            cost_per_km=3.0,
            cost_per_hour=50.0,
            fixed_cost=100.0,
            max_work_s=10 * H,
        )
        for j in range(trucks)
    ]
    return Problem(tuple(vehicles), tuple(stops), Matrices(d, t))


def test_two_hundred_stop_day_is_feasible():
    p = _day()
    sol = solve(p, time_limit_s=4)
    errors = check(p, sol)
    assert not errors, errors[:5]
    served = sum(len(r.stop_ids) for r in sol.routes)
    assert served >= 60
    assert any("construct" in n for n in sol.notes)
    assert any(r.trips > 1 for r in sol.routes)
    for r in sol.routes:
        hazmat = [s for s in r.stop_ids if int(s[1:]) % 7 == 0]
        assert not hazmat or r.vehicle_id in ("t0", "t1")
