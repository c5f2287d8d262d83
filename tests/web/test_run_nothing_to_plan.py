"""A run is refused when none of its days has anything to plan; a run whose later day has
work, and a re-plan of a day whose bookings were all cancelled, are accepted."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.jobs import runner
from lithloop.models import Booking, BookingStatus, Plan, PlanRun, RunStatus
from lithloop.services.booking import bookings as booking_service
from tests.conftest import api_headers, submit
from tests.web.test_bookings import open_day
from tests.web.test_dispatch import day_world, run_to_end  # noqa: F401 (the fixture)


def _runs() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PlanRun))


def test_the_run_form_refuses_a_day_with_nothing_to_plan_beside_the_date(
    client,
    auth,
    day_world,  # noqa: F811
):
    empty = open_day(1)  # the world's bookings are on the open day after it
    auth.login(day_world["dispatcher"].email)
    form = {"date": empty.isoformat(), "time_limit_s": "7", "horizon_days": "1"}
    response = submit(client, "/dispatch/runs", form, page=f"/dispatch/?date={empty}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    err = page[page.index('id="date-err"') :][:400]
    assert empty.isoformat() in err and "没有需要规划的内容" in err and "请选择其他日期" in err
    assert 'value="7"' in page  # what was typed stays
    assert _runs() == 0


def test_the_api_refuses_days_with_nothing_to_plan_with_a_code_and_field(
    client,
    day_world,  # noqa: F811
):
    h = {**api_headers(client, day_world["dispatcher"]), "Accept-Language": "en"}
    empty = open_day(1)
    response = client.post(
        "/api/v1/plans/runs", json={"date": empty.isoformat(), "horizon_days": 1}, headers=h
    )
    assert response.status_code == 422, response.json
    assert response.json["error"] == "nothing_to_plan" and response.json["field"] == "date"
    assert f"Nothing to plan on {empty.isoformat()}" in response.json["message"]
    after = client.post(  # the three open days after the world's day have nothing either
        "/api/v1/plans/runs", json={"date": open_day(3).isoformat(), "horizon_days": 3}, headers=h
    )
    assert after.status_code == 422 and after.json["error"] == "nothing_to_plan"
    assert f"3 open days from {open_day(3)} to {open_day(5)}" in after.json["message"]
    assert _runs() == 0


def test_a_several_day_run_with_work_only_on_a_later_day_is_accepted(
    client,
    day_world,  # noqa: F811
):
    empty, busy = open_day(1), open_day(2)
    assert busy == day_world["day"]
    h = api_headers(client, day_world["dispatcher"])
    started = client.post(
        "/api/v1/plans/runs",
        json={"date": empty.isoformat(), "horizon_days": 2, "time_limit_s": 2},
        headers=h,
    )
    assert started.status_code == 202, started.json
    assert runner.wait(started.json["id"], timeout=120)
    run = client.get(f"/api/v1/plans/runs/{started.json['id']}", headers=h).json
    assert run["status"] == "succeeded", run
    busy_plan = db.session.scalar(
        sa.select(Plan).where(Plan.run_id == run["id"], Plan.plan_date == busy)
    )
    planned = {s.booking_id for r in busy_plan.routes for s in r.stops if s.booking_id}
    left = {u.booking_id for u in busy_plan.unassigned}
    assert planned | left == set(day_world["bookings"])


def test_a_re_plan_of_a_day_whose_bookings_were_all_cancelled_clears_its_plan(
    client,
    day_world,  # noqa: F811
):
    first = run_to_end(client, day_world)
    assert first["status"] == "succeeded" and db.session.get(Plan, first["plan_id"]).routes
    for booking in db.session.scalars(
        sa.select(Booking).where(Booking.id.in_(day_world["bookings"]))
    ):
        booking_service.change_status(booking.created_by, booking.id, BookingStatus.CANCELLED, "")
    again = run_to_end(client, day_world)  # accepted: the stored plan is there to clear
    assert again["status"] == "succeeded", again
    cleared = db.session.get(Plan, again["plan_id"])
    assert not [s for r in cleared.routes for s in r.stops if s.booking_id]
    assert db.session.get(PlanRun, again["id"]).status is RunStatus.SUCCEEDED


def test_a_several_day_run_skips_a_day_with_nothing_to_plan_and_says_so(
    client,
    auth,
    day_world,  # noqa: F811
):
    empty, busy = open_day(1), open_day(2)
    h = api_headers(client, day_world["dispatcher"])
    started = client.post(
        "/api/v1/plans/runs",
        json={"date": empty.isoformat(), "horizon_days": 2, "time_limit_s": 2},
        headers=h,
    )
    assert runner.wait(started.json["id"], timeout=120)
    run = client.get(f"/api/v1/plans/runs/{started.json['id']}", headers=h).json
    assert run["status"] == "succeeded", run
    stored = list(db.session.scalars(sa.select(Plan).where(Plan.run_id == run["id"])))
    assert [p.plan_date for p in stored] == [busy]  # no empty plan for the empty day
    assert run["plan_id"] == stored[0].id and run["plan_ids"] == [stored[0].id]
    assert f"{empty}: nothing to plan" in db.session.get(PlanRun, run["id"]).log
    auth.login(day_world["dispatcher"].email)
    client.get("/lang/en")
    page = client.get(f"/dispatch/runs/{run['id']}").get_data(as_text=True)
    assert f"{empty}: nothing to plan (no bookings, no deliveries): the day was skipped" in page
    client.get("/lang/zh")
    page = client.get(f"/dispatch/runs/{run['id']}").get_data(as_text=True)
    assert f"{empty}：没有需要规划的内容（没有预约，也没有送货），已跳过该日" in page
    listed = client.get(f"/dispatch/?date={empty}")
    assert listed.status_code == 200
    assert f"/dispatch/plans/{stored[0].id}" in listed.get_data(as_text=True)
    assert (
        busy.isoformat()
        in listed.get_data(as_text=True).split(f"/dispatch/plans/{stored[0].id}")[1][:200]
    )
    assert client.get(f"/dispatch/?date={busy}").status_code == 200
    assert client.get(f"/dispatch/plans/{stored[0].id}").status_code == 200
