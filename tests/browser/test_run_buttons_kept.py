"""The run page's buttons stay the same while htmx fetches the progress panel again every
second: a dispatcher's tap on "cancel" or "finish now" is not lost to a refresh that
replaced the button between touching it and letting go (nor is the keyboard's focus)."""

from __future__ import annotations

from tests.browser.conftest import log_in, new_page
from tests.browser.test_dispatch_journey import TOMORROW


def test_the_run_buttons_stay_put_while_the_progress_refreshes(browser, live_server):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "dispatcher@demo.lithloop")
    page.goto(f"/dispatch/?date={TOMORROW}")
    page.fill("#time_limit_s", "120")
    page.click(".run-form button[type=submit]")
    finish = page.get_by_role("button", name="立即结束并保留最佳方案")
    finish.wait_for(timeout=30_000)  # offered once a worker runs it
    page.evaluate("window.kept = document.querySelectorAll('#progress .run-actions button')")
    page.locator("#progress .run-actions button").first.focus()
    for _ in range(2):  # the panel comes again (each second), the run going on
        page.evaluate("window.panel = document.querySelector('#progress')")
        page.wait_for_function("!document.contains(window.panel)", timeout=5_000)
    kept = page.evaluate("[...window.kept].map(b => document.contains(b))")
    assert kept == [True, True], kept
    assert page.evaluate("document.activeElement === window.kept[0]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="取消运行").click()
    page.get_by_text("运行已取消：未保存任何方案。").wait_for(timeout=10_000)
    assert page.locator("#progress .run-actions").count() == 0  # an ended run has none
    page.context.close()
