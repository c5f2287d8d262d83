"""plans: clean-up of sequences, the greedy repair, route cost and the plan score, exactly.

Same hand-written matrices as test_schedule.py: park 0, dealers 1 and 2; 0-1 is 100 m /
10 s, 1-2 is 200 m / 20 s, 0-2 is 300 m / 30 s.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from lithloop.routing import Matrices, Problem, Stop, TimeWindow, Vehicle
from lithloop.routing.plans import clean, feasible_or_repaired, repair, route_cost, score
from lithloop.routing.schedule import JOB, RELOAD, simulate
from tests.routing.test_schedule import MATRICES

R = (RELOAD, None)


def van(id_="v", **kw) -> Vehicle:
    kw.setdefault("capacity", (10,))
    kw.setdefault("shift", TimeWindow(0, 10_000))
    return Vehicle(id=id_, **kw)


def problem(stops, *vehicles) -> Problem:
    return Problem(vehicles=tuple(vehicles or (van(),)), stops=tuple(stops), matrices=MATRICES)


@pytest.mark.parametrize(
    ("seq", "cleaned"),
    [
        ([], []),
        ([R], []),
        ([R, R], []),
        ([(JOB, 1)], [(JOB, 1)]),
        ([R, (JOB, 1), R, R, (JOB, 2), R], [(JOB, 1), R, (JOB, 2)]),
        ([(JOB, 1), R, (JOB, 2), R, R], [(JOB, 1), R, (JOB, 2)]),
    ],
)
def test_clean_drops_leading_trailing_and_repeated_reloads(seq, cleaned):
    assert clean(seq) == cleaned


def test_repair_keeps_a_feasible_route_as_it_is():
    stops = [Stop(id="a", location=1, pickup=(4,)), Stop(id="b", location=2, pickup=(6,))]
    assert repair(problem(stops), [[(JOB, 0), (JOB, 1)]]) == [[(JOB, 0), (JOB, 1)]]
    assert repair(problem(stops), [[]]) == [[]]


def test_repair_keeps_a_feasible_route_whose_prefix_is_not():
    # one-way roads: from dealer 1 straight back to the park is 5 km, via dealer 2 only 500 m
    dist = MATRICES.distance.copy()
    dist[1, 0] = 5000
    p = Problem(
        vehicles=(van(max_distance_m=1000),),
        stops=(Stop(id="a", location=1), Stop(id="b", location=2)),
        matrices=Matrices(dist, MATRICES.duration),
    )
    assert not simulate(p, p.vehicles[0], [(JOB, 0)]).feasible
    assert repair(p, [[(JOB, 0), (JOB, 1)]]) == [[(JOB, 0), (JOB, 1)]]


def test_repair_drops_the_job_that_overloads_and_keeps_the_ones_after():
    stops = [
        Stop(id="a", location=1, pickup=(4,)),
        Stop(id="b", location=2, pickup=(7,)),
        Stop(id="c", location=2, pickup=(6,)),
    ]
    routes = [[(JOB, 0), (JOB, 1), (JOB, 2)]]
    assert repair(problem(stops), routes) == [[(JOB, 0), (JOB, 2)]]


def test_repair_keeps_reloads_between_kept_jobs_only():
    stops = [
        Stop(id="a", location=1, pickup=(8,)),
        Stop(id="b", location=2, pickup=(11,)),  # too big for any trip
        Stop(id="c", location=2, pickup=(8,)),
    ]
    v = van(max_trips=3)
    routes = [[R, (JOB, 0), R, (JOB, 1), R, R, (JOB, 2), R]]
    assert repair(problem(stops, v), routes) == [[(JOB, 0), R, (JOB, 2)]]
    routes = [[(JOB, 1), R, (JOB, 0)]]
    assert repair(problem(stops, v), routes) == [[(JOB, 0)]]


def test_repair_keeps_no_reload_the_truck_may_not_make():
    # a single-trip truck: the reload is dropped, not the jobs after it
    stops = [
        Stop(id="a", location=1, pickup=(4,)),
        Stop(id="b", location=2, pickup=(9,)),
        Stop(id="c", location=2, pickup=(5,)),
    ]
    routes = [[(JOB, 0), R, (JOB, 1), (JOB, 2)]]
    assert repair(problem(stops, van(max_trips=1)), routes) == [[(JOB, 0), (JOB, 2)]]
    assert repair(problem(stops, van(max_trips=0)), routes) == [[(JOB, 0), (JOB, 2)]]
    assert repair(problem(stops, van(max_trips=2)), routes) == [[(JOB, 0), R, (JOB, 1)]]


def test_repair_counts_the_trips_already_kept():
    # a reload the truck may not make is dropped, and c rides along in the last trip
    stops = [
        Stop(id="a", location=1, pickup=(4,)),
        Stop(id="b", location=2, pickup=(4,)),
        Stop(id="c", location=1, pickup=(2,)),
        Stop(id="d", location=2, pickup=(11,)),  # fits no trip: the route needs repair
    ]
    seq = [(JOB, 0), R, (JOB, 1), R, (JOB, 2), (JOB, 3)]
    assert repair(problem(stops, van(max_trips=2)), [seq]) == [[(JOB, 0), R, (JOB, 1), (JOB, 2)]]
    assert repair(problem(stops, van(max_trips=3)), [seq]) == [seq[:-1]]


def test_repair_leaves_shipments_out():
    stops = [
        Stop(id="a", location=1, pickup=(11,)),
        Stop(id="sp", location=1, pickup=(2,), kind="pickup", shipment="s"),
        Stop(id="sd", location=2, delivery=(2,), kind="delivery", shipment="s"),
    ]
    assert repair(problem(stops), [[(JOB, 1), (JOB, 0), (JOB, 2)]]) == [[]]
    fine = [Stop(id="a", location=1, pickup=(1,)), *stops[1:]]
    assert repair(problem(fine), [[(JOB, 1), (JOB, 0), (JOB, 2)]]) == [[(JOB, 0)]]


def test_repair_works_per_vehicle():
    stops = [Stop(id="a", location=1, pickup=(6,)), Stop(id="b", location=2, pickup=(6,))]
    p = problem(stops, van("small", capacity=(5,)), van("big", capacity=(20,)))
    assert repair(p, [[(JOB, 0)], [(JOB, 1), (JOB, 0)]]) == [[], [(JOB, 1), (JOB, 0)]]


def test_repair_counts_a_later_delivery_in_the_load_at_the_park():
    # deliveries are loaded at the park: b would overload the start, c still fits
    stops = [
        Stop(id="a", location=1, delivery=(6,)),
        Stop(id="b", location=2, delivery=(5,)),
        Stop(id="c", location=2, delivery=(4,)),
    ]
    fixed = repair(problem(stops), [[(JOB, 0), (JOB, 1), (JOB, 2)]])
    assert fixed == [[(JOB, 0), (JOB, 2)]]
    assert simulate(problem(stops), van(), fixed[0]).feasible


def test_feasible_or_repaired_returns_the_same_routes_when_all_simulate_cleanly():
    stops = [Stop(id="a", location=1, pickup=(4,)), Stop(id="b", location=2, pickup=(11,))]
    routes = [[(JOB, 0), R], []]
    p = problem(stops, van("x"), van("y"))
    assert feasible_or_repaired(p, routes) is routes
    assert feasible_or_repaired(p, [[(JOB, 0)], [(JOB, 1)]]) == [[(JOB, 0)], []]


def test_route_cost_of_a_used_and_an_unused_truck():
    v = van(fixed_cost=100.0, cost_per_km=2.0, cost_per_hour=36.0, cost_per_task_hour=18.0)
    p = problem([Stop(id="a", location=2, service_s=40)], v)
    used = simulate(p, v, [(JOB, 0)], depart=1000)  # 600 m, 60 s on the road, 40 s service
    expected = 100 + 2 * 0.6 + 36 * 60 / 3600 + 18 * 40 / 3600
    assert route_cost(v, used) == pytest.approx(expected, abs=1e-9)
    # Waiting for a window is not priced (VROOM's model): the same route, an hour's wait.
    late = replace(p.stops[0], time_windows=(TimeWindow(5000, 9000),))
    waits = simulate(replace(p, stops=(late,)), v, [(JOB, 0)], depart=1000)
    assert waits.steps[1].waiting_s > 3000
    assert route_cost(v, waits) == pytest.approx(expected, abs=1e-9)
    idle = simulate(p, van(start=1, end=0, fixed_cost=100.0, cost_per_hour=36.0), [], depart=0)
    assert route_cost(v, idle) == pytest.approx(2 * 0.1, abs=1e-9)  # 100 m home, nothing else


def test_score_counts_unserved_required_stops_by_priority_and_optional_penalties():
    stops = [
        Stop(id="a", location=1, service_s=40),
        Stop(id="b", location=2, priority=7),
        Stop(id="c", location=2, priority=3),
        Stop(id="d", location=2, optional=True, penalty=55.5),
        Stop(id="e", location=1, optional=True, penalty=1000.0, priority=9),
    ]
    v = van(fixed_cost=10.0, cost_per_km=1.0)
    p = problem(stops, v, van("idle"), van("other", fixed_cost=20.0))
    missing, cost = score(p, [[(JOB, 0), (JOB, 4)], [], []])
    assert missing == 100 + 7 + 100 + 3
    assert isinstance(missing, float)
    assert cost == pytest.approx(10 + 0.2 + 55.5, abs=1e-9)
    _, two = score(p, [[(JOB, 0), (JOB, 4)], [], [(JOB, 3)]])  # d served: 20 + 0.6 instead
    assert two == pytest.approx(10 + 0.2 + 20 + 0.6, abs=1e-9)
    assert score(p, [[(JOB, 0), (JOB, 1), (JOB, 2), (JOB, 3), (JOB, 4)], []])[0] == 0.0
