"""A buyer with the payment page open in one tab cancelled the order in another, then typed
a card in the first: the card form stayed, with "订单 #N 已无法支付。" under it and the Pay
button pressable again, never saying why nor what now. The page now shows itself again: the
order cancelled, its reason, no card form."""

from __future__ import annotations

import re

from tests.browser.audit import wrapped
from tests.browser.card_entry import order_to_pay, type_card
from tests.browser.conftest import new_page, register_buyer


def test_a_card_typed_after_the_order_was_cancelled_in_another_tab_shows_why(browser, live_server):
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    register_buyer(page, live_server, "two-tabs")
    order_id = order_to_pay(page)  # this tab: the payment page

    other = page.context.new_page()  # the other tab cancels the order
    other.goto(f"/market/orders/{order_id}")
    other.get_by_role("button", name="取消订单").click()
    other.wait_for_load_state()
    other.get_by_role("button", name="是，取消订单").click()
    other.wait_for_url(re.compile(rf"/market/orders/{order_id}$"))

    type_card(page, "4242424242424242")
    page.locator("main .status.cancelled").wait_for()  # the page again, with the order's state
    assert page.locator("#pay-form").count() == 0  # nothing left to pay, nothing to press
    text = page.locator("main").inner_text()
    assert f"订单 #{order_id} 已取消，无需付款。" in text
    assert "买家已取消订单：电池包已重新上架。" in text
    assert wrapped(page) == []
    page.context.close()
