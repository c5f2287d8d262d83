"""The pay page's wallets (Alipay, WeChat Pay) when checkout could not reach Stripe: no
wallet button without a PaymentIntent to pay, a plain message and a way to open it."""

from __future__ import annotations

import dataclasses
import re

import pytest

from lithloop import payments
from lithloop.extensions import db
from lithloop.models import Order
from lithloop.services.market import checkout
from lithloop.web.market import pay_views
from tests.conftest import Auth, submit
from tests.market.support import list_packs, main_text, make_buyer


@pytest.fixture
def backend():
    """SQLite only: the page's words, whatever database holds the order."""
    return "sqlite"


@pytest.fixture
def wallets_offered(monkeypatch):
    """The account offers Alipay and WeChat Pay (the test server's Stripe.js offers none, so
    the page is told the live settings' wallets; the payments themselves go to localstripe)."""
    real = pay_views._stripe_js

    def with_wallets():
        settings = real()
        return dataclasses.replace(settings, wallets=("alipay", "wechat_pay"))

    monkeypatch.setattr(pay_views, "_stripe_js", with_wallets)


@pytest.fixture
def unopened(app):
    """A buyer's order awaiting payment whose PaymentIntent checkout could not open (the
    state Stripe down at checkout leaves: the order reserved, no payment row)."""
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    db.session.delete(order.payment)
    db.session.commit()
    return buyer, order.id


def _wallet_secret(page: str) -> str | None:
    found = re.search(r'id="wallets"[^>]*data-secret="([^"]*)"', page)
    return found.group(1) if found else None


@pytest.mark.parametrize(
    ("lang", "words", "button"),
    [
        ("zh_CN", "支付宝 / 微信支付将在支付服务恢复响应后可用", "立即重试"),
        ("en", "Alipay / WeChat Pay can be used once the payment service answers", "Try again now"),
    ],
)
def test_without_a_payment_intent_the_wallets_wait_with_a_plain_message(
    client, unopened, wallets_offered, lang, words, button
):
    # Before: the wallets section was left out without a word (or, with an empty secret, its
    # buttons did nothing); now it says why and offers to open the payment.
    buyer, order_id = unopened
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    page = client.get(f"/market/orders/{order_id}/pay").get_data(as_text=True)
    assert 'data-wallet="alipay"' not in page and _wallet_secret(page) is None
    assert words in main_text(page) and button in main_text(page)
    assert db.session.get(Order, order_id).payment is None  # a GET opened nothing


def test_opening_the_payment_then_offers_the_wallets_with_its_secret(
    client, unopened, wallets_offered
):
    buyer, order_id = unopened
    Auth(client).login(buyer.email)
    opened = submit(
        client, f"/market/orders/{order_id}/open-payment", {}, page=f"/market/orders/{order_id}/pay"
    )
    assert opened.status_code == 302 and opened.location.endswith(f"/orders/{order_id}/pay")
    db.session.expire_all()
    payment = db.session.get(Order, order_id).payment
    assert payment is not None and payment.client_secret
    page = client.get(f"/market/orders/{order_id}/pay").get_data(as_text=True)
    assert _wallet_secret(page) == payment.client_secret
    assert 'data-wallet="alipay"' in page and 'data-wallet="wechat_pay"' in page
    assert 'id="wallets-waiting"' not in page


def test_another_buyer_cannot_open_the_payment(client, unopened, wallets_offered):
    _buyer, order_id = unopened
    Auth(client).login(make_buyer().email)
    response = submit(client, f"/market/orders/{order_id}/open-payment", {}, page="/market/")
    assert response.status_code == 404
    assert db.session.get(Order, order_id).payment is None
    assert payments.enabled()
