"""Two park journeys in Chinese at 390 px: a dispatcher adds a truck (a plate the park
already has is refused beside the field, the other values kept), then retires it; an admin
invites a dispatcher at /admin/people and changes the new person's role."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Role, Truck, User
from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page

NEW_PLATE = "黑C·B7777"
INVITED = "new-dispatcher@example.cn"


def _read(live, query):
    """One value read from the live server's database."""
    with live.app.app_context():
        value = db.session.scalar(query)
        db.session.remove()
    return value


def test_a_dispatcher_adds_a_truck_on_a_phone_is_refused_a_taken_plate_and_retires_it(
    browser, live_server, screenshots
):
    taken = _read(live_server, sa.select(Truck.plate).order_by(Truck.id).limit(1))
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "dispatcher@demo.lithloop")
    page.goto("/dispatch/trucks")
    check_page(page, "trucks", screenshots, phone=True)
    page.get_by_role("link", name="添加车辆").click()
    page.wait_for_url("**/dispatch/trucks/new")
    page.fill("#plate", taken)
    page.fill("#payload_kg", "8000")
    page.fill("#pallet_places", "16")
    page.fill("#cost_per_km", "3.80")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    error = page.locator("#plate-err")
    assert error.is_visible() and taken in error.inner_text()  # beside the plate
    assert page.locator("#plate").get_attribute("aria-invalid") == "true"
    assert page.locator("#payload_kg").input_value() == "8000"  # what was typed is kept
    assert page.locator("#cost_per_km").input_value() == "3.80"
    check_page(page, "truck-plate-taken", screenshots, phone=True)
    page.fill("#plate", "黑c b7777")  # typed as people type it: stored canonical
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dispatch/trucks")
    row = page.locator("#trucks tr", has_text=NEW_PLATE)
    assert row.count() == 1 and "正常" in row.inner_text()
    row.get_by_role("link", name=NEW_PLATE).click()
    page.wait_for_url("**/dispatch/trucks/*")
    page.get_by_role("link", name="停用该车辆…").click()
    page.wait_for_url("**/dispatch/trucks/*/active")
    check_page(page, "truck-retire", screenshots, phone=True)
    page.get_by_role("button", name="停用该车辆").click()
    page.wait_for_url("**/dispatch/trucks")
    row = page.locator("#trucks tr", has_text=NEW_PLATE)
    assert "已停用" in row.inner_text()
    truck = _read(live_server, sa.select(Truck).where(Truck.plate == NEW_PLATE))
    assert truck is not None and not truck.active and truck.cost_per_km_fen == 380
    page.context.close()


def test_an_admin_invites_a_dispatcher_and_changes_the_role_on_a_phone(
    browser, live_server, screenshots
):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "admin@demo.lithloop")
    page.goto("/admin/people")
    check_page(page, "park-people", screenshots, phone=True)
    page.fill("#col-name", "赵调度")
    page.fill("#col-email", INVITED)
    page.select_option("#col-role", Role.DISPATCHER.value)
    page.get_by_role("button", name="添加并邀请").click()
    page.wait_for_load_state()
    row = page.locator("#people li", has_text=INVITED)
    assert row.count() == 1
    assert "调度员 · 已邀请" in row.inner_text()  # (the role select lists every role)
    check_page(page, "park-people-invited", screenshots, phone=True)
    row.locator("select[name=role]").select_option(Role.PLANT_OPERATOR.value)
    row.get_by_role("button", name="更改角色").click()
    page.wait_for_load_state()
    row = page.locator("#people li", has_text=INVITED)
    assert "工厂操作员 · 已邀请" in row.inner_text()
    role = _read(live_server, sa.select(User.role).where(User.email == INVITED))
    assert role is Role.PLANT_OPERATOR
    page.context.close()
