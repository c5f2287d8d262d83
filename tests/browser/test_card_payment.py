"""A buyer types a card into Stripe.js (served by localstripe), is declined once, tries again.

The page runs with its Content-Security-Policy enforced (no bypass): Stripe.js loads from the
payment server's origin, which the policy names, and from nowhere else.
"""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.models import Pack, PackState
from lithloop.models.market import Order, OrderStatus
from tests.browser.card_entry import CARD_FIELDS, order_to_pay, type_card
from tests.browser.conftest import DESKTOP, log_in


def _order(live, order_id: int) -> tuple[OrderStatus, list[PackState], str]:
    with live.app.app_context():
        order = db.session.get(Order, order_id)
        states = [db.session.get(Pack, line.pack_id).state for line in order.lines]
        result = order.status, states, order.payment.intent_id if order.payment else ""
        db.session.remove()
    return result


def test_declined_card_keeps_the_order_and_a_second_card_pays_it(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="zh-CN")
    context.add_cookies([{"name": "lang", "value": "zh_CN", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    log_in(page, "buyer@demo.lithloop")
    order_id = order_to_pay(page)

    response = page.goto(f"/market/orders/{order_id}/pay")
    policy = response.headers["content-security-policy"]
    scripts = re.search(r"script-src ([^;]+)", policy).group(1).split()
    stripe_origin = live_server.app.config["STRIPE_API_BASE"]
    assert scripts == ["'self'", stripe_origin]  # exactly Stripe.js's origin, nothing else

    type_card(page, "4000000000000002")
    error = page.locator("#card-errors")
    error.wait_for(state="visible")
    assert "拒" in error.inner_text()  # "declined", in Chinese
    status, states, _ = _order(live_server, order_id)
    assert status is OrderStatus.PENDING_PAYMENT  # the order is kept ...
    assert set(states) == {PackState.RESERVED}  # ... with its packs reserved

    page.fill(CARD_FIELDS.format("number"), "")
    type_card(page, "4242 4242 4242 4242")  # as the page's own hint writes it
    page.wait_for_url(re.compile(rf"/market/orders/{order_id}$"))
    status, states, _ = _order(live_server, order_id)
    assert status is OrderStatus.PAID and set(states) == {PackState.SOLD}
    assert not problems, problems
    context.close()


def test_an_empty_or_half_typed_card_is_told_what_to_type(browser, live_server):
    """walk: Pay pressed with the card left empty (or only its number typed) read "支付未成功。
    未扣任何款项；请重试。", which does not say that the card details are missing."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="zh-CN")
    context.add_cookies([{"name": "lang", "value": "zh_CN", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "buyer@demo.lithloop")
    order_id = order_to_pay(page)
    page.goto(f"/market/orders/{order_id}/pay")
    page.locator(CARD_FIELDS.format("number")).wait_for()
    error = page.locator("#card-errors")
    page.locator("#pay-form button[type=submit]").click()
    error.wait_for(state="visible")
    assert error.inner_text() == "请输入卡号、有效期和 CVC。"
    page.goto(f"/market/orders/{order_id}/pay")  # afresh: only the number typed
    page.fill(CARD_FIELDS.format("number"), "4242424242424242")
    page.locator("#pay-form button[type=submit]").click()
    error.wait_for(state="visible")
    assert error.inner_text() == "请输入卡号、有效期和 CVC。"
    assert page.locator("#pay-form button[type=submit]").is_enabled()
    status, _, _ = _order(live_server, order_id)
    assert status is OrderStatus.PENDING_PAYMENT
    context.close()


def test_the_card_boxes_carry_no_internal_caption(browser, live_server):
    """walk: the fake payment server's caption "localstripe:" stood above the card's boxes,
    in English on the Chinese page; the fieldset's legend (银行卡) names them already."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="zh-CN")
    context.add_cookies([{"name": "lang", "value": "zh_CN", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "buyer@demo.lithloop")
    page.goto(f"/market/orders/{order_to_pay(page)}/pay")
    page.locator(CARD_FIELDS.format("number")).wait_for()
    assert "localstripe" not in page.locator("#pay-form").inner_text()
    assert page.locator("#pay-form legend").inner_text() == "银行卡"
    context.close()
