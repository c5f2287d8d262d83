"""A stop's setup time (parking, papers) is paid once per arrival at its place: several
stops at one site cost one setup, in the schedule, in every engine and in the checks."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from lithloop.routing import (
    TimeWindow,
    ortools_model,
    ortools_solve,
    pyvrp_engine,
    solve,
    vroom_engine,
)
from lithloop.routing.construct import construct
from lithloop.routing.reasons import compatible_vehicles
from lithloop.routing.schedule import JOB, RELOAD, simulate
from lithloop.routing.verify import check_solution
from lithloop.routing.vroom_io import problem_from_vroom
from lithloop.routing.vroom_out import solution_to_vroom
from tests.routing.checker import check
from tests.routing.factory import problem, stop, truck

SETUP, SERVICE = 900, 300


def _site_day(n_at_site: int = 6, shift_h: float = 3.5):
    """`n_at_site` stops at a site 30 km out (30 min each way), one more 30 km beyond it;
    one truck whose shift fits one setup per place, not one per stop."""
    stops = [stop(f"s{i}", 1, setup_s=SETUP, service_s=SERVICE) for i in range(n_at_site)]
    stops.append(stop("far", 2, setup_s=SETUP, service_s=SERVICE))
    shift = TimeWindow(8 * 3600, int(8 * 3600 + shift_h * 3600))
    return problem([truck("t", capacity=(5000, 20), shift=shift)], stops, [0, 30, 60])


def test_stops_at_one_site_pay_one_setup_in_the_schedule():
    p = _site_day()
    v = p.vehicles[0]
    seq = [(JOB, i) for i in range(7)]
    sim = simulate(p, v, seq, depart=v.shift.start)
    at_site = [st for st in sim.steps if st.stop_id in {f"s{i}" for i in range(6)}]
    assert at_site[0].departure - at_site[0].service_start == SETUP + SERVICE
    for st in at_site[1:]:  # the truck is there already
        assert st.departure - st.service_start == SERVICE
    far = next(st for st in sim.steps if st.stop_id == "far")
    assert far.departure - far.service_start == SETUP + SERVICE  # another place: again
    assert sim.task_s == 2 * SETUP + 7 * SERVICE


def test_coming_back_to_a_site_pays_its_setup_again():
    p = _site_day(n_at_site=2)
    v = p.vehicles[0]
    back_and_forth = [(JOB, 0), (JOB, 2), (JOB, 1)]  # site, far, site again
    sim = simulate(p, v, back_and_forth, depart=v.shift.start)
    assert sim.task_s == 3 * (SETUP + SERVICE)
    after_reload = problem(
        [truck("t", capacity=(5000, 20), max_trips=2)],
        [stop("a", 1, setup_s=SETUP, service_s=SERVICE), stop("b", 1, setup_s=SETUP)],
        [0, 30],
    )
    trips = simulate(after_reload, after_reload.vehicles[0], [(JOB, 0), (RELOAD, None), (JOB, 1)])
    assert trips.steps[3].departure - trips.steps[3].service_start == SETUP + 600


def test_the_window_is_on_the_start_of_work_setup_included():
    p = problem(
        [truck("t")],
        [stop("a", 1, setup_s=SETUP, service_s=SERVICE, time_windows=(TimeWindow(0, 9 * 3600),))],
        [0, 60],  # an hour out: arrives at 9:00, works until 9:20
    )
    sim = simulate(p, p.vehicles[0], [(JOB, 0)], depart=8 * 3600)
    assert sim.feasible
    assert sim.steps[1].service_start == 9 * 3600
    assert sim.steps[1].departure == 9 * 3600 + SETUP + SERVICE


def _ortools(p, allowed, seconds=2.0):
    bm = ortools_model.build(p, allowed)
    sol, _ = ortools_solve.run(bm, seconds, len(p.stops))
    return ortools_solve.extract(bm, sol)[0] if sol else [[] for _ in p.vehicles]


def _pyvrp(p, allowed, seconds=1.0):
    routes, feasible, _ = pyvrp_engine.solve_pyvrp(p, allowed, seconds, 0, 10**9, strict=True)
    return routes if feasible else [[]]  # feasible by PyVRP's own reckoning too


def _vroom(p, allowed):
    return [[(JOB, i) for i in seq] for seq in vroom_engine.solve_vroom(p, allowed, 1.0, 5)]


@pytest.mark.parametrize("engine", [_ortools, _pyvrp, _vroom], ids=["ortools", "pyvrp", "vroom"])
def test_every_engine_alone_plans_a_site_with_one_setup(engine):
    # 3.5 h: 2 h of driving, 2 setups and 7 services (65 min) fit; 7 setups (140 min) do not
    p = _site_day()
    allowed, _ = compatible_vehicles(p)
    routes = engine(p, allowed)
    assert sorted(i for _, i in routes[0]) == list(range(7))
    assert simulate(p, p.vehicles[0], routes[0]).feasible


def test_the_race_plans_a_site_with_one_setup_and_checks_it():
    p = _site_day()
    sol = solve(p, time_limit_s=2.0)
    assert not sol.unassigned, [u.reason for u in sol.unassigned]
    assert check(p, sol) == []
    assert check_solution(p, sol) == []
    assert sol.routes[0].service == 2 * SETUP + 7 * SERVICE
    answer = solution_to_vroom(sol)  # as VROOM answers: setup apart from service
    assert answer["summary"]["setup"] == answer["routes"][0]["setup"] == 2 * SETUP
    assert answer["routes"][0]["service"] == 7 * SERVICE
    assert [st["setup"] for st in answer["routes"][0]["steps"] if st.get("id") in ("s0", "s1")] == [
        SETUP,
        0,
    ]


def test_the_constructive_start_pays_one_setup_per_site():
    p = _site_day()
    allowed, _ = compatible_vehicles(p)
    routes = construct(p, allowed)
    assert sorted(i for _, i in routes[0]) == list(range(7))


def test_a_stop_that_only_fits_without_a_second_setup_is_reachable():
    # alone, the far stop is out and back (2 h) plus one setup and its service
    p = _site_day(n_at_site=0, shift_h=2 + (SETUP + SERVICE) / 3600)
    allowed, reasons = compatible_vehicles(p)
    assert allowed == [[0]] and not reasons
    tight = _site_day(n_at_site=0, shift_h=2 + (SETUP + SERVICE - 60) / 3600)
    allowed, reasons = compatible_vehicles(tight)
    assert allowed == [[]] and reasons[0].reason == "window_unreachable"


def test_a_plan_leaving_before_the_setup_is_done_is_caught():
    p = _site_day(n_at_site=1)
    sol = solve(p, time_limit_s=1.0, use_vroom=False, use_pyvrp=False)
    route = sol.routes[0]
    first = route.steps[1]
    rushed = first.__class__(**{**first.__dict__, "departure": first.service_start + SERVICE})
    steps = (route.steps[0], rushed, *route.steps[2:])
    hurried = sol.__class__(
        **{**sol.__dict__, "routes": (route.__class__(**{**route.__dict__, "steps": steps}),)}
    )
    assert any("before its work is done" in e for e in check_solution(p, hurried))


def test_vroom_json_setup_is_a_setup_not_more_service():
    doc = {
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0}],
        "jobs": [{"id": 7, "location_index": 1, "service": 60, "setup": 120}],
        "matrices": {"car": {"durations": [[0, 10], [10, 0]]}},
    }
    s = problem_from_vroom(doc).stops[0]
    assert (s.service_s, s.setup_s) == (60, 120)


H = 3600


def test_a_second_stop_at_a_place_keeps_its_window_in_the_plan():
    # B due by 9:00, A a delivery there that must come first (the truck is full of it)
    b = stop("B", 1, pickup=(100,), setup_s=SETUP, service_s=SERVICE)
    b = replace(b, time_windows=(TimeWindow(0, 9 * H),))
    a = stop("A", 1, pickup=(), delivery=(100,), setup_s=SETUP, service_s=SERVICE)
    p = problem([truck("t", capacity=(100,))], [b, a], [0, 30])
    allowed, _ = compatible_vehicles(p)
    bm = ortools_model.build(p, allowed)
    routes, departs = ortools_solve.extract(bm, ortools_solve.run(bm, 1.0, 2)[0])
    if routes[0]:
        assert simulate(p, p.vehicles[0], routes[0], departs[0]).feasible
    sol = solve(p, time_limit_s=1.0, use_vroom=False, use_pyvrp=False)
    assert check_solution(p, sol) == [] and check(p, sol) == []


def test_a_stop_at_the_park_pays_its_setup_in_every_engine():
    # out 30 min to A (8:30-8:50), back 9:20, X at the park from 9:30: 15 + 5 min -> 9:50
    a = stop("A", 1, setup_s=SETUP, service_s=SERVICE)
    x = stop("X", 0, setup_s=SETUP, service_s=SERVICE)
    x = replace(x, time_windows=(TimeWindow(9 * H + 1800, 10 * H),))
    p = problem([truck("t", shift=TimeWindow(8 * H, 9 * H + 40 * 60))], [a, x], [0, 30])
    allowed, _ = compatible_vehicles(p)
    for engine in (_ortools, _pyvrp):
        assert simulate(p, p.vehicles[0], engine(p, allowed)[0]).feasible, engine.__name__


def _random_site_day(seed: int):
    rng = random.Random(seed)
    sites = [0] + [rng.uniform(5, 60) for _ in range(8)]  # some places shared, some not
    stops = []
    for k in range(9):
        begin = rng.choice([8, 9, 10, 13]) * H + rng.choice([0, 900, 1800])
        win = (TimeWindow(begin, begin + rng.choice([1800, 3600, 3 * H])),)
        kw = dict(setup_s=rng.choice([0, 600, 900]), service_s=rng.choice([60, 300, 900]))
        stops.append(stop(f"s{k}", rng.randint(1, 8), time_windows=win, **kw))
    fleet = [
        truck(f"t{j}", shift=TimeWindow(8 * H, 8 * H + rng.choice([4, 6]) * H)) for j in (0, 1)
    ]
    return problem(fleet, stops, sites)


@pytest.mark.parametrize("seed", range(8))
def test_what_the_engines_call_feasible_the_schedule_does_too(seed):
    """The engines see setups and windows cautiously (never looser than the schedule)."""
    p = _random_site_day(seed)
    allowed, _ = compatible_vehicles(p)
    for engine in (_ortools, _pyvrp):
        for j, seq in enumerate(engine(p, allowed, 0.3)):
            assert simulate(p, p.vehicles[j], seq).feasible, (engine.__name__, seq)
