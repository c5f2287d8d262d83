"""Serving a stop is always cheaper than dropping it: OR-Tools' drop penalties and PyVRP's
prizes exceed the most a single stop can cost to serve (a truck of its own, the whole
shift, the longest round trip)."""

from __future__ import annotations

from lithloop.routing import Stop, TimeWindow, Vehicle, ortools_model, ortools_solve, pyvrp_engine
from lithloop.routing.ortools_costs import COST_SCALE
from lithloop.routing.reasons import compatible_vehicles
from lithloop.routing.schedule import JOB

from .factory import problem

H = 3600


def _costly_day():
    """One far stop whose truck costs a fortune to send out for a whole long shift."""
    pricey = Vehicle(
        id="pricey",
        capacity=(5000, 10),
        shift=TimeWindow(6 * H, 22 * H),
        fixed_cost=40_000.0,
        cost_per_km=30.0,
        cost_per_hour=2_000.0,
    )
    far = Stop(
        id="far",
        location=1,
        pickup=(100, 1),
        service_s=2 * H,
        time_windows=(TimeWindow(16 * H, 16 * H + 600),),
    )
    return problem([pricey], [far], [0, 200])  # 200 km out, served late: a long day


def test_ortools_alone_serves_the_costly_stop():
    p = _costly_day()
    allowed, _ = compatible_vehicles(p)
    bm = ortools_model.build(p, allowed)
    sol, notes = ortools_solve.run(bm, 1.0, 1)
    routes, _ = ortools_solve.extract(bm, sol)
    assert routes[0] == [(JOB, 0)], notes


def test_drop_penalty_exceeds_the_dearest_way_to_serve_any_stop():
    p = _costly_day()
    allowed, _ = compatible_vehicles(p)
    bm = ortools_model.build(p, allowed)
    v = p.vehicles[0]
    worst = (
        v.fixed_cost + v.cost_per_km * 2 * 200 + v.cost_per_hour * (v.shift.end - v.shift.start) / H
    ) * COST_SCALE
    assert bm.big_penalty > worst


def test_pyvrp_prize_mode_serves_the_costly_stop():
    p = _costly_day()
    allowed, _ = compatible_vehicles(p)
    bm = ortools_model.build(p, allowed)
    routes, _, _ = pyvrp_engine.solve_pyvrp(p, allowed, 0.5, 0, bm.big_penalty, strict=False)
    assert routes[0] == [(JOB, 0)]
