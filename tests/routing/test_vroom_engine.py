"""pyvroom as a racer: its routes are re-simulated against all our constraints; without
pyvroom the race goes on with a note."""

from __future__ import annotations

import time

from lithloop.routing import solve, vroom_engine, vroom_process
from lithloop.routing.reasons import compatible_vehicles
from lithloop.routing.schedule import JOB, simulate

from .checker import check
from .test_large import _day


def test_vroom_routes_become_feasible_multi_trip_routes():
    p = _day(n=60, trucks=6)
    allowed, _ = compatible_vehicles(p)
    visits = vroom_engine.solve_vroom(p, allowed, 1.0, 0, multi_trip=True)
    assert sum(map(len, visits)) > 30
    for j, seq in enumerate(vroom_engine.to_routes(p, visits)):
        v = p.vehicles[j]
        assert simulate(p, v, seq).feasible
        assert all(p.stops[i].skills <= v.skills for k, i in seq if k == JOB)


def test_vroom_races_and_its_absence_is_a_note(monkeypatch):
    p = _day(n=40, trucks=4)
    sol = solve(p, time_limit_s=2, use_pyvrp=False)
    assert not check(p, sol)
    assert "vroom" in sol.engine and any(n.startswith("VROOM (exploration") for n in sol.notes)
    monkeypatch.setattr(vroom_engine, "vroom", None)
    sol = solve(p, time_limit_s=1, use_pyvrp=False)
    assert not check(p, sol)
    assert "pyvroom not installed: VROOM skipped" in sol.notes


def test_a_quick_budget_gives_vroom_every_core_and_a_long_one_a_single_thread(monkeypatch):
    from lithloop.routing.config import RaceConfig

    config = RaceConfig()
    monkeypatch.setattr(vroom_engine.os, "cpu_count", lambda: 4)
    seconds, _ = vroom_engine.plan(1.0, 400, config)
    assert vroom_engine.threads(seconds, config) == config.vroom_threads_quick == 2
    assert vroom_engine.threads(vroom_engine.plan(10.0, 400, config)[0], config) == 1
    monkeypatch.setattr(vroom_engine.os, "cpu_count", lambda: 1)
    assert vroom_engine.threads(seconds, config) == 1


def test_vroom_on_two_threads_answers_a_feasible_plan():
    p = _day(n=60, trucks=6)
    allowed, _ = compatible_vehicles(p)
    visits = vroom_engine.solve_vroom(p, allowed, 0.5, 0, threads=2)
    assert sum(map(len, visits)) > 30
    assert all(
        simulate(p, p.vehicles[j], seq).feasible
        for j, seq in enumerate(vroom_engine.to_routes(p, visits))
    )


def test_a_single_trip_too_heavy_is_cut_into_trips_before_the_stop_that_overfills():
    p = _day(n=60, trucks=6)
    j = next(k for k, v in enumerate(p.vehicles) if v.max_trips >= 2)
    cap = p.vehicles[j].capacity
    pickups = [i for i, s in enumerate(p.stops) if not s.delivery][:20]
    seq = vroom_engine.split_trips(p, j, pickups)
    # expected: a new trip exactly where the trip's pickups so far would pass a capacity
    expected, load, trips = [], [0, 0], 1
    for i in pickups:
        load = [a + b for a, b in zip(load, p.stops[i].pickup, strict=True)]
        if (
            trips < p.vehicles[j].max_trips
            and expected
            and any(x > c for x, c in zip(load, cap, strict=True))
        ):
            expected.append(("reload", None))
            load, trips = list(p.stops[i].pickup), trips + 1
        expected.append((JOB, i))
    assert any(k == "reload" for k, _ in expected)  # the day is heavy enough to need one
    assert seq == expected
    # a trip that fits is left whole
    light = pickups[:2]
    assert vroom_engine.split_trips(p, j, light) == [(JOB, i) for i in light]


def _timed_levels(monkeypatch, seconds_of_level: dict) -> None:
    """A stand-in for VROOM whose levels take the given seconds and visit nothing, but
    level 5: stops 0-4 on the first truck."""

    def fake(problem, allowed, seconds, exploration, multi_trip=False, threads=1):
        time.sleep(min(seconds_of_level[exploration], seconds))
        visits = [[] for _ in problem.vehicles]
        if exploration == 5:
            visits[0] = [0, 1, 2, 3, 4]
        return visits

    monkeypatch.setattr(vroom_engine, "solve_vroom", fake)


def test_a_level_that_ends_early_hands_the_time_left_to_a_deeper_one(monkeypatch):
    p = _day(n=10, trucks=2)
    allowed, _ = compatible_vehicles(p)
    _timed_levels(monkeypatch, {0: 0.02, 1: 0.05, 3: 0.05, 5: 0.05})
    answers = list(vroom_engine.answers(p, allowed, 1.0, [0, 1, 3, 5], False, 1, 0.2))
    assert [level for _, level, _ in answers] == [0, 1, 3, 5]


def test_no_deeper_level_starts_in_too_little_time(monkeypatch):
    p = _day(n=10, trucks=2)
    allowed, _ = compatible_vehicles(p)
    _timed_levels(monkeypatch, {0: 0.02, 1: 0.85, 3: 0.05, 5: 0.05})
    answers = list(vroom_engine.answers(p, allowed, 1.0, [0, 1, 3, 5], False, 1, 0.2))
    # level 1 leaves about 0.13 s, under a fifth of the second: the deeper levels never start
    assert [level for _, level, _ in answers] == [0, 1]


def _labels_of(source, within: float = 5.0) -> list[str]:
    """The labels of every plan a Background sends until it is done."""
    labels, end = [], time.monotonic() + within
    while not source.done and time.monotonic() < end:
        labels += [label for label, _ in source.take(0.05)]
    source.close()
    return labels


def test_vrooms_core_is_handed_on_with_the_time_left_after_its_levels(monkeypatch):
    from lithloop.routing.config import RaceConfig

    p = _day(n=10, trucks=2)
    allowed, _ = compatible_vehicles(p)
    config = RaceConfig()
    _timed_levels(monkeypatch, {0: 0.02, 5: 0.1})

    def then(seconds, vroom_plan):
        served = sum(k == JOB for seq in vroom_plan for k, *_ in seq)  # in our routes
        return f"spare {seconds:.1f} {served}", [[(JOB, 0)], []]

    labels = _labels_of(vroom_process.Background(p, allowed, 2.0, [0, 5], config, then))
    assert labels[:2] == ["vroom", "vroom"] and len(labels) == 3
    assert 1.0 <= float(labels[2].split()[1]) <= 1.9  # the 2 s less VROOM's 0.12 s (and forking)
    assert int(labels[2].split()[2]) > 0  # VROOM's last plan (level 5's), not level 0's empty one


def test_no_search_follows_vroom_in_too_little_time_and_a_failing_one_is_a_note(monkeypatch):
    from lithloop.routing.config import RaceConfig

    p = _day(n=10, trucks=2)
    allowed, _ = compatible_vehicles(p)
    _timed_levels(monkeypatch, {0: 0.02, 5: 1.5})  # 0.48 s of 2 s left: under a second

    def then(seconds, vroom_plan):
        raise AssertionError("not to be called")

    labels = _labels_of(vroom_process.Background(p, allowed, 2.0, [0, 5], RaceConfig(), then))
    assert labels == ["vroom", "vroom"]
    _timed_levels(monkeypatch, {0: 0.02, 5: 0.02})
    source = vroom_process.Background(p, allowed, 2.0, [0, 5], RaceConfig(), then)
    assert _labels_of(source) == ["vroom", "vroom"]
    assert any(
        line.startswith("the spare core's search failed: AssertionError") for line in source.lines
    )
