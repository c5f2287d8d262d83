"""POST /api/v1/webhooks/stripe against the real signature check, and live from localstripe."""

from __future__ import annotations

import json
import threading
import time

import sqlalchemy as sa
from werkzeug.serving import make_server

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState, StripeEvent
from lithloop.payments import StripeGateway
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
from lithloop.services.market import refunds as market_refunds
from tests.market.conftest import STRIPE_ENV, WEBHOOK_SECRET
from tests.market.support import list_packs, make_admin, make_buyer
from tests.market.test_stripe_adapter import sign

URL = "/api/v1/webhooks/stripe"


def event(event_id: str, kind: str, obj: dict) -> str:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": obj}})


def intent_event(event_id: str, kind: str, order: Order, **extra) -> str:
    obj = {
        "id": order.payment.intent_id,
        "object": "payment_intent",
        "amount": order.total_fen,
        "status": kind.split(".")[-1],
        **extra,
    }
    return event(event_id, kind, obj)


def post(client, payload: str, signature: str | None = None):
    return client.post(
        URL,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": signature or sign(payload)},
    )


def _order(count: int = 1):
    buyer = make_buyer()
    packs = list_packs(count)
    return buyer, packs, checkout.checkout(buyer, [{"pack_id": p.id} for p in packs])


def at_stripe() -> StripeGateway:
    """localstripe as the buyer's browser (or Stripe's dashboard) reaches it, lithloop not
    told: what a webhook then reports has really happened there."""
    from tests.market.conftest import localstripe_url

    return StripeGateway(STRIPE_ENV["STRIPE_SECRET_KEY"], localstripe_url())


def confirm_at_stripe(order: Order) -> None:
    """Pay the intent at localstripe as the buyer's browser would (lithloop not told)."""
    browser = at_stripe()
    assert browser.confirm(
        order.payment.intent_id, "pm_card_visa", idempotency_key=f"browser-{order.id}"
    ).succeeded


def _reload(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _events() -> int:
    return db.session.scalar(sa.select(sa.func.count(StripeEvent.id)))


def test_signed_success_pays_the_order_and_a_replay_does_nothing(client):
    buyer, packs, order = _order()
    confirm_at_stripe(order)
    payload = intent_event("evt_paid_1", "payment_intent.succeeded", order)
    response = post(client, payload)
    assert response.status_code == 200 and response.json["outcome"] == "applied"
    order = _reload(order)
    assert order.status is OrderStatus.PAID and packs[0].state is PackState.SOLD
    paid_at = order.paid_at
    market_refunds.refund(make_admin(), order.id)
    replay = post(client, payload)
    assert replay.status_code == 200 and replay.json["outcome"] == "duplicate"
    order = _reload(order)
    assert order.status is OrderStatus.REFUNDED and order.paid_at == paid_at
    assert _events() == 1


def test_out_of_order_success_after_a_refund_and_failure_after_success(client):
    buyer, packs, order = _order()
    market_payments.pay(buyer, order.id, "pm_card_visa")
    market_refunds.refund(make_admin(), order.id, amount_fen=1000)
    late = post(client, intent_event("evt_late_ok", "payment_intent.succeeded", order))
    assert late.status_code == 200
    assert _reload(order).status is OrderStatus.PAID
    failed = post(
        client,
        intent_event(
            "evt_late_fail",
            "payment_intent.payment_failed",
            order,
            last_payment_error={"message": "declined"},
        ),
    )
    assert failed.json["outcome"] == "stale"
    order = _reload(order)
    assert order.status is OrderStatus.PAID and order.refunded_fen == 1000
    assert order.lines[0].pack.state is PackState.SOLD


def test_refund_event_before_the_success_event_pays_then_refunds(client):
    buyer, packs, order = _order(2)
    charge = {
        "id": "ch_x",
        "object": "charge",
        "payment_intent": order.payment.intent_id,
        "amount": order.total_fen,
        "amount_refunded": 300_000,
    }
    assert post(client, event("evt_ref_1", "charge.refunded", charge)).json["outcome"] == "refunded"
    order = _reload(order)
    assert order.status is OrderStatus.PAID and order.refunded_fen == 300_000
    assert (
        post(client, intent_event("evt_ok_after", "payment_intent.succeeded", order)).json[
            "outcome"
        ]
        == "no_change"
    )
    again = post(client, event("evt_ref_2", "charge.refunded", charge))  # same total again
    assert again.json["outcome"] == "no_change" and _reload(order).refunded_fen == 300_000


def test_tampered_payload_is_400_and_changes_nothing(client):
    buyer, packs, order = _order()
    payload = intent_event("evt_tamper", "payment_intent.succeeded", order)
    signature = sign(payload)
    tampered = payload.replace(str(order.total_fen), "1")
    response = post(client, tampered, signature)
    assert response.status_code == 400 and "signature" in response.json["message"]
    assert post(client, payload, sign(payload, secret="whsec_wrong")).status_code == 400
    assert client.post(URL, data=payload, content_type="application/json").status_code == 400
    assert _reload(order).status is OrderStatus.PENDING_PAYMENT and _events() == 0


def test_unknown_event_type_is_acknowledged_and_ignored(client):
    payload = event("evt_unknown", "customer.created", {"id": "cus_1", "object": "customer"})
    response = post(client, payload)
    assert response.status_code == 200 and response.json["outcome"] == "ignored"
    other = event("evt_foreign", "payment_intent.succeeded", {"id": "pi_not_ours"})
    assert post(client, other).json["outcome"] == "unknown_intent"


def test_localstripe_delivers_the_success_event_to_the_running_app(app, localstripe):
    buyer, packs, order = _order()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        localstripe.register_webhook(
            "market-test", f"http://127.0.0.1:{server.port}{URL}", WEBHOOK_SECRET
        )
        confirm_at_stripe(order)  # only the webhook tells lithloop
        deadline = time.monotonic() + 15
        while _reload(order).status is not OrderStatus.PAID and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        localstripe.register_webhook("market-test", "http://127.0.0.1:9/gone", "whsec_gone")
        server.shutdown()
        thread.join(5)
    order = _reload(order)
    assert order.status is OrderStatus.PAID and order.lines[0].pack.state is PackState.SOLD
    # (localstripe may also hand the new webhook earlier tests' events: unknown intents here)
    ours = sa.select(StripeEvent.type).where(StripeEvent.intent_id == order.payment.intent_id)
    assert db.session.scalar(ours) == "payment_intent.succeeded"
