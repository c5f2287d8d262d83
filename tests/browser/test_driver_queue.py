"""A phone passed between drivers (issue 18): confirmations queued offline belong to the driver
who made them. Another driver logging in on the same phone does not send them under their own
login; they are shown as waiting for their owner (or discarded there), and sent once the owner
is back."""

from __future__ import annotations

import json

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import PlanStop, User
from tests.browser.audit import check_page
from tests.browser.conftest import PHONE, log_in, new_page

QUEUE = "lithloop.driver.queue"


def _arrivals(live, stop_id: int) -> list[int]:
    """Who recorded an arrival at the stop (user ids)."""
    with live.app.app_context():
        stop = db.session.get(PlanStop, stop_id)
        found = [e.by_user_id for e in stop.booking.events if e.note.startswith("arrived:")]
        db.session.remove()
    return found


def _user(live, email: str) -> tuple[int, str]:
    with live.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        found = (user.id, user.name)
        db.session.remove()
    return found


def _log_out(page) -> None:
    """Log out from the account page (the route page would send the queue first)."""
    page.goto("/account")
    with page.expect_navigation():
        page.locator("form[action$='/logout']").first.evaluate("form => form.requestSubmit()")


def _phone(browser, base: str):
    """A phone without the service worker: Playwright's offline mode does not hold back the
    requests a service worker passes on, so the dead zone here is the page's own (the
    worker's copy of the page is tested in test_driver_road.py)."""
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        base_url=base,
        locale="zh-CN",
        service_workers="block",
    )
    context.add_cookies([{"name": "lang", "value": "zh_CN", "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_a_queued_confirmation_waits_for_its_driver_and_is_not_sent_by_another(
    browser, live_server, screenshots
):
    first_id, first_name = _user(live_server, "driver@demo.lithloop")
    page = _phone(browser, live_server.url)
    context = page.context
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    arrive = page.locator(".driver-route form[data-action='arrive']").first
    stop_id = int(arrive.get_attribute("data-stop"))
    assert _arrivals(live_server, stop_id) == []

    # a dead zone: the arrival waits on the phone, marked as the first driver's
    context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    arrive.evaluate("form => form.requestSubmit()")
    page.locator(f"#stop-{stop_id} .chip.queued").wait_for(state="visible")
    queued = json.loads(page.evaluate(f"localStorage.getItem('{QUEUE}')"))
    assert [(q["stop"], q["user"]) for q in queued] == [(str(stop_id), str(first_id))]
    page.close()  # the phone is put away before it finds a network again

    # back online, another driver logs in on the same phone
    context.set_offline(False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_out(page)
    assert _arrivals(live_server, stop_id) == []
    log_in(page, "driver2@demo.lithloop")
    page.goto("/driver/")
    waiting = page.locator("#others-queue")
    waiting.wait_for(state="visible")
    assert first_name in waiting.inner_text() and "1" in waiting.inner_text()
    check_page(page, "driver-others-queue", screenshots, phone=True)
    page.wait_for_timeout(1500)  # give the page's sync every chance to (wrongly) send it
    assert _arrivals(live_server, stop_id) == []  # not sent under the second login
    assert len(json.loads(page.evaluate(f"localStorage.getItem('{QUEUE}')"))) == 1
    assert page.locator("#sync-status").is_hidden()  # nothing of the second driver's pending

    # the first driver is back: their confirmation is sent, once, as theirs
    _log_out(page)
    log_in(page, "driver@demo.lithloop")
    # a driver lands on the route; its page sends the queue and reloads itself at once, so
    # going to it again here would race that reload
    page.wait_for_url("**/driver/**")
    page.locator("#sync-status.success").wait_for(timeout=30_000)
    assert _arrivals(live_server, stop_id) == [first_id]
    assert json.loads(page.evaluate(f"localStorage.getItem('{QUEUE}')")) == []
    assert page.locator("#others-queue").is_hidden()
    context.close()


def test_another_drivers_queue_can_be_discarded_with_a_clear_message(browser, live_server):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    stranger = {
        "key": "k-of-someone-else",
        "url": "/driver/stops/1/arrive",
        "stop": "1",
        "action": "arrive",
        "fields": [],
        "user": "999999",
        "userName": "王师傅",
    }
    page.evaluate(f"localStorage.setItem('{QUEUE}', JSON.stringify([{json.dumps(stranger)}]))")
    page.reload()
    waiting = page.locator("#others-queue")
    waiting.wait_for(state="visible")
    assert "王师傅" in waiting.inner_text()
    page.click("#discard-others")
    assert waiting.is_hidden()
    assert "丢弃" in page.locator("#sync-status").inner_text() or "discard" in (
        page.locator("#sync-status").inner_text().lower()
    )
    assert page.evaluate(f"localStorage.getItem('{QUEUE}')") == "[]"
    page.context.close()
