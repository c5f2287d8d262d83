# ruff: noqa: F811  (tests take the imported day_world fixture as an argument)
"""A re-run of a day under way: the run's best-so-far curve ends at the stored plan's cost
(the done part of the routes under way is in both, in yuan)."""

from __future__ import annotations

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import PlanRun
from lithloop.services.dispatch import driver_work, run_report
from tests.web.test_dispatch import day_world  # noqa: F401 (the fixture)
from tests.web.test_replan_under_way import _replan, _stops
from tests.web.test_roster_ops import published_busiest


def test_the_curve_of_a_rerun_under_way_ends_at_the_stored_plans_cost(
    client, auth, day_world, monkeypatch
):
    _plan_id, route, crew = published_busiest(client, day_world)
    first = next(s for s in _stops(route) if s.kind == "pickup")
    driver = crew[route.truck_id]
    monkeypatch.setattr(clock, "now", lambda: first.arrival)
    driver_work.record_arrival(driver, first.id)
    monkeypatch.setattr(clock, "now", lambda: first.departure)
    driver_work.record_pickup(driver, first.id, "880", "", "")
    draft = _replan(client, auth, day_world)
    assert not draft.unassigned, "the world's day fits: no penalty in the curve"
    run = db.session.get(PlanRun, draft.run_id)
    curve = run_report.best_curve(run)
    assert curve and abs(curve[-1][1] - draft.cost_fen / 100) < 0.011, (curve[-1], draft.cost_fen)
