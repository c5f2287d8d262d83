"""What the dispatcher reads of bookings held from planning (organisation pending approval or
suspended): the run page's lines, the day page's where-to-approve sentence, and the run
form's refusal beside the date when the day holds nothing else."""

from __future__ import annotations

import pytest

from lithloop.models import OrgStatus, RunStatus
from tests.conftest import submit
from tests.factories import (
    BookingFactory,
    DispatcherFactory,
    PlanRunFactory,
    make_org,
    make_park,
    make_user,
)
from tests.route_world import open_day

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # pages only


def _held(day, status: OrgStatus):
    return BookingFactory(pickup_date=day, created_by=make_user(make_org(status=status)))


def test_the_run_page_says_which_bookings_were_held_and_why(client, auth):
    day = open_day(1)
    held = [{"date": day.isoformat(), "pending": [7, 9], "suspended": [], "rejected": []}]
    run = PlanRunFactory(
        plan_date=day, status=RunStatus.SUCCEEDED, log="mode: quick", held=held, horizon_days=1
    )
    auth.login(run.created_by.email)
    page = client.get(f"/dispatch/runs/{run.id}").get_data(as_text=True)
    shown = page.split('class="muted run-held">', 1)[1].split("</p>", 1)[0]
    assert shown == (
        f"{day}：2 个预约暂不排入路线。所属机构待产业园审核：#7、#9。"
        "管理员可在“管理 → 审核”中批准待审核的机构。"
    )
    log = page.split('class="run-log">', 1)[1].split("</ul>", 1)[0]
    assert shown in log  # in the solver log too, after the search's mode
    assert log.index("搜索：快速") < log.index(shown)


def test_a_day_of_held_bookings_only_is_refused_beside_the_date(client, auth):
    make_park(trucks=1)
    day = open_day(1)
    held = _held(day, OrgStatus.SUSPENDED)
    dispatcher = DispatcherFactory()
    auth.login(dispatcher.email)
    listed = client.get(f"/dispatch/?date={day}").get_data(as_text=True)
    assert "管理员可在“管理 → 机构”中恢复被暂停的机构。" in listed.split('id="held-release"')[1]
    form = {"date": day.isoformat(), "time_limit_s": "5", "horizon_days": "1"}
    response = submit(client, "/dispatch/runs", form, page=f"/dispatch/?date={day}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    err = page[page.index('id="date-err"') :].split("</p>", 1)[0]
    assert f"当天有 1 个预约，都暂不排入路线。所属机构已被暂停：#{held.id}。" in err
    assert "“管理 → 机构”" in err and "请选择其他日期" not in err


def test_the_api_run_record_lists_the_held_bookings_per_day(client):
    from tests.conftest import api_headers

    day = open_day(1)
    held = [{"date": day.isoformat(), "pending": [7, 9], "suspended": [11], "rejected": []}]
    run = PlanRunFactory(plan_date=day, status=RunStatus.SUCCEEDED, log="mode: quick", held=held)
    got = client.get(f"/api/v1/plans/runs/{run.id}", headers=api_headers(client, run.created_by))
    assert got.status_code == 200, got.json
    assert got.json["held"] == [
        {"date": day.isoformat(), "pending": [7, 9], "suspended": [11], "rejected": []}
    ]
