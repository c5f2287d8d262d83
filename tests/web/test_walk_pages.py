"""Defects found walking the demo as a new user (zh-CN at phone width, English on a desktop):
each test fails without its fix."""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.models import Plan, Role
from tests.market.support import list_packs
from tests.web.test_dispatch import (
    day_world,  # noqa: F401 (the fixture)
    run_to_end,
)


def test_a_page_of_another_role_says_so_in_chinese_not_werkzeugs_english(client, login_as):
    login_as(Role.DEALER_STAFF)
    response = client.get("/dispatch/")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "You don't have the permission" not in page
    assert "您的角色无权打开此页面。" in page


def test_plates_on_the_publish_confirmation_and_map_key_stay_on_one_line(
    client,
    auth,
    day_world,  # noqa: F811 (the fixture)
):
    """A plate (黑C·F0614) broke after its province character at phone width: each is in a
    span.plate (white-space: nowrap), in the list of who will be told and under the map."""
    plan_id = run_to_end(client, day_world)["plan_id"]
    plan = db.session.get(Plan, plan_id)
    auth.login(day_world["dispatcher"].email)
    confirm = client.get(f"/dispatch/plans/{plan_id}/publish").get_data(as_text=True)
    told = confirm.split('<ul class="rows">')[-1].split("</ul>")[0]
    shown = client.get(f"/dispatch/plans/{plan_id}").get_data(as_text=True)
    key = shown.split("<figcaption>")[1].split("</figcaption>")[0]
    for route in plan.routes:
        plate = route.truck.plate
        assert f'<span class="plate">{plate}</span>' in told
        assert re.search(rf'<span class="plate"><span class="key [^"]*"></span>{plate}</span>', key)


def test_a_final_test_is_named_on_the_listing_and_the_plant_page(client, auth, login_as):
    """An assembled pack's test (kind 'final') showed '(final)' to buyers and 'Intake test'
    to the plant."""
    pack = list_packs(1)[0]
    client.get("/lang/zh_CN")
    login_as(Role.BUYER)
    listing = client.get(f"/market/packs/{pack.id}").get_data(as_text=True)
    assert "(出厂检测)" in listing and "(final)" not in listing
    auth.logout()
    login_as(Role.PLANT_OPERATOR)
    plant = client.get(f"/plant/packs/{pack.id}").get_data(as_text=True)
    tests = plant.split("<tbody>")[-1].split("</tbody>")[0]
    assert "出厂检测" in tests and "入厂检测" not in tests
