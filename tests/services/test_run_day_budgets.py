"""A run's time limit shared among its days: a day whose search ends early (a quick run's
NoImprovement) passes its unused seconds on to the days after it, as a skipped day does.
The solve's reported time is injected, so the budgets never depend on the wall clock."""

from __future__ import annotations

import dataclasses

import pytest

from lithloop import routing
from lithloop.models import RunStatus
from lithloop.services.dispatch import planning
from lithloop.services.dispatch.run_control import DayBudgets
from tests.factories import BookingFactory, make_park
from tests.route_world import open_day, quick_run


def test_budgets_share_the_limit_and_take_back_unused_seconds():
    budgets = DayBudgets(30, 3)
    assert budgets.take(0) == 10
    budgets.give_back(10, 1.6)  # ended early: 8 whole seconds unused
    assert budgets.take(1) == 14  # (30 - 10 + 8) // 2
    budgets.give_back(14, 14.3)  # overran a moment: nothing to give back
    assert budgets.take(2) == 14


def test_a_day_always_gets_a_second():
    budgets = DayBudgets(1, 3)
    assert [budgets.take(i) for i in range(3)] == [1, 1, 1]


@pytest.mark.parametrize("backend", ["sqlite"])  # no locking involved
def test_a_quick_day_that_ends_early_hands_its_unused_seconds_to_the_next(app, monkeypatch):
    first, second = open_day(1), open_day(2)
    make_park(trucks=1)
    for day in (first, second):
        BookingFactory(pickup_date=day)
    run = quick_run(first, seconds=20, days=2)
    limits: list[float] = []
    solve = routing.solve

    def ends_early(best=None) -> bool:
        return True

    def solved_in_two_seconds(problem, time_limit_s, **kwargs):
        """The real solve, stopped at its first plan (as a quick run's NoImprovement stops
        it), reported as having taken 2 s of its budget."""
        limits.append(time_limit_s)
        found = solve(problem, time_limit_s=time_limit_s, **{**kwargs, "stop": ends_early})
        return dataclasses.replace(found, wall_s=2.0)

    monkeypatch.setattr(planning.routing, "solve", solved_in_two_seconds)
    planning.solve_and_store(run)
    assert run.status is RunStatus.SUCCEEDED
    assert [p.plan_date for p in run.plans] == [first, second]
    assert limits == [10, 18]  # the second day: its own 10 s and the 8 the first left
