"""Stripe hung mid-answer (its localstripe process stopped with SIGSTOP, continued with
SIGCONT at the end): every payment call gives up within STRIPE_TIMEOUT_S (and its retries),
the buyer gets a clear error within seconds, other requests are served meanwhile, and no
order is left holding its packs for longer than its reservation.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock, outside_calls
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, Pack, PackState, Payment
from lithloop.payments.localstripe_server import LocalStripe
from lithloop.services.market import expiry as market_expiry
from tests.conftest import Auth, api_headers, submit
from tests.market.support import list_packs, make_buyer

TIMEOUT_S = 2
SLACK_S = 2.0  # the test's own overhead on a loaded 2-core machine


@pytest.fixture
def backend():
    """SQLite only: the fault is Stripe's; checkout locking is tested on PostgreSQL."""
    return "sqlite"


@pytest.fixture(scope="module")
def stripe_server():
    """A localstripe of this module alone (stopping it disturbs no other test)."""
    server = LocalStripe().start()
    yield server
    server.stop()


@pytest.fixture
def hang(stripe_server):
    """hang() stops the server with SIGSTOP; it is continued after the test whatever
    happened (cont() continues it earlier)."""
    pid = stripe_server.process.pid
    stopped = []

    def cont():
        if stopped:
            os.kill(pid, signal.SIGCONT)
            stopped.clear()

    def hang_():
        os.kill(pid, signal.SIGSTOP)
        stopped.append(pid)

    hang_.cont = cont
    yield hang_
    cont()


@pytest.fixture
def app(stripe_server, app):
    """The usual app on this module's localstripe, with a short Stripe timeout and a retry."""
    app.config.update(
        STRIPE_SECRET_KEY="sk_test_hung",
        STRIPE_API_BASE=stripe_server.base_url,
        STRIPE_WEBHOOK_SECRET="whsec_hung",
        STRIPE_TIMEOUT_S=TIMEOUT_S,
        STRIPE_MAX_NETWORK_RETRIES=1,
    )
    return app


def _budget(app) -> float:
    return outside_calls.stripe_call_budget_s(app.config) + SLACK_S


def _latest_order() -> Order | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Order).order_by(Order.id.desc()))


def _states(packs) -> set[PackState]:
    db.session.expire_all()
    return {db.session.get(Pack, p.id).state for p in packs}


def test_api_order_with_stripe_hung_is_a_clear_502_within_the_timeout_while_healthz_answers(
    app, client, hang
):
    # Depends on the gateway's http_client timeout (StripeGateway, STRIPE_TIMEOUT_S): with
    # the SDK's default of 80 s a try, the order request hangs for minutes.
    buyer = make_buyer()
    packs = list_packs(2)
    headers = {**api_headers(client, buyer), "Accept-Language": "en"}
    orderer = app.test_client()
    orderer.get("/lang/en")
    lines = [{"pack_id": p.id} for p in packs]
    hang()
    answer: dict = {}

    def order():
        started = time.monotonic()
        answer["response"] = orderer.post("/api/v1/orders", json={"lines": lines}, headers=headers)
        answer["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=order)
    thread.start()
    deadline = time.monotonic() + 10
    while _latest_order() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the reservation is committed; the request now waits on Stripe
    started = time.monotonic()
    health = client.get("/healthz")
    assert health.status_code == 200 and time.monotonic() - started < 1
    assert thread.is_alive(), "the order request should still be waiting on Stripe"
    thread.join(timeout=_budget(app) + 30)
    assert not thread.is_alive(), "the order request still hangs"

    response = answer["response"]
    assert answer["seconds"] < _budget(app), answer["seconds"]
    assert response.status_code == 502 and response.is_json
    assert response.json["error"] == "payment_unavailable"
    assert "(no answer in time)" in response.json["message"]  # the reason, in words
    assert "Nothing was charged" in response.json["message"]
    order = _latest_order()
    assert response.json["order_id"] == order.id
    # Consistent: pending without a PaymentIntent, its packs held only until its
    # reservation ends, then released by the expiry sweep.
    assert order.status is OrderStatus.PENDING_PAYMENT and order.payment is None
    minutes = app.config["RESERVATION_MINUTES"]
    assert order.reserved_until <= order.created_at + timedelta(minutes=minutes, seconds=5)
    assert _states(packs) == {PackState.RESERVED}
    with app.app_context():
        assert market_expiry.sweep_expired(order.reserved_until + timedelta(seconds=1)) == 1
    order = _latest_order()
    assert order.status is OrderStatus.CANCELLED and _states(packs) == {PackState.FINISHED}


def _paying_buyer(client):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    client.get("/lang/en")
    Auth(client).login(buyer.email)
    submit(client, "/market/cart/add", {"pack_id": pack.id}, page="/market/")
    response = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    order = _latest_order()
    assert response.status_code == 302 and order.payment.intent_id.startswith("pi_")
    return order, pack


def _pay(client, order_id: int):
    started = time.monotonic()
    response = submit(client, f"/market/orders/{order_id}/pay", {"method": "pm_card_visa"})
    return response, time.monotonic() - started


def _age_payment(seconds: float) -> None:
    """As if the payment's last news were `seconds` old."""
    payment = db.session.scalar(sa.select(Payment).order_by(Payment.id.desc()))
    payment.updated_at -= timedelta(seconds=seconds)
    db.session.commit()


def test_paying_with_stripe_hung_leaves_the_outcome_to_stripe_and_the_sweep_ends_it(
    app, client, hang
):
    # Depends on the timed_out branch of market_payments.pay (the payment stays
    # "confirming": it may have been charged) and on sweep_expired releasing a payment
    # confirming for longer than confirm_stale_after_s() (before: never released).
    order, pack = _paying_buyer(client)
    hang()
    response, seconds = _pay(client, order.id)
    assert seconds < _budget(app) + 1, seconds  # the pay page's GET, then the POST
    text = response.get_data(as_text=True)
    assert response.status_code == 502
    assert "did not answer in time" in text and "If your card was charged" in text
    order = _latest_order()
    assert order.status is OrderStatus.PENDING_PAYMENT and order.payment.status == "confirming"
    assert _states([pack]) == {PackState.RESERVED}
    hang.cont()

    order.reserved_until = clock.now() - timedelta(seconds=1)  # as if it had just expired
    db.session.commit()
    with app.app_context():
        stale = market_expiry.confirm_stale_after_s()
        assert market_expiry.sweep_expired() == 0  # the answer may still come
    _age_payment(stale + 1)
    with app.app_context():
        assert market_expiry.sweep_expired() == 1
    order = _latest_order()
    assert order.status is OrderStatus.CANCELLED and _states([pack]) == {PackState.FINISHED}
    with app.app_context():
        from lithloop import payments

        assert payments.gateway().retrieve(order.payment.intent_id).status == "canceled"


def test_paying_again_after_a_hung_confirm_asks_stripe_first_and_completes(app, client, hang):
    # Depends on market_payments.pay retrieving the PaymentIntent when an earlier confirm
    # got no answer (before: "a payment is already under way" until the order expired).
    order, pack = _paying_buyer(client)
    hang()
    response, _seconds = _pay(client, order.id)
    assert response.status_code == 502
    hang.cont()
    refused, _ = _pay(client, order.id)  # the hung request might still be answered
    assert refused.status_code == 409 and "already under way" in refused.get_data(as_text=True)
    with app.app_context():
        _age_payment(market_expiry.confirm_stale_after_s() + 1)
    paid, _ = _pay(client, order.id)
    assert paid.status_code == 302, paid.get_data(as_text=True)
    order = _latest_order()
    assert order.status is OrderStatus.PAID and order.payment.status == "succeeded"
    assert _states([pack]) == {PackState.SOLD}


def test_an_expired_order_charged_after_all_is_refunded_in_full_by_the_sweep(app, client):
    # Depends on _refund_if_paid_after_all in market_expiry (before: the released order
    # stayed cancelled with the money taken until a webhook came, if one came).
    from lithloop import payments

    order, pack = _paying_buyer(client)
    with app.app_context():  # Stripe took the money; the answer never reached lithloop
        assert (
            payments.gateway()
            .confirm(order.payment.intent_id, "pm_card_visa", idempotency_key="lost-answer")
            .succeeded
        )
    order.payment.status = "requires_payment_method"
    order.reserved_until = clock.now() - timedelta(seconds=1)
    db.session.commit()
    with app.app_context():
        assert market_expiry.sweep_expired() == 1
    order = _latest_order()
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    assert order.refunds[0].stripe_refund_id.startswith("re_")
    assert _states([pack]) == {PackState.FINISHED}
