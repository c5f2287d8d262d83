"""A refund whose answer from Stripe never came is asked again under the same key.

Stripe may have made a refund whose answer timed out. The administrator is shown the error
on the order's page, whose form carries a new one-time token, and tries again: that try
must reach Stripe under the first one's idempotency key (Stripe then answers with the
refund it made, not a second one), while the order's books are what they were."""

from __future__ import annotations

import pytest

from lithloop.extensions import db
from lithloop.models import Order
from lithloop.payments import PaymentError, StripeGateway
from lithloop.services.errors import Conflict
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
from lithloop.services.market import refunds as market_refunds
from tests.market.support import list_packs, make_admin, make_buyer


def test_a_refund_tried_again_after_no_answer_is_the_same_refund_at_stripe(app, monkeypatch):
    admin = make_admin()
    buyer = make_buyer()
    (pack,) = list_packs(1, price_fen=500_000)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    market_payments.pay(buyer, order.id, "pm_card_visa")
    keys: list[str] = []
    refund = StripeGateway.create_refund

    def answer_lost_once(self, intent_id, amount_fen, *, idempotency_key, metadata=None):
        keys.append(idempotency_key)
        made = refund(self, intent_id, amount_fen, idempotency_key=idempotency_key)
        if len(keys) == 1:  # Stripe made it, its answer did not come back
            raise PaymentError("Stripe did not answer within 5 s", code="timeout", timed_out=True)
        return made

    monkeypatch.setattr(StripeGateway, "create_refund", answer_lost_once)
    with pytest.raises(Conflict):
        market_refunds.refund(admin, order.id, amount_fen=100_000, token="form-1")
    assert db.session.get(Order, order.id).refunded_fen == 0
    market_refunds.refund(admin, order.id, amount_fen=100_000, token="form-2")  # the new page
    assert db.session.get(Order, order.id).refunded_fen == 100_000
    assert len(keys) == 2 and keys[0] == keys[1], keys
