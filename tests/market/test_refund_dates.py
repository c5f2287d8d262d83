"""A refund made in Stripe's dashboard is booked from Stripe's webhook dated when Stripe
made it (the refund's `created`), not when lithloop heard: a month's refunds match
Stripe's even when the event comes days late. The charge is localstripe's own."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from lithloop.services.market import order_letters
from lithloop.services.market import payments as market_payments
from lithloop.services.market.charge_refunds import StripeRefund, listed, unbooked
from lithloop.services.market.release import release
from tests.market.test_webhooks import (
    _order,
    _reload,
    at_stripe,
    confirm_at_stripe,
    event,
    intent_event,
    post,
)


def _charge(intent_id: str) -> dict:
    """The PaymentIntent's charge as Stripe (localstripe) sends it in charge.refunded."""
    client = at_stripe().client
    intent = client.v1.payment_intents.retrieve(intent_id).to_dict()
    charge = intent["latest_charge"]
    charge_id = charge if isinstance(charge, str) else charge["id"]
    return json.loads(json.dumps(client.v1.charges.retrieve(charge_id).to_dict()))


def test_a_dashboard_refund_delivered_late_is_dated_by_stripe(client):
    buyer, _packs, order = _order()
    market_payments.pay(buyer, order.id, "pm_card_visa")
    at_stripe().refund(order.payment.intent_id, 5000, idempotency_key="dashboard-1")
    charge = _charge(order.payment.intent_id)
    (made,) = charge["refunds"]["data"]  # localstripe lists the refunds, with `created`
    assert isinstance(made["created"], int)
    three_days_ago = int((datetime.now(UTC) - timedelta(days=3)).timestamp())
    made["created"] = three_days_ago  # Stripe retried the event for three days
    reply = post(client, event("evt_dashboard_refund", "charge.refunded", charge))
    assert reply.json["outcome"] == "refunded"
    (booked,) = _reload(order).refunds
    assert booked.amount_fen == 5000
    assert booked.at == datetime.fromtimestamp(three_days_ago, UTC)


def test_refunds_lithloop_booked_or_not_listed_give_no_stripe_date():
    at = datetime.fromtimestamp(1_700_000_000, UTC)
    ours = {"id": "re_ours", "amount": 100, "created": 1_700_000_000}
    assert unbooked([ours], {"re_ours"}) == []
    assert unbooked([ours], set()) == [StripeRefund("re_ours", 100, at)]
    assert listed({"amount_refunded": 100}) is None  # not listed: asked of Stripe
    assert listed({"refunds": {"data": [ours], "has_more": True}}) is None  # not all
    odd = [{"id": "re_x", "amount": 5, "created": "yesterday"}, 7, None, {**ours, "amount": 0}]
    assert unbooked(odd + [{**ours, "status": "failed"}], set()) == []
    assert listed({"refunds": "re_x"}) is None


def test_a_dashboard_refund_of_a_late_payment_is_dated_by_stripe(client):
    """Booked with the late payment (tests/market/test_late_payment_dashboard_refund.py):
    its AT_STRIPE part bears the dashboard refund's time, not lithloop's own refund's."""
    buyer, _packs, order = _order()
    release(order.id, "reservation expired")
    confirm_at_stripe(order)
    intent_id = order.payment.intent_id
    at_stripe().refund(intent_id, 200_000, idempotency_key=f"dashboard-{order.id}")
    (made,) = _charge(intent_id)["refunds"]["data"]
    time.sleep(1.1)  # lithloop hears later: Stripe's second is no longer lithloop's
    paid = post(client, intent_event("evt_late_dash", "payment_intent.succeeded", order))
    assert paid.status_code == 200, paid.json
    dated = {r.reason: r.at for r in _reload(order).refunds}
    assert dated[order_letters.AT_STRIPE] == datetime.fromtimestamp(made["created"], UTC)
    assert dated[order_letters.PAID_LATE] > dated[order_letters.AT_STRIPE]
