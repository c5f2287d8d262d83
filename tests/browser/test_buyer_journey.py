"""The buyer filters the catalog and pays with card 4242… and with a 3-D Secure card."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Pack, PackState
from lithloop.models.market import Order, OrderStatus
from tests.browser.conftest import log_in, new_page
from tests.browser.test_dispatch_journey import sweep


def _order(live, order_id: int) -> tuple[OrderStatus, list[PackState]]:
    with live.app.app_context():
        order = db.session.get(Order, order_id)
        result = order.status, [db.session.get(Pack, line.pack_id).state for line in order.lines]
        db.session.remove()
    return result


def _buy(page, card: str) -> int:
    """Add the first group of the filtered catalog to the cart, check out, choose a card."""
    page.goto("/market/?chemistry=LFP&min_soh=60&sort=price")
    page.locator("form[action$='/cart/add'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto("/market/cart")
    page.locator("form[action$='/checkout'] button[type=submit]").click()
    page.wait_for_load_state()
    order_id = int(re.search(r"/orders/(\d+)/pay", page.url).group(1))
    page.check(f"input[name=method][value='{card}']")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    return order_id


def test_buyer_filters_and_pays_with_a_card_and_with_3d_secure(browser, live_server, screenshots):
    page = new_page(browser, live_server.url)
    log_in(page, "buyer@demo.lithloop")
    page.goto("/market/?chemistry=LFP&min_soh=60&sort=price")
    prices = [
        int(re.sub(r"\D", "", t))
        for t in page.locator("[data-price-fen]").evaluate_all(
            "els => els.map(e => e.dataset.priceFen)"
        )
    ]
    assert prices and prices == sorted(prices)  # sorted by price, lowest first

    paid = _buy(page, "pm_card_visa")
    assert _order(live_server, paid)[0] is OrderStatus.PAID
    assert set(_order(live_server, paid)[1]) == {PackState.SOLD}

    secure = _buy(page, "4000002760003184")
    assert re.search(rf"/orders/{secure}/authenticate", page.url)  # the 3-D Secure step
    page.click("button[name=outcome][value=approve]")
    page.wait_for_load_state()
    assert _order(live_server, secure)[0] is OrderStatus.PAID

    declined = _buy(page, "pm_card_chargeCustomerFail")
    assert page.locator("[role=alert], .error").first.is_visible()  # told clearly
    status, states = _order(live_server, declined)
    assert status is not OrderStatus.PAID and PackState.SOLD not in states

    page.goto("/market/orders")
    for order_id in (paid, secure):
        assert page.locator(f"a[href='/market/orders/{order_id}']").count() >= 1
    page.context.close()
    with live_server.app.app_context():
        listed = db.session.scalar(
            sa.select(Pack.id).where(Pack.state == PackState.FINISHED, Pack.refurbished.is_(True))
        )
        db.session.remove()
    sweep(
        browser,
        live_server,
        "buyer@demo.lithloop",
        {
            "market-catalog": "/market/",
            "market-pack": f"/market/packs/{listed}",
            "market-cart": "/market/cart",
            "market-orders": "/market/orders",
            "market-order": f"/market/orders/{paid}",
        },
        screenshots,
    )
