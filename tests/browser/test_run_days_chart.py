"""The run page's cost chart of a run over two days, at phone width: one line per day, each
drawn, and a legend naming each day by its date, inside the screen."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import PlanRun, RunStatus, User
from tests.browser.conftest import log_in, new_page

PROGRESS = [[0.5, 9000.0, 0], [4.0, 8000.0, 0], [0.4, 15000.0, 1], [3.5, 14000.0, 1]]


def test_a_two_day_run_draws_a_line_per_day_with_a_dated_legend(browser, live_server):
    with live_server.app.app_context():
        dispatcher = db.session.scalar(
            sa.select(User).where(User.email == "dispatcher@demo.lithloop")
        )
        now = clock.now()
        run = PlanRun(
            plan_date=clock.today(),
            horizon_days=2,
            time_limit_s=10,
            status=RunStatus.SUCCEEDED,
            created_by_id=dispatcher.id,
            progress=PROGRESS,
            started_at=now - timedelta(seconds=9),
            finished_at=now,
        )
        db.session.add(run)
        db.session.commit()
        run_id, days = run.id, [run.plan_date, run.plan_date + timedelta(days=1)]
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "dispatcher@demo.lithloop")
    page.goto(f"/dispatch/runs/{run_id}")
    lines = page.locator("svg.spark polyline.spark-day")
    assert lines.count() == 2
    for i in range(2):
        box = lines.nth(i).bounding_box()
        assert box and box["width"] > 100, box
    items = page.locator(".spark-legend li")
    assert [items.nth(i).inner_text().strip() for i in range(2)] == [d.isoformat() for d in days]
    width = page.viewport_size["width"]
    for i in range(2):
        box = items.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert items.nth(i).locator(".key").bounding_box()["width"] > 0
    page.context.close()
