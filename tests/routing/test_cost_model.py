"""The cost the engines minimise is VROOM's: a truck's fixed cost, its km, its hours on the
road and its hours of service; waiting for a window costs nothing."""

from __future__ import annotations

import pytest

from lithloop.routing import problem_from_vroom, solve

from .checker import check

# The park (0) and two sites (1, 2) five minutes apart, each half an hour from the park.
DUR = [[0, 1800, 1800], [1800, 0, 300], [1800, 300, 0]]
DIST = [[0, 30_000, 30_000], [30_000, 0, 5_000], [30_000, 5_000, 0]]


def _day(**costs) -> dict:
    truck = {"start_index": 0, "time_window": [21600, 64800], "costs": costs}
    return {
        "vehicles": [{"id": k, **truck} for k in (1, 2)],
        "jobs": [  # the second site opens four hours after the first closes
            {"id": 1, "location_index": 1, "service": 600, "time_windows": [[30000, 31000]]},
            {"id": 2, "location_index": 2, "service": 600, "time_windows": [[45000, 46000]]},
        ],
        "matrices": {"car": {"durations": DUR, "distances": DIST}},
    }


def test_a_truck_that_waits_for_the_second_window_is_cheaper_than_sending_two():
    p = problem_from_vroom(_day(per_km=3, per_hour=60))
    sol = solve(p, time_limit_s=1)
    assert not check(p, sol, require_all=True)
    # One truck: 65 km and 65 min on the road (its four hours of waiting are free);
    # two trucks would drive 120 km in two hours (480 yuan) and wait for nothing.
    assert [len([s for s in r.steps if s.type == "job"]) for r in sol.routes] == [2]
    assert sol.cost == pytest.approx(3 * 65 + 60 * 3900 / 3600, abs=0.01)
    assert sol.routes[0].waiting > 3 * 3600


def test_hours_of_service_are_priced_when_the_truck_says_so():
    p = problem_from_vroom(_day(per_km=3, per_hour=60, per_task_hour=36))
    sol = solve(p, time_limit_s=1)
    assert sol.cost == pytest.approx(3 * 65 + 60 * 3900 / 3600 + 36 * 1200 / 3600, abs=0.01)
