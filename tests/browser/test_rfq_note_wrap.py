"""A long number typed in a quote request's note (an order reference, a phone number run
together) stayed whole and was flagged as a number broken across lines at phone width: the
note is running text the buyer typed, and breaks where its line ends, the page not scrolling
sideways."""

from __future__ import annotations

from datetime import timedelta

from lithloop import clock
from tests.browser.audit import overflow, wrapped
from tests.browser.conftest import new_page, register_buyer

LONG_NUMBER = "2026120600000000000000000000000000000042"


def test_a_long_number_in_a_quote_requests_note_wraps_as_running_text(browser, live_server):
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    register_buyer(page, live_server, "rfq-note")
    page.goto("/market/rfqs/new")
    page.fill("#r-quantity", "2")
    page.fill("#r-date", (clock.today() + timedelta(days=9)).isoformat())
    page.fill("textarea[name=note]", f"合同号 {LONG_NUMBER}，请按此开票")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    note = page.locator("dd.typed-text")
    assert LONG_NUMBER in note.inner_text()
    assert note.bounding_box()["height"] > 30  # on more than one line at phone width
    assert wrapped(page) == [] and overflow(page) == []
    page.context.close()
