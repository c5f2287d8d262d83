"""A run over several days: one best-so-far curve per day, labelled by its date (each day's
search starts again at 0 s), and a day with nothing to plan gives its time to the others."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lithloop.extensions import db
from lithloop.jobs import runner
from lithloop.models import PlanRun, RunStatus
from lithloop.services.dispatch import planning, run_report
from tests.conftest import api_headers
from tests.factories import PlanRunFactory
from tests.web.test_bookings import open_day
from tests.web.test_dispatch import day_world  # noqa: F401 (the fixture)

TWO_DAYS = [[0.5, 900.0, 0], [3.0, 800.0, 0], [0.4, 1500.0, 1], [2.5, 1400.0, 1]]


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's drawing: one backend
def test_each_day_is_a_curve_of_its_own_with_its_date(client, auth):
    run = PlanRunFactory(status=RunStatus.RUNNING, progress=TWO_DAYS, horizon_days=2)
    first, second = run.plan_date, run.plan_date + timedelta(days=1)
    curves = run_report.day_curves(run)
    assert [c["day"] for c in curves] == [first, second]
    # the second day's costs are its own, not held down by the first day's best
    assert [c for _t, c in curves[1]["points"]] == [1500.0, 1400.0]
    auth.login(run.created_by.email)
    page = client.get(f"/dispatch/runs/{run.id}/progress", headers={"HX-Request": "true"})
    text = page.get_data(as_text=True)
    svg = text[text.index('<svg class="spark"') : text.index("</svg>")]
    lines = svg.split("<polyline")[1:]
    assert len(lines) == 2
    assert f'data-day="{first}"' in lines[0] and f'data-day="{second}"' in lines[1]
    assert lines[0].split('stroke="')[1][:7] != lines[1].split('stroke="')[1][:7]
    legend = text[text.index('class="spark-legend"') :].split("</ul>")[0]
    assert legend.index(first.isoformat()) < legend.index(second.isoformat())
    assert "每天一条曲线" in text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_points_recorded_before_they_named_their_day_still_split_where_time_restarts(app):
    run = PlanRunFactory(
        status=RunStatus.SUCCEEDED, progress=[[0.5, 90.0], [2.0, 80.0], [0.3, 120.0]]
    )
    curves = run_report.day_curves(run)
    assert [[c for _t, c in x["points"]] for x in curves] == [[90.0, 80.0], [120.0]]


def test_a_day_with_nothing_to_plan_gives_its_time_to_the_next(
    client,
    day_world,  # noqa: F811
    monkeypatch,
):
    budgets = []
    plan_one_day = planning._plan_one_day

    def spy(run, day, park, active, carried, seconds, finishing=False):
        budgets.append(seconds)
        return plan_one_day(run, day, park, active, carried, seconds, finishing)

    monkeypatch.setattr(planning, "_plan_one_day", spy)
    empty = open_day(1)  # the world's bookings are on the open day after it
    started = client.post(
        "/api/v1/plans/runs",
        json={"date": empty.isoformat(), "horizon_days": 2, "time_limit_s": 4},
        headers=api_headers(client, day_world["dispatcher"]),
    )
    assert started.status_code == 202, started.json
    assert runner.wait(started.json["id"], timeout=120)
    assert budgets == [4]
    progress = db.session.get(PlanRun, started.json["id"]).progress
    busy = (open_day(2) - empty).days
    assert progress and {p[2] for p in progress} == {busy}
    assert [
        c["day"] for c in run_report.day_curves(db.session.get(PlanRun, started.json["id"]))
    ] == [open_day(2)]
