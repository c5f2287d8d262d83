"""Solution.check finds what a tampered solution breaks; Solution.summary counts it up."""

from __future__ import annotations

import dataclasses

from lithloop.routing import solve

from .factory import problem, stop, truck

POS = [0, 10, 20, 30, 40]


def _solved():
    trucks = [truck("t1"), truck("haz", skills=frozenset({"hazmat"}))]
    stops = [stop(i, 1 + i % 4) for i in range(5)]
    stops.append(stop("d", 4, skills=frozenset({"hazmat"}), time_windows=()))
    stops.append(stop("nobody", 2, skills=frozenset({"crane"})))
    p = problem(trucks, stops, POS)
    return p, solve(p, time_limit_s=0.3)


def _with_route(sol, k, route):
    routes = list(sol.routes)
    routes[k] = route
    return dataclasses.replace(sol, routes=tuple(routes))


def test_a_solved_plan_checks_clean_and_sums_up():
    p, sol = _solved()
    assert sol.check(p) == []
    s = sol.summary()
    assert s["served"] == 6 and s["unassigned"] == 1
    assert s["unassigned_by_reason"] == {"skill_missing": 1}
    assert s["distance_km"] == round(sol.distance / 1000, 1)


def test_tampering_is_found():
    p, sol = _solved()
    k, route = next((k, r) for k, r in enumerate(sol.routes) if len(r.stop_ids) >= 2)
    steps = list(route.steps)
    # a stop served twice
    twice = _with_route(sol, k, dataclasses.replace(route, steps=(*steps[:2], *steps[1:])))
    assert any("more than once" in e for e in twice.check(p))
    # overloaded
    heavy = [dataclasses.replace(steps[1], load=(99_999, 1)), *steps[2:]]
    over = _with_route(sol, k, dataclasses.replace(route, steps=(steps[0], *heavy)))
    assert any("capacity" in e for e in over.check(p))
    # after the shift
    late = dataclasses.replace(steps[-1], arrival=30 * 3600)
    after = _with_route(sol, k, dataclasses.replace(route, steps=(*steps[:-1], late)))
    assert any("shift" in e for e in after.check(p))
    # a damaged lot on a truck without the skill
    haz = next(r for r in sol.routes if "d" in r.stop_ids)
    plain = dataclasses.replace(haz, vehicle_id="t1")
    others = tuple(r for r in sol.routes if r.vehicle_id not in ("t1", "haz"))
    wrong = dataclasses.replace(sol, routes=(*others, plain))
    assert any("skills" in e for e in wrong.check(p))
    # a stop neither served nor unassigned
    lost = dataclasses.replace(sol, unassigned=())
    assert any("account" in e for e in lost.check(p))
