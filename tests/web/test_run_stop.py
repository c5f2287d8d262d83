"""A run's cancel takes effect within about a second; quick runs end when nothing improves."""

from __future__ import annotations

import re
import time

from flask import current_app

from lithloop.extensions import db
from lithloop.jobs import runner
from lithloop.models import Plan, PlanRun, RunStatus
from lithloop.services.dispatch import run_control, runs
from tests.conftest import api_headers, submit
from tests.factories import PlanFactory
from tests.web.test_bookings import open_day
from tests.web.test_dispatch import book_late, day_world  # noqa: F401 (the fixture)


def _start(client, world, **extra):
    h = api_headers(client, world["dispatcher"])
    response = client.post(
        "/api/v1/plans/runs", json={"date": world["day"].isoformat(), **extra}, headers=h
    )
    return response, h


def _wait_running(run_id: int, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        db.session.expire_all()
        if db.session.get(PlanRun, run_id).status is RunStatus.RUNNING:
            return
        time.sleep(0.05)
    raise AssertionError("the run never started")


def test_cancelling_a_running_run_stops_the_solver_within_a_second(client, day_world):  # noqa: F811
    started, h = _start(client, day_world, time_limit_s=120)
    assert started.status_code == 202, started.json
    run_id = started.json["id"]
    _wait_running(run_id)
    time.sleep(1.0)  # well inside the solve
    asked = time.monotonic()
    runs.cancel_run(day_world["dispatcher"], run_id)
    assert runner.wait(run_id, timeout=30)
    assert time.monotonic() - asked < 2.0  # poll every 0.5 s, engines check several times a second
    shown = client.get(f"/api/v1/plans/runs/{run_id}", headers=h).json
    assert shown["status"] == "cancelled" and shown["plan_id"] is None


def test_finish_now_ends_a_run_within_a_second_and_keeps_its_best_plan(
    client,
    auth,
    day_world,  # noqa: F811
):
    """Two days of two minutes each: "finish now" during the first ends it with its best plan
    so far, and the second day (a booking on it) gets a short search instead of its two
    minutes."""
    book_late({**day_world, "day": open_day(3)}, "次日网点", (44.60, 129.60), "300")
    started, h = _start(client, day_world, time_limit_s=240, horizon_days=2)
    assert started.status_code == 202, started.json
    run_id = started.json["id"]
    _wait_running(run_id)
    time.sleep(1.0)  # well inside the first day's solve
    asked = time.monotonic()
    answer = client.post(f"/api/v1/plans/runs/{run_id}/finish", headers=h)
    assert answer.status_code == 202 and answer.json["finish_requested"] is True
    assert runner.wait(run_id, timeout=60)
    assert time.monotonic() - asked < 2.0 + run_control.FINISHING_DAY_S + 1.5
    shown = client.get(f"/api/v1/plans/runs/{run_id}", headers=h).json
    assert shown["status"] == "succeeded" and len(shown["plan_ids"]) == 2
    plan = db.session.get(Plan, shown["plan_ids"][0])
    assert {s.booking_id for r in plan.routes for s in r.stops if s.booking_id} == set(
        day_world["bookings"]
    )
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/runs/{run_id}").get_data(as_text=True)
    assert f"{day_world['day'].isoformat()}：按要求在" in page and "保留已找到的最佳方案" in page
    assert "按要求提前结束</h2>" in page
    logged = int(re.search(r"按要求在 (\d+) 秒后结束", page).group(1))  # the page's own clock
    shown = int(re.search(r"(\d+) / 240 秒", page).group(1))
    # the run's clock when the first day ended: the page's clock at the run's end, less the
    # second day's short search (a second or a few on a loaded machine)
    assert 1 <= logged <= shown
    again = client.post(f"/api/v1/plans/runs/{run_id}/finish", headers=h)
    assert again.status_code == 409 and again.json["error"] == "run_ended"


def test_finish_now_is_refused_for_a_run_still_waiting_and_offered_while_running(
    client,
    auth,
    day_world,  # noqa: F811
):
    run = runs.start_run(day_world["dispatcher"], day_world["day"], 30)  # queued, no worker
    h = api_headers(client, day_world["dispatcher"])
    answer = client.post(f"/api/v1/plans/runs/{run.id}/finish", headers=h)
    assert answer.status_code == 409 and answer.json["error"] == "run_not_started"
    db.session.expire_all()
    assert db.session.get(PlanRun, run.id).finish_requested is False
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/runs/{run.id}").get_data(as_text=True)
    assert "立即结束并保留最佳方案" not in page and "取消运行" in page
    db.session.get(PlanRun, run.id).status = RunStatus.RUNNING
    db.session.commit()
    page = client.get(f"/dispatch/runs/{run.id}").get_data(as_text=True)
    assert "立即结束并保留最佳方案" in page
    run_page = f"/dispatch/runs/{run.id}"
    response = submit(client, f"{run_page}/finish", {}, page=run_page)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanRun, run.id).finish_requested is True
    page = client.get(f"/dispatch/runs/{run.id}").get_data(as_text=True)
    assert "立即结束并保留最佳方案" not in page and "正在结束" in page


def test_cancel_through_the_api_stores_no_plan(client, day_world):  # noqa: F811
    started, h = _start(client, day_world, time_limit_s=120)
    run_id = started.json["id"]
    _wait_running(run_id)
    answer = client.post(f"/api/v1/plans/runs/{run_id}/cancel", headers=h)
    assert answer.status_code == 202
    assert runner.wait(run_id, timeout=30)
    shown = client.get(f"/api/v1/plans/runs/{run_id}", headers=h).json
    assert shown["status"] == "cancelled" and shown["plan_id"] is None


def test_a_quick_run_ends_when_nothing_improves(client, day_world):  # noqa: F811
    t0 = time.monotonic()
    started, h = _start(client, day_world, time_limit_s=120, mode="quick")
    assert started.status_code == 202, started.json
    assert runner.wait(started.json["id"], timeout=120)
    assert time.monotonic() - t0 < 30
    shown = client.get(f"/api/v1/plans/runs/{started.json['id']}", headers=h).json
    assert shown["status"] == "succeeded" and shown["plan_id"] and shown["mode"] == "quick"


def test_an_unknown_mode_is_refused_naming_the_field(client, day_world):  # noqa: F811
    response, _ = _start(client, day_world, mode="fastest")
    assert response.status_code == 422
    assert "mode" in str(response.json)
    assert db.session.query(PlanRun).count() == 0


def test_the_form_offers_both_modes_and_refuses_a_bad_one(client, auth, day_world):  # noqa: F811
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/?date={day_world['day'].isoformat()}")
    assert b'name="mode"' in page.data and b'value="quick"' in page.data
    url = f"/dispatch/?date={day_world['day'].isoformat()}"
    response = submit(
        client,
        "/dispatch/runs",
        {"date": day_world["day"].isoformat(), "time_limit_s": 5, "mode": "fastest"},
        page=url,
        follow_redirects=True,
    )
    assert db.session.query(PlanRun).count() == 0
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="mode-err"' in page


def _run_form(client, auth, world, form: dict):
    """The dispatcher sends the run form of the world's day page."""
    auth.login(world["dispatcher"].email)
    return submit(
        client, "/dispatch/runs", form, page=f"/dispatch/?date={world['day'].isoformat()}"
    )


def test_a_refused_run_keeps_what_was_typed_and_names_the_real_limits(
    client,
    auth,
    day_world,  # noqa: F811
):
    form = {"date": day_world["day"].isoformat(), "time_limit_s": "-5", "horizon_days": "3"}
    response = _run_form(client, auth, day_world, {**form, "mode": "quick"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="time_limit_s-err"' in page
    limit = str(current_app.config["PLAN_MAX_SECONDS"])
    err = page[page.index('id="time_limit_s-err"') :][:200]
    assert limit in err and "2147483647" not in err
    assert 'name="horizon_days" type="number"' in page and 'value="3"' in page
    assert 'value="quick" checked>' in page
    assert db.session.query(PlanRun).count() == 0


def test_a_run_for_an_impossible_date_is_refused_not_moved_to_another_day(
    client,
    auth,
    day_world,  # noqa: F811
):
    response = _run_form(client, auth, day_world, {"date": "9999-12-31", "time_limit_s": "5"})
    assert response.status_code == 422
    assert 'id="date-err"' in response.get_data(as_text=True)
    assert db.session.query(PlanRun).count() == 0


def test_a_run_for_a_past_day_is_refused_on_the_page_and_the_api(
    client,
    auth,
    day_world,  # noqa: F811
    frozen_clock,
):
    from datetime import timedelta

    from lithloop import clock
    from lithloop.services.booking import capacity
    from tests.conftest import coming_open_morning

    if not capacity.is_open(clock.today()):  # a Sunday: "today" is the coming open day
        frozen_clock(coming_open_morning())

    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    response = _run_form(client, auth, day_world, {"date": yesterday, "time_limit_s": "5"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    err = page[page.index('id="date-err"') :][:300]
    assert yesterday in err and "已经过去" in err
    api = client.post(
        "/api/v1/plans/runs",
        json={"date": yesterday},
        headers=api_headers(client, day_world["dispatcher"]),
    )
    assert api.status_code == 422 and api.json["field"] == "date"
    PlanFactory(run__created_by=day_world["dispatcher"])  # today's plan: something to re-plan
    today = _run_form(client, auth, day_world, {"date": clock.today().isoformat()})
    assert today.status_code == 302  # today stays possible (re-plan the rest of the day)
    started = db.session.query(PlanRun).order_by(PlanRun.id.desc()).first()
    assert db.session.query(PlanRun).count() == 2 and started.plan_date == clock.today()
    runner.wait(started.id, timeout=60)


def test_a_refused_roster_keeps_every_shift_typed(client, auth, day_world):  # noqa: F811
    import sqlalchemy as sa

    from lithloop.models import Truck

    auth.login(day_world["dispatcher"].email)
    first, second = db.session.scalars(sa.select(Truck).order_by(Truck.id)).all()[:2]
    day = day_world["day"].isoformat()
    url = f"/dispatch/roster?date={day}"
    form = {
        f"start-{first.id}": "07:30",
        f"end-{first.id}": "16:00",
        f"start-{second.id}": "18:00",
        f"end-{second.id}": "08:00",
    }
    response = submit(client, url, form, page=url)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for value in ("07:30", "16:00", "18:00", "08:00"):
        assert f'value="{value}"' in page, value
