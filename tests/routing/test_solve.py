"""Solving: side constraints, multi-trip reloads, pickups+deliveries, reasons, progress."""

from __future__ import annotations

import pytest

from lithloop.routing import Stop, TimeWindow, solve

from .checker import check
from .factory import problem, stop, truck

POS = [0, 10, 20, 30, 40, 50, 60]


def _ok(p, sol, **kw):
    errors = check(p, sol, **kw)
    assert not errors, errors
    return sol


def test_all_stops_served_feasibly():
    p = problem([truck("t1"), truck("t2")], [stop(i, 1 + i % 6) for i in range(8)], POS)
    sol = _ok(p, solve(p, time_limit_s=0.5), require_all=True)
    assert sol.status == "solved"
    assert sol.distance > 0 and sol.cost > 0


def test_skills_route_hazmat_stop_to_certified_truck():
    trucks = [truck("plain"), truck("haz", skills=frozenset({"hazmat"}))]
    stops = [stop(i, 1 + i % 6) for i in range(4)]
    stops.append(stop("damaged", 6, skills=frozenset({"hazmat"})))
    p = problem(trucks, stops, POS)
    sol = _ok(p, solve(p, time_limit_s=0.5), require_all=True)
    owner = [r.vehicle_id for r in sol.routes if "damaged" in r.stop_ids]
    assert owner == ["haz"]


def test_missing_skill_is_reported():
    p = problem([truck("t1")], [stop(1, 1), stop(2, 2, skills=frozenset({"tail_lift"}))], POS)
    sol = _ok(p, solve(p, time_limit_s=0.3))
    (u,) = sol.unassigned
    assert (u.stop_id, u.reason) == (2, "skill_missing")
    assert "tail_lift" in u.message


def test_multi_trip_reload_resets_load():
    # 6 stops of 900 kg, truck holds 2000 kg: needs three trips.
    t = truck("t1", capacity=(2000, 10), max_trips=3, reload_s=900)
    p = problem([t], [stop(i, 1 + i % 3, kg=900) for i in range(6)], [0, 5, 8, 12])
    sol = _ok(p, solve(p, time_limit_s=1.0), require_all=True)
    (route,) = sol.routes
    assert route.trips == 3
    assert sum(s.type == "reload" for s in route.steps) == 2
    assert max(s.load[0] for s in route.steps) <= 2000


def test_single_trip_truck_drops_what_does_not_fit():
    t = truck("t1", capacity=(2000, 10), max_trips=1)
    p = problem([t], [stop(i, 1 + i % 3, kg=900) for i in range(4)], [0, 5, 8, 12])
    sol = _ok(p, solve(p, time_limit_s=0.5))
    assert len(sol.unassigned) == 2
    assert {u.reason for u in sol.unassigned} == {"day_full"}
    assert sol.status == "partial"


def test_mixed_pickup_and_delivery_keeps_load_feasible():
    # A delivery of 1500 kg goes out from the park; pickups of 600 kg come back.
    t = truck("t1", capacity=(2000, 10))
    stops = [
        stop("buyer", 3, pickup=(0, 0), delivery=(1500, 3)),
        stop("a", 1, kg=600),
        stop("b", 2, kg=600),
    ]
    p = problem([t], stops, [0, 5, 10, 15])
    sol = _ok(p, solve(p, time_limit_s=1.0), require_all=True)
    ids = sol.routes[0].stop_ids
    # Load starts at 1500: both pickups (1200) only fit after the delivery.
    assert ids.index("buyer") < max(ids.index("a"), ids.index("b"))
    assert sol.routes[0].steps[0].load[0] == 1500


def test_deliveries_across_trips():
    t = truck("t1", capacity=(1000, 10), max_trips=2, reload_s=300)
    stops = [
        stop("d1", 1, pickup=(0, 0), delivery=(800, 1)),
        stop("d2", 2, pickup=(0, 0), delivery=(800, 1)),
        stop("p1", 3, kg=300),
    ]
    p = problem([t], stops, [0, 5, 10, 15])
    sol = _ok(p, solve(p, time_limit_s=1.0), require_all=True)
    assert sol.routes[0].trips == 2


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        (dict(kg=5000), "capacity_exceeded"),
        (dict(time_windows=(TimeWindow(3600, 7200),)), "window_unreachable"),
        (
            dict(time_windows=(TimeWindow(17 * 3600 + 3000, 17 * 3600 + 3500),)),
            "window_unreachable",
        ),
    ],
)
def test_precheck_reasons(kw, reason):
    p = problem([truck("t1")], [stop(1, 1), stop(2, 6, **kw)], POS)
    sol = _ok(p, solve(p, time_limit_s=0.3))
    assert [(u.stop_id, u.reason) for u in sol.unassigned] == [(2, reason)]


def test_out_of_range_reason():
    p = problem([truck("t1", max_distance_m=50_000)], [stop(1, 1), stop(2, 6)], POS)
    sol = _ok(p, solve(p, time_limit_s=0.3))
    assert [(u.stop_id, u.reason) for u in sol.unassigned] == [(2, "out_of_range")]


def test_max_distance_and_work_time_respected():
    t = truck("t1", max_distance_m=100_000, max_work_s=4 * 3600)
    p = problem([t], [stop(i, 1 + i % 6) for i in range(6)], POS)
    sol = _ok(p, solve(p, time_limit_s=0.5))
    assert sol.routes and sol.routes[0].distance <= 100_000


def test_multiple_time_windows():
    s = stop(
        1, 3, time_windows=(TimeWindow(8 * 3600, 8 * 3600 + 60), TimeWindow(14 * 3600, 15 * 3600))
    )
    p = problem([truck("t1")], [s, stop(2, 1)], POS)
    sol = _ok(p, solve(p, time_limit_s=0.3), require_all=True)
    job = next(st for st in sol.routes[0].steps if st.stop_id == 1)
    assert 14 * 3600 <= job.service_start <= 15 * 3600


def test_no_feasible_route_returns_every_job_unassigned():
    t = truck("t1", shift=TimeWindow(0, 600))  # 10-minute shift, nothing reachable
    p = problem([t], [stop(1, 3), stop(2, 5)], POS)
    sol = solve(p, time_limit_s=0.3)
    assert sol.status == "no_route" and not sol.routes
    assert {u.reason for u in sol.unassigned} == {"window_unreachable"}
    assert not check(p, sol)


def test_full_day_drops_lowest_priority():
    t = truck("t1", capacity=(1000, 10))
    stops = [stop("low", 1, kg=700, priority=0), stop("high", 2, kg=700, priority=90)]
    p = problem([t], stops, POS)
    sol = _ok(p, solve(p, time_limit_s=0.5))
    assert [u.stop_id for u in sol.unassigned] == ["low"]


def test_optional_stop_left_when_not_worth_it():
    far = stop("far", 6, optional=True, penalty=0.01)
    p = problem([truck("t1")], [stop(1, 1), far], POS)
    sol = _ok(p, solve(p, time_limit_s=0.5))
    assert [u.stop_id for u in sol.unassigned] == ["far"]


def test_progress_callback_and_a_raising_one():
    p = problem([truck("t1"), truck("t2")], [stop(i, 1 + i % 6) for i in range(6)], POS)
    seen = []
    sol = solve(p, time_limit_s=0.5, on_progress=lambda c, t: seen.append((c, t)), use_pyvrp=False)
    assert seen and all(c >= 0 and t >= 0 for c, t in seen)
    assert seen[-1][0] >= sol.cost - 1e-6 or abs(seen[-1][0] - sol.cost) < 1

    def boom(cost, elapsed):
        raise RuntimeError("progress bar broke")

    sol2 = _ok(p, solve(p, time_limit_s=0.5, on_progress=boom, use_pyvrp=False), require_all=True)
    assert sol2.cost == pytest.approx(sol.cost, rel=0.2)
    assert any("progress bar broke" in n for n in sol2.notes)


def test_start_and_end_elsewhere():
    t = truck("t1", start=1, end=6)
    p = problem([t], [stop(i, 2 + i % 4) for i in range(4)], POS)
    sol = _ok(p, solve(p, time_limit_s=0.5), require_all=True)
    assert sol.routes[0].steps[0].location == 1 and sol.routes[0].steps[-1].location == 6


def test_initial_routes_are_used_as_hint():
    from dataclasses import replace

    from lithloop.routing import InitialRoute

    p = problem([truck("t1"), truck("t2")], [stop(i, 1 + i % 6) for i in range(4)], POS)
    p = replace(p, initial_routes=(InitialRoute("t2", (0, 1, 2, 3)),))
    sol = _ok(p, solve(p, time_limit_s=0.3, use_pyvrp=False), require_all=True)
    assert sol.status == "solved"


def test_shipment_stays_in_one_trip():
    t = truck("t1", capacity=(1000, 10), max_trips=2, reload_s=300)
    stops = [
        stop("a", 1, kg=800),
        stop("b", 2, kg=800),
        Stop(id="sp", location=3, pickup=(600, 1), kind="pickup", shipment="x"),
        Stop(id="sd", location=1, delivery=(600, 1), kind="delivery", shipment="x"),
    ]
    p = problem([t], stops, [0, 5, 10, 15])
    sol = _ok(p, solve(p, time_limit_s=1.0))
    assert not sol.unassigned or {u.stop_id for u in sol.unassigned} == {"sp", "sd"}
    ids = sol.routes[0].stop_ids
    if "sp" in ids:
        assert ids.index("sp") < ids.index("sd")
