"""Hypothesis: random small problems always yield feasible, consistent solutions."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lithloop.routing import Matrices, Problem, Stop, TimeWindow, Vehicle, solve

from .checker import check

SKILLS = ["hazmat", "lift"]


@st.composite
def problems(draw):
    n_loc = draw(st.integers(3, 7))
    pts = draw(
        st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=n_loc, max_size=n_loc)
    )
    xy = np.array(pts, dtype=float) * 1000
    d = np.rint(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1))).astype(np.int64)
    mats = Matrices(d, (d // 12).astype(np.int64))  # ~43 km/h
    vehicles = []
    for j in range(draw(st.integers(1, 2))):
        vehicles.append(
            Vehicle(
                id=f"v{j}",
                start=0,
                capacity=(draw(st.integers(500, 3000)), draw(st.integers(2, 8))),
                skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=2))),
                shift=TimeWindow(0, draw(st.integers(2, 10)) * 3600),
                max_trips=draw(st.integers(1, 3)),
                reload_s=draw(st.sampled_from([0, 600])),
                max_distance_m=draw(st.one_of(st.none(), st.integers(30_000, 200_000))),
            )
        )
    stops = []
    for i in range(draw(st.integers(1, 7))):
        wins = ()
        if draw(st.booleans()):
            a = draw(st.integers(0, 6)) * 1800
            wins = (TimeWindow(a, a + draw(st.integers(1, 6)) * 1800),)
            if draw(st.booleans()):
                b = wins[0].end + 3600
                wins += (TimeWindow(b, b + 3600),)
        delivery = (
            (draw(st.integers(0, 1500)), draw(st.integers(0, 2))) if draw(st.booleans()) else ()
        )
        stops.append(
            Stop(
                id=i,
                location=draw(st.integers(1, n_loc - 1)),
                pickup=(draw(st.integers(0, 1500)), draw(st.integers(0, 3))),
                delivery=delivery,
                service_s=draw(st.sampled_from([0, 300, 900])),
                time_windows=wins,
                skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=1))),
                priority=draw(st.integers(0, 100)),
                optional=draw(st.booleans()),
                penalty=draw(st.sampled_from([0.0, 50.0, 1000.0])),
            )
        )
    for k in range(draw(st.integers(0, 1))):  # a shipment between two dealers
        amount = (draw(st.integers(0, 1500)), draw(st.integers(0, 3)))
        a, b = draw(st.integers(1, n_loc - 1)), draw(st.integers(1, n_loc - 1))
        stops.append(Stop(id=f"p{k}", location=a, pickup=amount, kind="pickup", shipment=k))
        stops.append(
            Stop(
                id=f"d{k}", location=b, delivery=amount, kind="delivery", shipment=k, service_s=300
            )
        )
    return Problem(vehicles=tuple(vehicles), stops=tuple(stops), matrices=mats)


@settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(problems())
def test_random_problems_feasible_and_reasons_true(p):
    sol = solve(p, time_limit_s=0.3)
    errors = check(p, sol)
    assert not errors, errors
    for u in sol.unassigned:
        s = next(x for x in p.stops if x.id == u.stop_id)
        skilled = [v for v in p.vehicles if s.skills <= v.skills]
        if u.reason == "skill_missing":
            assert not skilled
        elif u.reason == "capacity_exceeded":
            amount = [
                max(a, b) for a, b in zip(s.pickup or (0, 0), s.delivery or (0, 0), strict=True)
            ]
            assert all(any(a > c for a, c in zip(amount, v.capacity, strict=True)) for v in skilled)
        elif u.reason == "day_full":
            assert skilled
