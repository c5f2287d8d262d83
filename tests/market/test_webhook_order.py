"""A webhook reporting a state older than what lithloop learnt since is not applied.

Stripe does not deliver events in the order it makes them (a delivery that failed is tried
again later). A `payment_intent.requires_action` made when 3-D Secure began, delivered after
the buyer failed the check (lithloop knows the card failed, from Stripe's own answer), put
the payment back to "requires_action": paying with another card was then refused as "a
payment is already under way" until the reservation ran out and the packs were lost.

So a report other than success is only a cue: lithloop asks Stripe for the PaymentIntent and
follows its status now, whatever the event says and whatever the two clocks say."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock, payments
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, StripeEvent
from lithloop.payments import StripeGateway
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
from tests.market.conftest import STRIPE_ENV, localstripe_url
from tests.market.support import list_packs, make_buyer
from tests.market.test_stripe_adapter import sign
from tests.market.test_webhooks import URL


def _requires_action(order: Order, event_id: str, created: int) -> str:
    intent = {
        "id": order.payment.intent_id,
        "object": "payment_intent",
        "amount": order.total_fen,
        "status": "requires_action",
        "next_action": {"type": "use_stripe_sdk"},
    }
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": "payment_intent.requires_action",
            "created": created,
            "data": {"object": intent},
        }
    )


def _post(client, payload: str):
    headers = {"Stripe-Signature": sign(payload)}
    return client.post(URL, data=payload, content_type="application/json", headers=headers)


def test_a_late_requires_action_does_not_undo_a_failed_3d_secure(client):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    order = market_payments.pay(buyer, order.id, "4000002760003184")
    began = int(order.payment.updated_at.timestamp()) - 20  # when Stripe made the event
    try:
        market_payments.authenticate(buyer, order.id, success=False)
    except market_payments.PaymentFailed:
        pass
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.payment.status == "requires_payment_method" and order.payment.last_error
    answer = _post(client, _requires_action(order, "evt_late_3ds", began))
    assert answer.status_code == 200 and answer.json["outcome"] == "stale", answer.json
    db.session.expire_all()
    assert db.session.get(Order, order.id).payment.status == "requires_payment_method"
    paid = market_payments.pay(buyer, order.id, "pm_card_visa")  # another card pays
    assert paid.status is OrderStatus.PAID


def _browser() -> StripeGateway:
    """Stripe as the buyer's browser (or a wallet) reaches it, lithloop not told."""
    return StripeGateway(STRIPE_ENV["STRIPE_SECRET_KEY"], localstripe_url())


def test_a_requires_action_made_after_what_lithloop_knows_is_applied(client):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    browser = _browser()  # a wallet's redirect, say: 3-D Secure begun in the browser
    method = browser.card_method("4000002760003184")
    key = f"wallet-{order.id}"
    assert browser.confirm(order.payment.intent_id, method, idempotency_key=key).status == (
        "requires_action"
    )
    later = int(order.payment.updated_at.timestamp()) + 5
    answer = _post(client, _requires_action(order, "evt_wallet", later))
    assert answer.status_code == 200, answer.json
    db.session.expire_all()
    assert db.session.get(Order, order.id).payment.status == "requires_action"


def _failed(order: Order, event_id: str, created: int) -> str:
    intent = {
        "id": order.payment.intent_id,
        "object": "payment_intent",
        "status": "requires_payment_method",
        "last_payment_error": {"code": "payment_intent_authentication_failure"},
    }
    kind = "payment_intent.payment_failed"
    return json.dumps(
        {"id": event_id, "type": kind, "created": created, "data": {"object": intent}}
    )


def test_a_genuine_failure_is_applied_when_lithloops_clock_runs_ahead_of_stripes(client):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    order = market_payments.pay(buyer, order.id, "4000002760003184")
    assert order.payment.status == "requires_action"
    intent = _browser().retrieve(order.payment.intent_id)
    assert _browser().test_authenticate(intent, success=False).status == "requires_payment_method"
    made = int(clock.now().timestamp())  # Stripe's clock
    order.payment.updated_at = clock.now() + timedelta(minutes=10)  # ours, ahead
    db.session.commit()
    answer = _post(client, _failed(order, "evt_fail_ahead", made))
    assert answer.status_code == 200, answer.json
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.payment.status == "requires_payment_method" and order.payment.last_error
    paid = market_payments.pay(buyer, order.id, "pm_card_visa")  # another card pays at once
    assert paid.status is OrderStatus.PAID


def test_an_event_stripe_cannot_confirm_is_refused_so_that_it_comes_again(app, client):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    order = market_payments.pay(buyer, order.id, "4000002760003184")
    with app.app_context():  # the served app's Stripe: nothing listens on port 9
        settings = payments.settings()
    reachable = settings.gateway
    settings.gateway = StripeGateway("sk_test_down", "http://127.0.0.1:9", max_retries=0)
    try:
        answer = _post(client, _failed(order, "evt_fail_down", int(clock.now().timestamp())))
    finally:
        settings.gateway = reachable
    assert answer.status_code == 503, answer.json
    db.session.expire_all()
    assert db.session.get(Order, order.id).payment.status == "requires_action"
    handled = sa.select(StripeEvent).where(StripeEvent.event_id == "evt_fail_down")
    assert db.session.scalar(handled) is None
