"""A released order's PaymentIntent is cancelled at Stripe even when Stripe did not answer
the first time: the payment stays due (cancel_due_since) and each later expiry sweep asks
again, so that no wallet can pay an order that no longer exists. Against localstripe, with
the gateway swapped for one nobody answers (as tests/market/test_webhook_order.py does)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock, payments
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, Payment
from lithloop.payments import StripeGateway
from lithloop.services.market import checkout, expiry, order_cancel
from tests.market.support import list_packs, make_buyer
from tests.market.test_webhooks import at_stripe, confirm_at_stripe


@contextmanager
def stripe_down():
    """Stripe does not answer (nothing listens on port 9) until the block ends."""
    settings = payments.settings()  # the test body's app: the sweep runs in it
    reachable = settings.gateway
    settings.gateway = StripeGateway("sk_test_down", "http://127.0.0.1:9", max_retries=0)
    try:
        yield
    finally:
        settings.gateway = reachable


def _ordered() -> tuple[object, Order]:
    buyer = make_buyer()
    (pack,) = list_packs(1)
    return buyer, checkout.checkout(buyer, [{"pack_id": pack.id}])


def _sweep(minutes: int) -> int:
    return expiry.sweep_expired(now=clock.now() + timedelta(minutes=minutes))


def _due(order: Order):
    db.session.expire_all()
    return db.session.get(Order, order.id).payment.cancel_due_since


def _at_stripe(order: Order) -> str:
    return at_stripe().retrieve(order.payment.intent_id).status


def test_an_expired_order_whose_cancel_stripe_did_not_answer_is_cancelled_by_a_later_sweep(app):
    _buyer, order = _ordered()
    with stripe_down():
        assert _sweep(31) == 1  # released: its packs on sale again
    assert _due(order) is not None
    assert _at_stripe(order) not in ("canceled", "succeeded")  # a wallet could pay it
    with stripe_down():
        assert _sweep(32) == 0  # still no answer: still due
    assert _due(order) is not None
    assert _sweep(33) == 0  # nothing new to release, but the cancel asked again
    assert _at_stripe(order) == "canceled" and _due(order) is None


def test_a_buyer_s_cancel_that_stripe_did_not_answer_is_retried_by_the_sweep(app):
    buyer, order = _ordered()
    with stripe_down():
        order_cancel.cancel(buyer, order.id)
    assert db.session.get(Order, order.id).status is OrderStatus.CANCELLED
    assert _due(order) is not None and _at_stripe(order) != "canceled"
    assert _sweep(0) == 0
    assert _at_stripe(order) == "canceled" and _due(order) is None


def test_a_cancel_stripe_answers_leaves_nothing_due(app):
    _buyer, order = _ordered()
    assert _sweep(31) == 1
    assert _at_stripe(order) == "canceled" and _due(order) is None


def test_an_intent_paid_meanwhile_is_refunded_by_the_retry_and_no_longer_due(app):
    """The wallet paid before Stripe answered again: the retry gives the money back."""
    _buyer, order = _ordered()
    with stripe_down():
        assert _sweep(31) == 1
    confirm_at_stripe(order)  # paid at Stripe, lithloop not told
    assert _sweep(32) == 0
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.refunded_fen == order.total_fen and order.payment.cancel_due_since is None


def test_the_oldest_due_are_asked_first_and_at_most_a_batch_a_sweep(app, monkeypatch):
    monkeypatch.setattr(expiry, "RETRY_BATCH", 1)
    first, second = _ordered()[1], _ordered()[1]
    with stripe_down():
        assert _sweep(31) == 2
    assert _sweep(32) == 0
    assert (_at_stripe(first), _at_stripe(second)) == ("canceled", "requires_payment_method")
    assert _sweep(33) == 0 and _at_stripe(second) == "canceled"
    due = sa.select(sa.func.count(Payment.id)).where(Payment.cancel_due_since.is_not(None))
    assert db.session.scalar(due) == 0
