"""A refund made in Stripe's dashboard is booked from Stripe's webhook dated when Stripe
made it (the refund's `created`), not when lithloop heard: a month's refunds match
Stripe's even when the event comes days late. The charge is localstripe's own."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from lithloop.services.market import order_letters
from lithloop.services.market import payments as market_payments
from lithloop.services.market.release import release
from lithloop.services.market.webhooks import refunded_at
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
    charge = {"refunds": {"data": [{"id": "re_ours", "created": 1_700_000_000}]}}
    assert refunded_at(charge, {"re_ours"}) is None
    assert refunded_at({"amount_refunded": 100}, set()) is None  # not listed: booked as now
    odd = {"refunds": {"data": [{"id": "re_x", "created": "yesterday"}, 7, None]}}
    assert refunded_at(odd, set()) is None
    assert refunded_at({"refunds": "re_x"}, set()) is None


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
