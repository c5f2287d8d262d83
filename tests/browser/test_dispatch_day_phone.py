"""Walk finding: on a phone, the dispatcher's day page with the demo's 24 bookings was
about 5,700 px tall, the run form and the day's runs below every booking's card. A
dispatcher comes to run or check a plan: those come first, the bookings after them."""

from __future__ import annotations

from tests.browser.conftest import log_in, new_page
from tests.browser.test_dispatch_journey import TOMORROW


def test_the_run_form_and_the_runs_come_before_the_bookings_on_a_phone(browser, live_server):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "dispatcher@demo.lithloop")
    page.goto(f"/dispatch/?date={TOMORROW}")
    cards = page.locator("table tbody tr:has(a[href*='/bookings/'])").count()
    assert cards >= 20, cards  # the demo's next open day: a long list, screens of cards
    screen = page.evaluate("window.innerHeight")
    tops = page.evaluate(
        """() => Object.fromEntries([['form', '#run-form'], ['button', '#run-form button'],
            ['booking', "table tbody tr:has(a[href*='/bookings/'])"]].map(([k, s]) =>
            [k, document.querySelector(s).getBoundingClientRect().top + window.scrollY]))"""
    )
    assert tops["button"] < 2 * screen, tops  # the whole form within two screens
    assert tops["form"] < tops["booking"], tops
    runs = page.get_by_role("heading", name="当天的运行")
    runs_top = runs.evaluate("h => h.getBoundingClientRect().top + window.scrollY")
    assert runs_top < tops["booking"], (runs_top, tops)
    page.click("#to-bookings")  # the bookings one tap away
    page.wait_for_function("window.scrollY > 0")
    page.context.close()
