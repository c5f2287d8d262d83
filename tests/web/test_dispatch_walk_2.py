"""Dispatcher walk 2, on the pages and the API: a huge whole number told too large, a date
the calendar lacks told so, full-width digits read in the run form, a changed roster driver
told as no such driver, a run that ended at once not shown as "0 / 30 秒"."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.jobs import runner
from lithloop.models import PlanRun, Role, RunStatus, Truck
from tests.conftest import api_headers, submit
from tests.web.test_dispatch import day_world  # noqa: F401 (the fixture)
from tests.web.test_routing_api import BASE, bearer

HUGE = "99999999999999999999"


def _after(page: str, marker: str, size: int = 300) -> str:
    assert marker in page, marker
    return page[page.index(marker) :][:size]


def test_a_huge_seed_or_page_is_told_too_large_and_the_most_allowed(client):
    """`?seed=99999999999999999999` was answered "请填写整数" (enter a whole number)."""
    headers = {**bearer(client, Role.DISPATCHER), "Accept-Language": "zh-CN"}
    response = client.post(f"/api/v1/routing/solve?seed={HUGE}", json=BASE, headers=headers)
    assert response.status_code == 422
    told = " ".join(response.json["errors"]["query"]["seed"])
    assert "数值过大" in told and "2,147,483,647" in told and "整数" not in told
    english = {**headers, "Accept-Language": "en"}
    paged = client.get(f"/api/v1/bookings?page={HUGE}", headers=english)
    assert paged.status_code == 422
    assert paged.json["errors"]["query"]["page"] == ["This is too large: enter at most 100,000."]


def _run_form(client, auth, world, form: dict):
    auth.login(world["dispatcher"].email)
    day = world["day"].isoformat()
    return submit(client, "/dispatch/runs", {"date": day, **form}, page=f"/dispatch/?date={day}")


def test_a_date_the_calendar_lacks_is_told_so_on_the_run_form_and_the_api(
    client,
    auth,
    day_world,  # noqa: F811
):
    """2026-02-30 was answered "请按 YYYY-MM-DD 格式…", though it has that format."""
    response = _run_form(client, auth, day_world, {"date": "2026-02-30", "time_limit_s": "5"})
    assert response.status_code == 422
    told = _after(response.get_data(as_text=True), 'id="date-err"')
    assert "没有 2026-02-30 这一天" in told and "28" in told and "格式" not in told
    headers = {**api_headers(client, day_world["dispatcher"]), "Accept-Language": "en"}
    api = client.post("/api/v1/plans/runs", json={"date": "2026-02-30"}, headers=headers)
    assert api.status_code == 422
    assert api.json["errors"]["json"]["date"] == [
        "There is no 2026-02-30: 2026-02 has days 01 to 28."
    ]
    assert db.session.query(PlanRun).count() == 0


def test_full_width_digits_start_a_run_and_superscripts_are_refused(
    client,
    auth,
    day_world,  # noqa: F811
):
    """The run form refused １０ ("请填写整数（数字 0-9）") while the driver's mass took it."""
    refused = _run_form(client, auth, day_world, {"time_limit_s": "¹⁰", "mode": "quick"})
    assert refused.status_code == 422
    assert "0-9" in _after(refused.get_data(as_text=True), 'id="time_limit_s-err"')
    started = _run_form(
        client, auth, day_world, {"time_limit_s": "２", "horizon_days": "１", "mode": "quick"}
    )
    assert started.status_code == 302, started.get_data(as_text=True)[:2000]
    run = db.session.scalar(sa.select(PlanRun))
    assert (run.time_limit_s, run.horizon_days) == (2, 1)
    runner.wait(run.id, timeout=60)


def test_a_changed_roster_driver_is_no_such_driver_not_a_database_limit(
    client,
    auth,
    day_world,  # noqa: F811
):
    """A tampered driver field read "请填写 1 至 2,147,483,647 之间的数字"."""
    auth.login(day_world["dispatcher"].email)
    truck = db.session.scalars(sa.select(Truck).order_by(Truck.id)).first()
    url = f"/dispatch/roster?date={day_world['day'].isoformat()}"
    for field, value in ((f"driver-{truck.id}", "99999999999"), ("leave", "0")):
        response = submit(client, url, {field: value}, page=url)
        assert response.status_code == 422, field
        page = response.get_data(as_text=True)
        assert "没有这个司机。" in page and "2,147,483,647" not in page, field


def test_a_changed_driver_at_publishing_is_no_such_driver(client, auth, day_world):  # noqa: F811
    """The publish confirmation's driver select, changed, read the database's integer too."""
    from lithloop.models import Plan
    from tests.web.test_dispatch import run_to_end

    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    truck_id = plan.routes[0].truck_id
    auth.login(day_world["dispatcher"].email)
    url = f"/dispatch/plans/{plan.id}/publish"
    form = {"confirmed": "1", f"driver-{truck_id}": "99999999999", "without_driver": "1"}
    page = submit(client, url, form, page=url, follow_redirects=True).get_data(as_text=True)
    assert "没有这个司机。" in page and "2,147,483,647" not in page


def _ended_run(world, seconds: float) -> PlanRun:
    start = clock.now()
    run = PlanRun(
        plan_date=world["day"],
        status=RunStatus.SUCCEEDED,
        time_limit_s=30,
        started_at=start,
        finished_at=start + timedelta(seconds=seconds),
        created_by_id=world["dispatcher"].id,
    )
    db.session.add(run)
    db.session.commit()
    return run


def test_a_run_that_ended_at_once_says_so_not_0_of_30_s(client, auth, day_world):  # noqa: F811
    """A quick run that ended at once showed "0 / 30 秒" on its progress."""
    auth.login(day_world["dispatcher"].email)
    at_once, short = _ended_run(day_world, 0.2), _ended_run(day_world, 3.4)
    page = client.get(f"/dispatch/runs/{at_once.id}").get_data(as_text=True)
    assert "不到 1 秒即结束（限时 30 秒）" in page and "0 / 30 秒" not in page
    assert "3 / 30 秒" in client.get(f"/dispatch/runs/{short.id}").get_data(as_text=True)


def test_every_bad_field_of_the_run_form_is_told_at_once(
    client,
    auth,
    day_world,  # noqa: F811
):
    """Walk finding: a time limit of -5 and 0 days showed only the time limit's error; the
    days were refused only on the next try."""
    refused = _run_form(client, auth, day_world, {"time_limit_s": "-5", "horizon_days": "0"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "1" in _after(page, 'id="time_limit_s-err"') and 'id="horizon_days-err"' in page
    assert 'value="-5"' in page and 'value="0"' in page  # what was typed stays
    assert db.session.query(PlanRun).count() == 0
