"""Stripe (a dedicated localstripe) stopped during checkout: the order waits, then completes.

The server is really stopped (its process terminated) and started again on the same port
with its state file, as a Stripe outage looks to lithloop: connections refused, then back.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState
from lithloop.payments.localstripe_server import LocalStripe
from tests.conftest import Auth, submit
from tests.market.support import list_packs, make_buyer


@pytest.fixture
def backend():
    """SQLite only: the outage is about Stripe; checkout locking is tested on PostgreSQL in
    tests/market, and each unreachable call costs the SDK's retries (about 1.3 s)."""
    return "sqlite"


@pytest.fixture(scope="module")
def stripe_server(tmp_path_factory):
    """A localstripe for this module alone (stopping it disturbs no other test)."""
    server = LocalStripe(state_file=str(tmp_path_factory.mktemp("stripe") / "state.pickle"))
    yield server.start()
    server.stop()


@pytest.fixture
def app(stripe_server, app):
    """The usual app, pointed at this module's localstripe."""
    app.config.update(
        STRIPE_SECRET_KEY="sk_test_faults",
        STRIPE_API_BASE=stripe_server.base_url,
        STRIPE_WEBHOOK_SECRET="whsec_faults",
    )
    return app


@pytest.fixture
def stripe(stripe_server):
    """The server, started again after the test whatever happened."""
    yield stripe_server
    if stripe_server.process is None:
        stripe_server.start()


def _order() -> Order:
    db.session.expire_all()
    return db.session.scalar(sa.select(Order).order_by(Order.id.desc()))


def _buyer_with_cart(client, count: int = 2):
    buyer = make_buyer()
    client.get("/lang/en")
    Auth(client).login(buyer.email)
    packs = list_packs(count)
    for pack in packs:
        submit(client, "/market/cart/add", {"pack_id": pack.id}, page="/market/")
    return packs


def _states(packs) -> set[PackState]:
    db.session.expire_all()
    return {db.session.get(type(p), p.id).state for p in packs}


def test_stripe_down_at_checkout_keeps_the_order_pending_until_it_is_back(client, stripe):
    # Depends on market_checkout.open_intent: on PaymentError it raises PaymentUnavailable
    # and keeps the order (no release), and on market_payments.pay calling ensure_intent.
    packs = _buyer_with_cart(client)
    stripe.stop()
    response = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    order = _order()
    assert response.status_code == 302 and response.location.endswith(f"/orders/{order.id}/pay")
    page = client.get(response.location)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "payment service is not reachable" in text and "Nothing was charged" in text
    assert f"order #{order.id} keeps your packs reserved until" in text
    assert order.status is OrderStatus.PENDING_PAYMENT and order.payment is None
    assert _states(packs) == {PackState.RESERVED}

    still_down = submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    assert still_down.status_code == 502
    assert "not reachable" in still_down.get_data(as_text=True)
    assert _order().status is OrderStatus.PENDING_PAYMENT
    assert _states(packs) == {PackState.RESERVED}

    stripe.start()
    paid = submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    assert paid.status_code == 302 and paid.location.endswith(f"/orders/{order.id}")
    order = _order()
    assert order.status is OrderStatus.PAID and order.payment.status == "succeeded"
    assert _states(packs) == {PackState.SOLD}


def test_stripe_down_while_paying_keeps_the_order_pending_and_the_retry_completes(client, stripe):
    # Depends on market_payments.pay's `if not exc.declined:` branch: an unreachable Stripe
    # sets the payment back to requires_payment_method and keeps the order pending.
    packs = _buyer_with_cart(client, 1)
    response = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    order = _order()
    assert response.status_code == 302 and order.payment.intent_id.startswith("pi_")
    stripe.stop()
    down = submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    text = down.get_data(as_text=True)
    assert down.status_code == 502
    assert "The payment did not go through" in text and "Nothing was charged" in text
    order = _order()
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.payment.status == "requires_payment_method"
    assert _states(packs) == {PackState.RESERVED}

    stripe.start()  # the same server, with the PaymentIntent it had before it stopped
    paid = submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    assert paid.status_code == 302
    order = _order()
    assert order.status is OrderStatus.PAID and _states(packs) == {PackState.SOLD}


def test_api_checkout_with_stripe_down_names_the_pending_order_and_opens_it_later(client, stripe):
    from tests.conftest import api_headers

    buyer = make_buyer()
    (pack,) = list_packs(1)
    headers = api_headers(client, buyer)
    stripe.stop()
    response = client.post(
        "/api/v1/orders", json={"lines": [{"pack_id": pack.id}]}, headers=headers
    )
    assert response.status_code == 502 and response.json["error"] == "payment_unavailable"
    order_id = response.json["order_id"]
    assert client.get(f"/api/v1/orders/{order_id}", headers=headers).json["payment"] is None
    still_down = client.post(f"/api/v1/orders/{order_id}/payment", headers=headers)
    assert still_down.status_code == 502 and still_down.json["order_id"] == order_id
    stripe.start()
    read = client.get(f"/api/v1/orders/{order_id}", headers=headers).json
    assert read["payment"] is None  # reading the order opens nothing
    opened = client.post(f"/api/v1/orders/{order_id}/payment", headers=headers)
    body = opened.json
    assert opened.status_code == 200 and body["status"] == "pending_payment"
    assert body["payment"]["intent_id"].startswith("pi_") and body["payment"]["client_secret"]
    again = client.post(f"/api/v1/orders/{order_id}/payment", headers=headers).json
    assert again["payment"]["intent_id"] == body["payment"]["intent_id"]
    shown = client.get(f"/api/v1/orders/{order_id}", headers=headers).json
    assert shown["payment"]["intent_id"] == body["payment"]["intent_id"]
