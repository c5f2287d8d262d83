"""Stop criteria, and the solve that honours them: cancel within a second, end when
nothing improves, never return less than a plan already found, progress every second."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from lithloop.routing import solve
from lithloop.routing.construct import construct
from lithloop.routing.reasons import compatible_vehicles
from lithloop.routing.schedule import JOB
from lithloop.routing.stop import AnyOf, Cancelled, MaxRuntime, NoImprovement, was_cancelled

from .checker import check
from .test_large import _day


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_max_runtime_counts_from_the_first_call():
    clock = FakeClock()
    stop = MaxRuntime(2, clock=clock)
    assert not stop(None)
    clock.now += 1.9
    assert not stop(5.0)
    clock.now += 0.2
    assert stop(5.0)


def test_no_improvement_restarts_on_each_lower_best():
    clock = FakeClock()
    stop = NoImprovement(3, clock=clock)
    assert not stop(10.0)
    clock.now += 2
    assert not stop(9.0)  # improved: the three seconds start again
    clock.now += 2.5
    assert not stop(9.0)
    clock.now += 1
    assert stop(9.5)  # worse does not count as an improvement


def test_restarting_patience_counts_again_from_now_and_keeps_the_best():
    from lithloop.routing.stop import restart_patience

    clock = FakeClock()
    patience = NoImprovement(3, clock=clock)
    stop = AnyOf(MaxRuntime(100, clock=clock), patience)
    assert not stop(10.0)
    clock.now += 2.5
    restart_patience(stop)
    clock.now += 2.5
    assert not stop(10.0)  # 2.5 s since the restart
    clock.now += 0.5
    assert stop(10.0)  # three seconds without a lower best


def test_cancelled_asks_its_check_at_most_every_interval_and_stays_cancelled():
    clock = FakeClock()
    asked = []
    flag = [False]
    stop = Cancelled(lambda: asked.append(clock.now) or flag[0], every=0.5, clock=clock)
    assert not stop()
    clock.now += 0.1
    assert not stop()
    assert len(asked) == 1
    flag[0] = True
    clock.now += 0.5
    assert stop()
    flag[0] = False
    assert stop() and len(asked) == 2


def test_a_raising_check_is_not_a_cancel():
    stop = Cancelled(lambda: 1 / 0)
    assert not stop() and "ZeroDivisionError" in stop.error


def test_any_of_asks_every_criterion():
    clock = FakeClock()
    a, b = NoImprovement(1, clock=clock), MaxRuntime(5, clock=clock)
    both = AnyOf(a, b, None)
    assert not both(3.0)
    clock.now += 1.5
    assert both(3.0) and not b(3.0)


@pytest.mark.parametrize("bad", [-1, float("nan")])
def test_negative_seconds_refused(bad):
    with pytest.raises(ValueError):
        MaxRuntime(bad)


def _missing(p, served_ids) -> int:
    """The objective's first term: required stops left out, weighted by 100 + priority."""
    return sum(100 + s.priority for s in p.stops if s.id not in served_ids and not s.optional)


def _solution_missing(p, sol) -> int:
    return _missing(p, {i for r in sol.routes for i in r.stop_ids})


def _construct_missing(p) -> int:
    allowed, _ = compatible_vehicles(p)
    routes = construct(p, allowed)
    return _missing(p, {p.stops[i].id for seq in routes for k, i in seq if k == JOB})


def test_tiny_budget_returns_at_least_the_constructive_plan():
    p = _day()
    sol = solve(p, time_limit_s=0.05)
    assert not check(p, sol)
    assert _solution_missing(p, sol) <= _construct_missing(p) > 100


def _burn(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_cpu_burner_beside_the_solve_never_loses_the_constructive_plan():
    p = _day()
    ctx = multiprocessing.get_context("fork")
    burners = [ctx.Process(target=_burn, args=(20,), daemon=True) for _ in range(3)]
    for b in burners:
        b.start()
    try:
        sol = solve(p, time_limit_s=1.0)
    finally:
        for b in burners:
            b.kill()
            b.join()
    assert not check(p, sol)
    assert _solution_missing(p, sol) <= _construct_missing(p)


@pytest.mark.parametrize("after, pyvrp", [(0.3, True), (1.5, True), (1.5, False)])
def test_cancel_takes_effect_within_a_second(after, pyvrp):
    p = _day()
    t0 = time.monotonic()
    stop = Cancelled(lambda: time.monotonic() - t0 > after)
    sol = solve(p, time_limit_s=30, stop=stop, use_pyvrp=pyvrp)
    took = time.monotonic() - t0
    assert took < after + 1.0, sol.notes
    assert was_cancelled(stop)
    assert any(n.startswith("cancelled after") for n in sol.notes)
    assert not check(p, sol) and _solution_missing(p, sol) <= _construct_missing(p)


def test_no_improvement_ends_the_run_early():
    p = _day(n=40, trucks=4)
    t0 = time.monotonic()
    sol = solve(p, time_limit_s=60, stop=NoImprovement(1.0))
    assert time.monotonic() - t0 < 20
    assert not check(p, sol) and any(r.stop_ids for r in sol.routes)


def test_progress_every_second_never_rising_in_plan_cost_units():
    p = _day(n=60, trucks=6)
    seen = []
    sol = solve(p, time_limit_s=3.5, on_progress=lambda c, t: seen.append((t, c)))
    times = [t for t, _ in seen]
    costs = [c for _, c in seen]
    assert times[0] < 1.0 and sol.wall_s - times[-1] < 1.2
    assert all(b - a <= 1.2 for a, b in zip(times, times[1:], strict=False)), times
    assert all(b <= a for a, b in zip(costs, costs[1:], strict=False)), costs
    # The last value is the plan's cost plus the penalty of servable optional stops left
    # out (the day is not over-full: no required stop is left out).
    dropped = {u.stop_id for u in sol.unassigned if u.reason == "day_full"}
    assert not any(not s.optional for s in p.stops if s.id in dropped)
    left_out = sum(s.penalty for s in p.stops if s.id in dropped)
    assert costs[-1] == pytest.approx(sol.cost + left_out, rel=0.002)


class SlowVroom:
    """Stands in for VROOM's process: its one plan arrives `delay` seconds after start; with
    `deeper`, it then searches on (a deeper level) and never answers again."""

    def __init__(self, routes, delay: float, deeper: bool = False):
        self.routes, self.at, self.deeper = routes, time.monotonic() + delay, deeper
        self.done, self.answers, self.lines = False, 0, []

    def take(self, wait: float = 0.0):
        if self.done or self.answers:
            time.sleep(wait)
            return []
        time.sleep(max(0.0, min(wait, self.at - time.monotonic())))
        if time.monotonic() < self.at:
            return []
        self.done, self.answers = not self.deeper, 1
        return [("vroom", self.routes)]

    def close(self):
        self.done = True


def test_waiting_for_the_first_plan_of_a_search_is_not_a_lack_of_improvement(monkeypatch):
    from bench.regional_days import DayParams, generate
    from lithloop.routing import vroom_engine, vroom_process
    from lithloop.routing.config import RaceConfig
    from lithloop.routing.plans import score

    _, p = generate(DayParams(stops=100, seed=3))  # single trips: VROOM serves everyone
    allowed, _ = compatible_vehicles(p)
    better = vroom_engine.to_routes(p, vroom_engine.solve_vroom(p, allowed, 2.0, 0))
    assert score(p, better) < score(p, construct(p, allowed))
    monkeypatch.setattr(vroom_engine, "available", lambda: True)
    monkeypatch.setattr(vroom_process, "Background", lambda *a, **k: SlowVroom(better, 1.5))
    # no idle core: VROOM searches alone first; its plan comes after the patience (0.3 s)
    # and after the short grace past the end (0.03 x 20 s)
    config = RaceConfig(beside="never")
    sol = solve(p, time_limit_s=20, stop=NoImprovement(0.3), config=config, use_pyvrp=False)
    assert not check(p, sol)
    assert "kept the vroom plan: no engine found a better one" in sol.notes or (
        sol.engine.endswith("ortools") and "warm start: vroom" in " ".join(sol.notes)
    ), sol.notes
    assert sol.wall_s < 10


def test_a_quick_run_searches_on_from_vrooms_first_plan_rather_than_wait_for_its_next(
    monkeypatch,
):
    from bench.regional_days import DayParams, generate
    from lithloop.routing import vroom_engine, vroom_process
    from lithloop.routing.config import RaceConfig

    _, p = generate(DayParams(stops=100, seed=3))
    allowed, _ = compatible_vehicles(p)
    first = vroom_engine.to_routes(p, vroom_engine.solve_vroom(p, allowed, 1.0, 0))
    monkeypatch.setattr(vroom_engine, "available", lambda: True)
    monkeypatch.setattr(
        vroom_process, "Background", lambda *a, **k: SlowVroom(first, 0.1, deeper=True)
    )
    config = RaceConfig(beside="never")  # VROOM would search alone the whole budget
    t0 = time.monotonic()
    sol = solve(p, time_limit_s=30, stop=NoImprovement(0.5), config=config)
    assert not check(p, sol)
    assert "pyvrp" in sol.engine, sol.notes  # PyVRP searched on from VROOM's plan
    assert time.monotonic() - t0 < 20  # and the run still ended when nothing improved
