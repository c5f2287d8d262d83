"""A released order's PaymentIntent due to be cancelled (cancel_due_since) stops being due
when Stripe reports it cancelled (a webhook), and stops being asked when Stripe keeps
refusing: then an administrator sees it on the orders page. Against localstripe."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, Payment
from tests.market.test_cancel_retry import _due, _ordered, _sweep, stripe_down
from tests.market.test_webhooks import at_stripe, intent_event, post


def _released_with_cancel_due() -> Order:
    """An expired order released while Stripe did not answer: its cancellation is due."""
    _buyer, order = _ordered()
    with stripe_down():
        assert _sweep(31) == 1
    assert _due(order) is not None
    return db.session.get(Order, order.id)


def _missing_at_stripe(order: Order) -> str:
    """The payment's PaymentIntent, as lithloop has it, is one Stripe does not know: every
    cancellation is refused (404), never unreachable."""
    intent_id = f"pi_missing_{order.id}"
    db.session.execute(
        sa.update(Payment).where(Payment.order_id == order.id).values(intent_id=intent_id)
    )
    db.session.commit()
    return intent_id


def _backdate(order: Order, hours: float) -> None:
    since = clock.now() - timedelta(hours=hours)
    db.session.execute(
        sa.update(Payment).where(Payment.order_id == order.id).values(cancel_due_since=since)
    )
    db.session.commit()


def test_a_canceled_webhook_leaves_nothing_due(client):
    order = _released_with_cancel_due()
    at_stripe().cancel(order.payment.intent_id)  # cancelled in Stripe's dashboard, say
    reply = post(client, intent_event("evt_cancel_due", "payment_intent.canceled", order))
    assert reply.status_code == 200
    assert _due(order) is None
