"""Recording the truck back at the park (or unloaded) while stops before it are still to do
asks first: on a delivery route it sends every undelivered order back to the park and tells
its buyer, and a tap on the folded last stop of the list did it at once."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import PlanStop
from tests.browser.conftest import log_in
from tests.browser.test_driver_queue import _phone


def _done_at(live, stop_id: int):
    with live.app.app_context():
        found = db.session.get(PlanStop, stop_id).done_at
        db.session.remove()
    return found


def test_back_at_the_park_with_stops_left_asks_and_a_no_sends_nothing(browser, live_server):
    page = _phone(browser, live_server.url)
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    end = page.locator("form.driver-action[data-action=unloaded]").last
    stop_id = int(end.get_attribute("data-stop"))
    left = page.locator(".driver-stop:not(.done) form[data-action=pickup]").count()
    assert left > 0  # the demo driver's day has not begun
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/unloaded") else None)
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.locator(f"#stop-{stop_id} > summary").click()
    end.locator("button[type=submit]").click()
    page.wait_for_timeout(500)
    assert asked == [f"此前还有 {left} 个站点尚未完成。仍要记录此站吗？"]
    assert sent == [] and _done_at(live_server, stop_id) is None
    assert page.locator(f"#stop-{stop_id} .chip:not(.queued)").inner_text() == "待处理"

    # a yes records it as before (the page's own sending, then the page again)
    page.remove_listener("dialog", answer)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        end.locator("button[type=submit]").click()
    assert len(sent) == 1 and _done_at(live_server, stop_id) is not None
