"""Routes given by hand leave when a driver would: no hours of waiting after an early start."""

from __future__ import annotations

from lithloop.routing import TimeWindow, evaluate
from tests.routing.factory import problem, stop, truck


def test_a_hand_route_waits_nowhere_it_could_have_left_later():
    """Stop 1 opens all day, stop 2 only at 12:00: the truck should not leave at 08:00 and
    wait three hours at stop 2, nor be refused for working time it need not spend."""
    p = problem(
        [truck(1, max_work_s=3 * 3600)],
        [
            stop(1, 1, time_windows=(TimeWindow(8 * 3600, 17 * 3600),)),
            stop(2, 2, time_windows=(TimeWindow(12 * 3600, 13 * 3600),)),
        ],
        [0, 30, 60],
    )
    solution, violations = evaluate(p, {1: [1, 2]})
    assert violations == []
    steps = solution.routes[0].steps
    assert steps[2].arrival == 12 * 3600  # arrives as the window opens, no waiting
    assert steps[0].departure == 12 * 3600 - 600 - 2 * 1800  # left 1 h 10 before
    assert sum(s.waiting_s for s in steps) == 0
