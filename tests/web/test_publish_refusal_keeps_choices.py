"""A refused publish showed the confirmation again with every driver select back at
"nobody" and the tick cleared (a redirect lost the dispatcher's choices) and the reason at
the top of the page; it now answers the page with the choices as sent and the reason in
the form (beside the driver it is about)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from lithloop.extensions import db
from lithloop.models import Plan, PlanStatus, Role
from tests.conftest import submit
from tests.factories import make_user
from tests.web import test_dispatch
from tests.web.test_dispatch import run_to_end

day_world = test_dispatch.day_world
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_a_publish_refused_for_a_route_without_driver_keeps_the_drivers_chosen(
    client, auth, day_world
):
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    first, second = plan.routes[0], plan.routes[1]
    driver = make_user(day_world["park"], role=Role.DRIVER)
    driver.name = "司机甲"
    db.session.commit()
    auth.login(day_world["dispatcher"].email)
    url = f"/dispatch/plans/{plan.id}/publish"
    form = {"confirmed": "1", f"driver-{first.truck_id}": str(driver.id)}
    refused = submit(client, url, form, page=url)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409, refused.status_code
    assert f'<option value="{driver.id}" selected>司机甲</option>' in page
    form_html = page.split('id="publish-form"')[1].split("</form>")[0]
    alert = form_html.split('id="publish-err">')[1].split("</p>")[0]
    assert second.truck.plate in alert and first.truck.plate not in alert, alert
    assert 'class="flash error"' not in page  # said once, in the form
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).status is PlanStatus.DRAFT


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_a_changed_driver_is_refused_beside_its_select_and_the_tick_kept(client, auth, day_world):
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    truck_id = plan.routes[0].truck_id
    auth.login(day_world["dispatcher"].email)
    url = f"/dispatch/plans/{plan.id}/publish"
    form = {"confirmed": "1", f"driver-{truck_id}": "-1", "without_driver": "1"}
    refused = submit(client, url, form, page=url)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    beside = page.split(f'id="driver-{truck_id}-err">')[1].split("</p>")[0]
    assert beside == "没有这个司机。"
    assert f'aria-describedby="driver-{truck_id}-err"' in page
    assert 'name="without_driver" value="1" checked' in page


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_publishing_again_after_the_back_button_lands_calmly_on_the_published_plan(
    client, auth, day_world
):
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    auth.login(day_world["dispatcher"].email)
    url = f"/dispatch/plans/{plan.id}/publish"
    form = {"confirmed": "1", "without_driver": "1"}
    assert submit(client, url, form, page=url).status_code == 302
    again = submit(client, url, form, follow_redirects=True)
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "只有草稿可以发布" not in page and 'class="flash error"' not in page
    db.session.expire_all()
    published = db.session.get(Plan, plan.id)
    assert published.status is PlanStatus.PUBLISHED
    assert f"此计划已于 {published.published_at.astimezone(SHANGHAI):%H:%M} 由 " in page
    assert day_world["dispatcher"].name in page
