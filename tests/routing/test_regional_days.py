"""The bench's regional day generator: valid VROOM JSON, servable stops, same day per seed."""

from __future__ import annotations

import json
from dataclasses import replace

from bench.regional_days import HAZMAT, REACH_KM, DayParams, generate, instances
from bench.regional_peers import to_solution
from lithloop.geo import park_place
from lithloop.geo.matrices import haversine_matrix
from lithloop.routing import problem_from_vroom

from .checker import check


def test_same_seed_same_day_and_another_seed_another_day():
    p = DayParams(stops=40, windows=2, trips=2, deliveries=0.2, seed=5)
    a, _ = generate(p)
    b, _ = generate(p)
    c, _ = generate(DayParams(stops=40, windows=2, trips=2, deliveries=0.2, seed=6))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["jobs"] != c["jobs"]


def test_day_has_the_asked_shape():
    doc, problem = generate(
        DayParams(stops=80, damaged=0.25, windows=2, trips=3, deliveries=0.1, seed=2)
    )
    assert len(problem.stops) == 80 and len(problem.vehicles) == 16  # one truck per 5 stops
    assert {v.capacity for v in problem.vehicles} == {(5000, 10), (12000, 24)}
    assert all(v.max_trips == 3 and v.reload_s > 0 for v in problem.vehicles)
    damaged = [s for s in problem.stops if HAZMAT in s.skills]
    deliveries = [s for s in problem.stops if s.delivery]
    assert len(deliveries) == 8 and all(not s.pickup for s in deliveries)
    assert 8 <= len(damaged) <= 30  # about a quarter of the 72 pickups
    assert any(len(s.time_windows) == 2 for s in problem.stops)
    assert all(1 <= len(s.time_windows) <= 2 for s in problem.stops)
    park = park_place()
    coords = doc["meta"]["coordinates"]
    assert tuple(coords[0]) == (park.lon, park.lat)  # the depot is the park
    far = haversine_matrix(coords)[0].max() / 1000
    assert far <= REACH_KM + 6
    # the JSON is what the CLI reads, and it is the same problem
    again = problem_from_vroom(json.loads(json.dumps(doc)))
    assert again.stops == problem.stops and again.vehicles == problem.vehicles


def test_every_stop_can_be_served_alone_by_some_truck():
    _, problem = generate(DayParams(stops=60, damaged=0.3, windows=2, seed=11))
    for i, s in enumerate(problem.stops):
        ok = False
        for v in problem.vehicles:
            if not s.skills <= v.skills:
                continue
            sol = to_solution(problem, {v.id: [("job", i)]}, "alone", 0.0)
            if not check(problem, sol):
                ok = True
                break
        assert ok, f"stop {s.id} cannot be served by any truck on its own"


def test_bench_set_spans_60_to_400_stops_with_mixed_options():
    days = instances()
    assert len(days) >= 20
    assert min(d.stops for d in days) == 60 and max(d.stops for d in days) == 400
    assert {d.windows for d in days} == {1, 2}
    assert any(d.trips > 1 for d in days) and any(d.deliveries for d in days)
    assert len({d.name for d in days}) == len(days)


def test_fresh_days_are_the_same_kinds_of_day_with_other_seeds():
    fixed, fresh = instances(), instances(fresh=1)
    assert [replace(d, seed=0) for d in fixed] == [replace(d, seed=0) for d in fresh]
    assert not {d.seed for d in fixed} & {d.seed for d in fresh}
    assert {d.seed for d in fresh} != {d.seed for d in instances(fresh=2)}


def test_a_day_with_shared_sites_books_some_sites_twice_with_one_setup_each_visit():
    plain = DayParams(stops=60, windows=2, seed=4)
    doc, problem = generate(replace(plain, shared=0.3))
    places = [s.location for s in problem.stops]
    assert 8 <= len(places) - len(set(places)) <= 30  # about 30 % of the pickups share
    assert all(s.setup_s == 900 for s in problem.stops)
    by_place: dict = {}
    for s in problem.stops:  # a site's bookings keep its hours
        by_place.setdefault(s.location, set()).add(s.time_windows)
    assert all(len(hours) == 1 for hours in by_place.values())
    unshared, _ = generate(plain)
    assert all("setup" not in job for job in unshared["jobs"])
    assert len({j["location_index"] for j in unshared["jobs"]}) == 60
    assert "sh30" in replace(plain, shared=0.3).name and "sh" not in plain.name


def test_the_peers_plans_of_a_shared_day_pass_the_checker():
    from bench.regional_peers import solve_pyvrp, solve_vroom

    doc, problem = generate(DayParams(stops=30, shared=0.4, seed=3))
    for engine, (seqs, wall) in (
        ("vroom", solve_vroom(doc, problem, 1.0, level=0)),
        ("pyvrp", solve_pyvrp(problem, 1.0)),
    ):
        sol = to_solution(problem, seqs, engine, wall)
        assert check(problem, sol) == [], engine
        assert sol.routes


def test_the_benchs_cost_variants_price_what_they_say():
    from bench.routing_regional import KM_ONLY_FEN, day_of

    p = DayParams(stops=20, seed=3)
    _, real = day_of(p)
    _, none = day_of(p, "none")
    _, km = day_of(p, "km")
    assert any(v.fixed_cost and v.cost_per_hour for v in real.vehicles)
    assert all(not v.fixed_cost and v.cost_per_km == 0 for v in none.vehicles)
    # every truck pays the same per km and nothing else: the objective is the distance
    assert {(v.fixed_cost, v.cost_per_hour, v.cost_per_km) for v in km.vehicles} == {
        (0, 0, KM_ONLY_FEN)
    }
