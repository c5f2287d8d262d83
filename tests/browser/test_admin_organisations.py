"""The admin's organisations page and its suspend form at phone and desktop width, in
Chinese and English; the form refuses an empty reason beside the field. The live server is
shared, so the organisation suspended here is reactivated before the test ends."""

from __future__ import annotations

import re

from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page
from tests.browser.test_dispatch_journey import sweep


def test_the_organisations_page_and_the_suspend_form(browser, live_server, screenshots):
    sweep(
        browser,
        live_server,
        "admin@demo.lithloop",
        {"admin-organisations": "/admin/organisations"},
        screenshots,
    )
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "admin@demo.lithloop")
    page.goto("/admin/organisations")
    row = page.locator("#organisations tbody tr", has=page.get_by_role("button", name="暂停")).first
    name = row.locator("td").first.text_content().strip()
    row.get_by_role("button", name="暂停").click()
    page.wait_for_load_state()
    assert page.locator("h1").text_content().strip() == f"暂停{name}？"
    check_page(page, "admin-organisation-suspend", screenshots, phone=True)
    page.get_by_role("button", name="是，暂停该机构").click()
    page.wait_for_load_state()
    assert page.locator("#reason-err").text_content().strip() == "请填写原因。"
    check_page(page, "admin-organisation-suspend-refused", screenshots, phone=True)
    page.fill("#reason", "浏览器测试")
    page.get_by_role("button", name="是，暂停该机构").click()
    page.wait_for_url(re.compile(r"/admin/organisations"))
    row = page.locator("#organisations tbody tr", has_text=name).first
    assert "已暂停" in row.text_content()
    row.get_by_role("button", name="恢复").click()
    page.wait_for_load_state()
    page.fill("#reason", "浏览器测试结束")
    page.get_by_role("button", name="是，恢复该机构").click()
    page.wait_for_url(re.compile(r"/admin/organisations"))
    row = page.locator("#organisations tbody tr", has_text=name).first
    assert "已暂停" not in row.text_content()
    page.context.close()
