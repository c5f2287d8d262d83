"""A fragment a page polls into itself, opened directly in a browser, gives its page."""

from __future__ import annotations

import pytest

from lithloop.models import PlanStatus, RunStatus
from tests.factories import PlanFactory, PlanRunFactory, make_park


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_live_panel_opened_directly_goes_to_its_plan_page(client, auth):
    """Walk finding: /dispatch/plans/<id>/live typed in the address bar showed the bare panel,
    with no layout, styles or navigation."""
    make_park()  # the plan page draws the park
    plan = PlanFactory(status=PlanStatus.PUBLISHED)
    auth.login(plan.run.created_by.email)
    url = f"/dispatch/plans/{plan.id}/live"
    opened = client.get(url)
    assert opened.status_code == 302
    assert opened.location.endswith(f"/dispatch/plans/{plan.id}#live")
    assert "HX-Request" in opened.headers.get("Vary", "")
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    assert "<html" in page and 'id="live"' in page
    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "HX-Request" in polled.headers.get("Vary", "")
    body = polled.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card live" id="live"') and "<html" not in body
    assert f'hx-get="{url}"' in body  # the panel keeps polling itself
    assert client.get("/dispatch/plans/999999/live").status_code == 404


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_run_progress_panel_opened_directly_goes_to_its_run_page(client, auth):
    run = PlanRunFactory(status=RunStatus.RUNNING)
    auth.login(run.created_by.email)
    url = f"/dispatch/runs/{run.id}/progress"
    opened = client.get(url)
    assert opened.status_code == 302 and opened.location.endswith(f"/dispatch/runs/{run.id}")
    assert "HX-Request" in opened.headers.get("Vary", "")
    polled = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert polled.lstrip().startswith('<section class="card" id="progress"')
    assert client.get("/dispatch/runs/999999/progress").status_code == 404
