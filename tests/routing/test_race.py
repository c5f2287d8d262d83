"""The race of engines: pyvroom beside PyVRP, every raced plan re-simulated against our side
constraints before it may lead, and PyVRP starting again from a plan that took the lead."""

from __future__ import annotations

import sys
import time
from dataclasses import replace

import pytest

from lithloop.routing import RaceConfig, pyvrp_engine, solve, vroom_engine
from lithloop.routing.incumbent import Incumbent
from lithloop.routing.reasons import compatible_vehicles
from lithloop.routing.schedule import JOB

from .checker import check
from .factory import problem, stop, truck

solve_module = sys.modules["lithloop.routing.solve"]

POS = [0, 10, 20, 30, 40, 50, 60]
HAZ = frozenset({"hazmat"})


def _hazmat_day():
    """A plain and a hazmat truck; stop `damaged` may only ride on the hazmat truck."""
    trucks = [truck("plain"), truck("haz", skills=HAZ)]
    stops = [stop(i, 1 + i % 6) for i in range(5)] + [stop("damaged", 6, skills=HAZ)]
    return problem(trucks, stops, POS)


def _owner(sol, stop_id):
    return [r.vehicle_id for r in sol.routes if stop_id in r.stop_ids]


def test_a_raced_pyvrp_plan_breaking_a_skill_is_refused(monkeypatch):
    p = _hazmat_day()
    damaged = len(p.stops) - 1
    calls = []

    def fake(problem, allowed, seconds, seed, big, strict=True, initial=None, **kw):
        calls.append(seconds)
        everything = [(JOB, i) for i in range(len(problem.stops))]
        return [everything, []], True, 0.0  # all on the plain truck: damaged too

    monkeypatch.setattr(pyvrp_engine, "solve_pyvrp", fake)
    sol = solve(p, time_limit_s=0.5, use_vroom=False, use_pyvrp=True)
    assert calls, "the fake PyVRP was not raced"
    assert not check(p, sol, require_all=True)
    assert _owner(sol, p.stops[damaged].id) == ["haz"]


def test_a_vroom_answer_breaking_a_skill_is_refused(monkeypatch):
    p = _hazmat_day()
    asked = []

    def fake(problem, allowed, seconds, exploration, multi_trip=False, threads=1):
        asked.append(exploration)
        return [list(range(len(problem.stops))), []]  # damaged on the plain truck

    monkeypatch.setattr(vroom_engine, "solve_vroom", fake)
    sol = solve(p, time_limit_s=2.5, use_pyvrp=False, use_vroom=True)
    assert any(n.startswith("VROOM (exploration") for n in sol.notes), sol.notes
    assert not check(p, sol, require_all=True)
    assert _owner(sol, "damaged") == ["haz"]


class _Source:
    """A background engine that answers with the given plans, then is done."""

    def __init__(self, *plans):
        self.plans, self.done, self.lines, self.answers = list(plans), False, [], 0

    def take(self, wait=0.0):
        out, self.plans, self.done = self.plans, [], True
        self.lines.append(f"{len(out)} answers")
        return [("vroom", plan) for plan in out]


def _incumbent(p):
    allowed, _ = compatible_vehicles(p)
    return Incumbent(p, allowed, 1000.0, lambda best: False, None, 0.0, [])


def test_a_background_plan_that_leads_is_fresh_once_and_a_worse_one_is_not():
    p = problem([truck("t1"), truck("t2")], [stop(1, 1), stop(2, 2)], POS)
    inc = _incumbent(p)
    inc.offer("construct", [[(JOB, 0)], [(JOB, 1)]])  # 20 + 40 km
    inc.watch("vroom", _Source([[(JOB, 0)], []]))  # serves fewer: worse
    assert not inc.should_stop()
    assert inc.label == "construct" and not inc.take_fresh() and not inc.sources
    inc.watch("vroom", _Source([[(JOB, 0), (JOB, 1)], []]))  # same stops, 40 km
    inc.should_stop()
    assert inc.label == "vroom" and inc.take_fresh() and not inc.take_fresh()
    assert inc.notes == ["1 answers", "1 answers"]


def test_pyvrp_starts_again_from_a_background_plan_that_takes_the_lead(monkeypatch):
    p = _hazmat_day()
    starts = []
    # A poor constructive plan (one stop), so that the background plan leads.
    monkeypatch.setattr(solve_module, "construct", lambda p, allowed: [[(JOB, 0)], []])

    def fake(problem, allowed, seconds, seed, big, strict=True, initial=None, **kw):
        starts.append(initial)
        inc = kw["incumbent"]
        if len(starts) == 1:
            inc.watch("vroom", _Source(_good_plan(problem)))
            inc.should_stop()
        return [[], []], False, float("inf")

    monkeypatch.setattr(pyvrp_engine, "solve_pyvrp", fake)
    sol = solve(p, time_limit_s=0.5, use_vroom=False, use_pyvrp=True)
    assert len(starts) == 2 and starts[1] == _good_plan(p)
    assert "PyVRP starts again from the vroom plan" in sol.notes
    assert not check(p, sol, require_all=True)


def _good_plan(p):
    damaged = len(p.stops) - 1
    return [[(JOB, i) for i in range(damaged)], [(JOB, damaged)]]


@pytest.mark.parametrize(
    "seconds, stops, levels",
    [(1.0, 400, [0]), (10.0, 100, [0, 5]), (10.0, 200, [0, 3, 5]), (10.0, 400, [0, 1, 3, 5])],
)
def test_vroom_digs_as_deep_as_the_time_per_stop_affords(seconds, stops, levels):
    budget, got = vroom_engine.plan(seconds, stops, RaceConfig())
    assert got == levels and 0 < budget < seconds


def test_race_shares_are_checked():
    with pytest.raises(ValueError, match="vroom_grace"):
        RaceConfig(vroom_grace=1.5)


def _vroom_leads(monkeypatch):
    """The hazmat day, a poor constructive plan (one stop) and a VROOM that answers the
    good plan: (day, good plan)."""
    p = _hazmat_day()
    good = _good_plan(p)
    visits = [[i for _, i in seq] for seq in good]
    monkeypatch.setattr(solve_module, "construct", lambda p, allowed: [[(JOB, 0)], []])
    monkeypatch.setattr(vroom_engine, "solve_vroom", lambda *a, **kw: visits)
    return p, good


def test_without_an_idle_core_pyvrp_starts_from_the_vroom_plan(monkeypatch):
    p, good = _vroom_leads(monkeypatch)
    starts = []

    def fake(problem, allowed, seconds, seed, big, strict=True, initial=None, **kw):
        starts.append(initial)
        return [[], []], False, float("inf")

    monkeypatch.setattr(pyvrp_engine, "solve_pyvrp", fake)
    sol = solve(p, time_limit_s=2.5, config=RaceConfig(beside="never"))
    assert "no idle core: the other engines start from VROOM's plan" in sol.notes
    assert starts and starts[0] == good
    assert not check(p, sol, require_all=True) and _owner(sol, "damaged") == ["haz"]


def test_a_spare_core_searches_with_pyvrp_after_vroom_and_its_plan_can_win(monkeypatch):
    p = _hazmat_day()
    good = _good_plan(p)
    monkeypatch.setattr(solve_module, "construct", lambda p, allowed: [[(JOB, 0)], []])
    monkeypatch.setattr(vroom_engine, "solve_vroom", lambda *a, **kw: [[0], []])  # poor
    calls = []

    def fake(problem, allowed, seconds, seed, big, strict=True, initial=None, *a, **kw):
        calls.append((seed, strict, initial))
        if kw.get("incumbent") is None:  # the spare core's run, from where it should start
            return (good if initial is None else [[], []]), True, 1.0  # from scratch
        time.sleep(min(seconds, 1.0))  # the main search finds nothing better
        return [[], []], False, float("inf")

    monkeypatch.setattr(pyvrp_engine, "solve_pyvrp", fake)
    one_way = RaceConfig(beside="always", two_ways=False)
    sol = solve(p, time_limit_s=2.5, config=one_way)
    assert any(n.startswith("pyvrp-spare on VROOM's core after it") for n in sol.notes)
    assert not check(p, sol, require_all=True) and _owner(sol, "damaged") == ["haz"]
    # without a spare core (no idle core, or switched off) nothing searches after VROOM
    for config in (RaceConfig(beside="never"), replace(one_way, spare_core_pyvrp=False)):
        sol = solve(p, time_limit_s=2.5, config=config)
        assert not any("on VROOM's core" in n for n in sol.notes)


def test_two_ways_pyvrp_from_scratch_here_and_from_vrooms_plan_on_its_core(monkeypatch):
    """With an idle core the race searches two basins: PyVRP here from scratch, never
    starting again from VROOM's plan when it leads, and on VROOM's core (after its fastest
    level only) PyVRP from VROOM's plan; the better of the two is kept."""
    p, good = _vroom_leads(monkeypatch)
    here = []

    def fake(problem, allowed, seconds, seed, big, strict=True, initial=None, *a, **kw):
        if kw.get("incumbent") is None:  # VROOM's core: from VROOM's plan (two ways)
            return ([[], []] if initial is None else initial), True, 1.0
        here.append(initial)
        time.sleep(min(seconds, 1.0))
        kw["incumbent"].should_stop()  # VROOM's plan takes the lead meanwhile
        return [[], []], False, float("inf")

    monkeypatch.setattr(pyvrp_engine, "solve_pyvrp", fake)
    sol = solve(p, time_limit_s=2.5, config=RaceConfig(beside="always"))
    # once, from where it would start alone (our plan serves one stop: from it), never
    # again from VROOM's plan
    assert here == [[[(JOB, 0)], []]]
    assert "PyVRP starts again from the vroom plan" not in sol.notes
    assert any(n.startswith("pyvrp-from-vroom on VROOM's core after it") for n in sol.notes)
    # VROOM's fastest level only (it runs in a forked process: read its notes), then its
    # core is PyVRP's
    assert [n.split(")")[0] for n in sol.notes if n.startswith("VROOM (")] == [
        "VROOM (exploration 0"
    ]
    assert not check(p, sol, require_all=True) and _owner(sol, "damaged") == ["haz"]
    # above `two_ways_max_stops`, where trucks have a fixed cost, or where none pays per km
    # (time on the road the only cost), one way: PyVRP here follows VROOM's plan
    fixed = replace(p, vehicles=tuple(replace(v, fixed_cost=300.0) for v in p.vehicles))
    time_only = replace(
        p, vehicles=tuple(replace(v, cost_per_km=0.0, cost_per_hour=3600.0) for v in p.vehicles)
    )
    for day, config in [
        (p, RaceConfig(beside="always", two_ways_max_stops=1)),
        (fixed, RaceConfig(beside="always")),
        (time_only, RaceConfig(beside="always")),
    ]:
        sol = solve(day, time_limit_s=2.5, config=config)
        assert "PyVRP starts again from the vroom plan" in sol.notes
        assert not any(n.startswith("two ways") for n in sol.notes)
    allowed = RaceConfig(beside="always", two_ways_with_fixed_costs=True)
    sol = solve(fixed, time_limit_s=2.5, config=allowed)
    assert "PyVRP starts again from the vroom plan" not in sol.notes
    allowed = RaceConfig(beside="always", two_ways_time_only=True)
    sol = solve(time_only, time_limit_s=2.5, config=allowed)
    assert "PyVRP starts again from the vroom plan" not in sol.notes


@pytest.mark.parametrize("beside, free", [("always", True), ("never", False)])
def test_beside_can_be_forced(beside, free):
    assert solve_module._core_free(RaceConfig(beside=beside)) is free
    with pytest.raises(ValueError, match="beside"):
        RaceConfig(beside="sometimes")


def test_vroom_searches_alone_longer_where_stops_are_barred_from_trucks():
    config = RaceConfig(vroom_alone_share=0.3, vroom_alone_share_barred=0.9)
    barred = _hazmat_day()
    open_day = problem([truck("a"), truck("b")], [stop(i, 1 + i) for i in range(4)], POS)
    for p, share in ((barred, 0.9), (open_day, 0.3)):
        allowed, _ = compatible_vehicles(p)
        assert solve_module._alone_share(p, allowed, config) == share


def test_pyvrp_does_not_wait_for_vroom_once_vroom_answered_behind(monkeypatch):
    p = _hazmat_day()  # barred stops: VROOM would search alone for the whole budget

    def fake_vroom(problem, allowed, seconds, exploration, multi_trip=False, threads=1):
        if exploration:  # the deeper level "searches" past the budget
            time.sleep(60)
        return [[0], []]  # one stop served: behind our constructive plan

    monkeypatch.setattr(vroom_engine, "solve_vroom", fake_vroom)
    starts = []

    def fake(problem, allowed, seconds, seed, big, strict=True, initial=None, **kw):
        starts.append(initial)
        return [[], []], False, float("inf")

    monkeypatch.setattr(pyvrp_engine, "solve_pyvrp", fake)
    sol = solve(p, time_limit_s=6, config=RaceConfig(beside="never"))
    assert starts, sol.notes  # PyVRP ran although VROOM's deeper level never answered
    assert not check(p, sol, require_all=True)


def test_idle_cores_are_read_from_the_kernels_counters(monkeypatch):
    from lithloop.routing import cores

    monkeypatch.setattr(cores.os, "cpu_count", lambda: 2)
    readings = iter([(1000, 4000), (1150, 4200)])  # 150 of 200 ticks idle or niced
    got = cores.idle_cores(read=lambda: next(readings), sleep=lambda s: None)
    assert got == pytest.approx(1.5)
    busy = iter([(1000, 4000), (1010, 4200)])
    assert cores.idle_cores(read=lambda: next(busy), sleep=lambda s: None) == pytest.approx(0.1)
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (0.5, 0, 0))
    assert cores.idle_cores(read=lambda: None, sleep=lambda s: None) == pytest.approx(1.5)


def test_cores_counted_from_proc_stat_count_niced_work_as_available(tmp_path, monkeypatch):
    from lithloop.routing import cores

    stat = tmp_path / "stat"
    stat.write_text("cpu  100 50 30 700 20 0 0 0 0 0\ncpu0 1 2 3 4\n")
    monkeypatch.setattr(cores, "STAT", str(stat))
    assert cores._read_stat() == (50 + 700 + 20, 900)
    stat.write_text("intr 1 2 3\n")
    assert cores._read_stat() is None


@pytest.mark.parametrize("idle, free", [(1.9, True), (1.5, True), (1.2, False), (0.0, False)])
def test_pyvrp_goes_beside_vroom_only_with_two_idle_cores(idle, free):
    assert solve_module._core_free(RaceConfig(), idle=lambda: idle) is free
