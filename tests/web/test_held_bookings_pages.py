"""What the dispatcher reads of bookings held from planning (organisation pending approval or
suspended): the run page's lines, the day page's where-to-approve sentence, and the run
form's refusal beside the date when the day holds nothing else."""

from __future__ import annotations

import pytest

from lithloop.models import RunStatus
from lithloop.services.dispatch.run_control import HELD_LINE
from tests.factories import (
    PlanRunFactory,
)
from tests.route_world import open_day

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # pages only


def test_the_run_page_says_which_bookings_were_held_and_why(client, auth):
    day = open_day(1)
    line = HELD_LINE.format(day=day, count=2, pending="7,9", suspended="-", rejected="-")
    run = PlanRunFactory(
        plan_date=day, status=RunStatus.SUCCEEDED, log=f"mode: quick\n{line}", horizon_days=1
    )
    auth.login(run.created_by.email)
    page = client.get(f"/dispatch/runs/{run.id}").get_data(as_text=True)
    shown = page.split('class="muted run-held">', 1)[1].split("</p>", 1)[0]
    assert shown == (
        f"{day}：2 个预约暂不排入路线。所属机构待产业园审核：#7、#9。"
        "管理员可在“管理 → 审核”中批准待审核的机构。"
    )
    assert "organisation pending" not in page  # the stored English line is never shown
