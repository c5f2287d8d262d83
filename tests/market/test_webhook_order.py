"""A webhook reporting a state older than what lithloop learnt since is not applied.

Stripe does not deliver events in the order it makes them (a delivery that failed is tried
again later). A `payment_intent.requires_action` made when 3-D Secure began, delivered after
the buyer failed the check (lithloop knows the card failed, from Stripe's own answer), put
the payment back to "requires_action": paying with another card was then refused as "a
payment is already under way" until the reservation ran out and the packs were lost."""

from __future__ import annotations

import json

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
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


def test_a_requires_action_made_after_what_lithloop_knows_is_applied(client):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    later = int(order.payment.updated_at.timestamp()) + 5  # a wallet's redirect, say
    answer = _post(client, _requires_action(order, "evt_wallet", later))
    assert answer.status_code == 200, answer.json
    db.session.expire_all()
    assert db.session.get(Order, order.id).payment.status == "requires_action"
