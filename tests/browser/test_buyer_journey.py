"""The buyer filters the catalog and pays with card 4242… and with a 3-D Secure card."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Pack, PackState
from lithloop.models.market import Order, OrderStatus
from tests.browser.card_entry import approve_3d_secure, order_to_pay, type_card
from tests.browser.conftest import log_in, new_page
from tests.browser.test_dispatch_journey import sweep


def _order(live, order_id: int) -> tuple[OrderStatus, list[PackState]]:
    with live.app.app_context():
        order = db.session.get(Order, order_id)
        result = order.status, [db.session.get(Pack, line.pack_id).state for line in order.lines]
        db.session.remove()
    return result


def _buy(page, card: str) -> int:
    """Order the first group of the filtered catalog and type a card into Stripe.js."""
    order_id = order_to_pay(page)
    type_card(page, card)
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

    paid = _buy(page, "4242424242424242")
    page.wait_for_url(re.compile(rf"/market/orders/{paid}$"))
    assert _order(live_server, paid)[0] is OrderStatus.PAID
    assert set(_order(live_server, paid)[1]) == {PackState.SOLD}

    secure = _buy(page, "4000002760003184")
    approve_3d_secure(page)  # the card's own check when it is set up
    page.wait_for_url(re.compile(rf"/orders/{secure}/authenticate"))  # the payment's step
    page.click("#confirm-3ds")
    approve_3d_secure(page)
    page.wait_for_url(re.compile(rf"/market/orders/{secure}$"))
    assert _order(live_server, secure)[0] is OrderStatus.PAID

    declined = _buy(page, "4000000000000341")  # set up fine, refused when charged
    page.wait_for_url(re.compile(rf"/orders/{declined}/pay"))
    page.locator("[role=alert], .error").first.wait_for()  # told clearly
    status, states = _order(live_server, declined)
    assert status is OrderStatus.PENDING_PAYMENT and set(states) == {PackState.RESERVED}

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
