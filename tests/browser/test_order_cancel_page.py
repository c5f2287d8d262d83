"""A buyer cancels an unpaid order in the browser at phone width: the order page's button, the
page that asks first, the answer; each page checked as the sweeps check theirs."""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState
from tests.browser.audit import check_page
from tests.browser.card_entry import order_to_pay
from tests.browser.conftest import new_page, register_buyer


def test_a_buyer_cancels_an_unpaid_order_after_being_asked(browser, live_server, screenshots):
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    register_buyer(page, live_server, "cancel")
    order_id = order_to_pay(page)
    page.goto(f"/market/orders/{order_id}")
    check_page(page, "market-order-unpaid", screenshots, phone=True)
    page.get_by_role("button", name="取消订单").click()
    page.wait_for_load_state()
    check_page(page, "market-order-cancel", screenshots, phone=True)
    assert page.get_by_role("heading", name=f"取消订单 #{order_id}？").count() == 1
    page.get_by_role("button", name="是，取消订单").click()
    page.wait_for_url(re.compile(rf"/market/orders/{order_id}$"))
    assert page.get_by_text("买家已取消订单：电池包已重新上架。").count() == 1
    assert page.get_by_role("button", name="取消订单").count() == 0
    check_page(page, "market-order-cancelled", screenshots, phone=True)
    page.context.close()
    with live_server.app.app_context():
        order = db.session.get(Order, order_id)
        assert order.status is OrderStatus.CANCELLED
        assert {line.pack.state for line in order.lines} == {PackState.FINISHED}
        db.session.remove()
