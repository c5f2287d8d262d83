"""Issue #19's storefront walked by a new buyer, at phone and desktop width, in Chinese and
English: register, fill the cart, choose delivery to a city (fee and day shown), order, type
a card into Stripe.js (localstripe), be declined, pay with another card; the order page, the
invoice and its PDF carry the delivery line, and Stripe took exactly the total shown."""

from __future__ import annotations

import re

import pytest

from lithloop import payments
from lithloop.extensions import db
from lithloop.models.market import Order, OrderStatus
from tests.browser.audit import check_page
from tests.browser.card_entry import CARD_FIELDS, type_card
from tests.browser.conftest import new_page, register_buyer
from tests.pdf_text import pdf_text

CITY = {"zh_CN": "海林市", "en": "Hailin"}


def _stored(live, order_id: int) -> tuple[Order, int]:
    """The order as stored, and the amount of its PaymentIntent at the payment server."""
    with live.app.app_context():
        order = db.session.get(Order, order_id)
        amount = payments.gateway().retrieve(order.payment.intent_id).amount_fen
        db.session.expunge_all()
        db.session.remove()
    return order, amount


def _totals_beside_their_names(page) -> None:
    """Each total under the cart's table reads on one line: its name left, its amount right
    (at phone width the rows became cards of their own, name and amount apart)."""
    rows = page.locator("tfoot tr")
    seen = 0
    for k in range(rows.count()):
        row = rows.nth(k)
        if row.is_hidden():
            continue
        name = row.locator("th, td").first.bounding_box()
        amount = row.locator(".money").bounding_box()
        assert abs((name["y"] + name["height"] / 2) - (amount["y"] + amount["height"] / 2)) < 6, (
            row.inner_text(),
            name,
            amount,
        )
        assert amount["x"] > name["x"] + name["width"] - 1, (row.inner_text(), name, amount)
        seen += 1
    assert seen >= 3, seen


def _fen(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


@pytest.mark.parametrize(
    ("phone", "lang"), [(True, "zh_CN"), (False, "en"), (True, "en"), (False, "zh_CN")]
)
def test_a_new_buyer_orders_for_delivery_is_declined_once_and_pays(
    browser, live_server, screenshots, phone, lang
):
    page = new_page(browser, live_server.url, phone=phone, lang=lang)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    register_buyer(page, live_server, f"store-walk-{lang}")
    page.goto("/market/?chemistry=LFP&min_soh=60&sort=price")
    page.locator("form[action$='/cart/add'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto("/market/cart")
    assert page.locator("tr.if-address").first.is_hidden()  # pickup: no delivery rows
    assert page.locator("#c-city").is_hidden()  # nor address fields
    _totals_beside_their_names(page)
    check_page(page, "store-cart-pickup", screenshots, phone=phone)

    page.locator("input[name=delivery_kind][value=address]").check()
    page.fill("#c-city", CITY[lang])
    page.fill("#c-address", "新华路 8 号")
    page.fill("#c-phone", "13904531234")
    page.locator("button[formaction$='/cart/delivery']").click()
    page.wait_for_load_state()
    quote = page.locator(".delivery-quote")
    quote.wait_for()
    assert page.locator("#c-address").input_value() == "新华路 8 号"  # kept with the cart
    fee = _fen(page.locator("tr.if-address .delivery-fee").inner_text())
    shown = _fen(page.locator("tr.if-address .total-fen").inner_text())
    packs = _fen(page.locator("tfoot tr").first.locator(".money").inner_text())
    assert fee > 0 and shown == packs + fee
    _totals_beside_their_names(page)
    check_page(page, "store-cart-delivery", screenshots, phone=phone)

    page.locator("form[action$='/checkout'] button[type=submit]:not([formaction])").click()
    page.wait_for_load_state()
    order_id = int(re.search(r"/orders/(\d+)/pay", page.url).group(1))
    assert _fen(page.locator(".pay-total").inner_text()) == shown
    check_page(page, "store-pay", screenshots, phone=phone)

    type_card(page, "4000000000000002")  # declined
    error = page.locator("#card-errors")
    error.wait_for(state="visible")
    assert ("拒" if lang == "zh_CN" else "declined") in error.inner_text()
    assert _stored(live_server, order_id)[0].status is OrderStatus.PENDING_PAYMENT
    page.fill(CARD_FIELDS.format("number"), "")
    type_card(page, "4242424242424242")
    page.wait_for_url(re.compile(rf"/market/orders/{order_id}$"))
    order, charged = _stored(live_server, order_id)
    assert order.status is OrderStatus.PAID
    assert charged == order.total_fen == shown and order.delivery_fee_fen == fee
    assert page.locator("tr.delivery-line").count() == 1
    check_page(page, "store-order", screenshots, phone=phone)

    page.goto(f"/market/orders/{order_id}/invoice")
    check_page(page, "store-invoice", screenshots, phone=phone)
    number = order.invoice["number"]
    download = page.request.get(f"/market/orders/{order_id}/invoice?format=pdf")
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(download.body()).split())
    words = ("运费", "合计") if lang == "zh_CN" else ("Delivery fee", "Total")
    for expected in (number, *words, f"{fee / 100:,.2f}", f"{shown / 100:,.2f}"):
        assert expected in text, (expected, text[:600])
    assert not problems, problems
    page.context.close()
