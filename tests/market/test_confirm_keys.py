"""Each confirmation of a PaymentIntent has an idempotency key of its own intent.

After a decline the order gets a fresh PaymentIntent. Stripe refuses a key sent before for
another request (another intent's confirm is another endpoint), so a retry with the same
payment method (an API client's `pm_...`, a saved card) must not reuse the first
confirm's key: with real Stripe it would fail every time with an idempotency error."""

from __future__ import annotations

import pytest

from lithloop.payments import StripeGateway
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
from tests.market.support import list_packs, make_buyer


def test_a_retry_with_the_same_method_confirms_its_new_intent_under_a_new_key(app, monkeypatch):
    keys: dict[str, set[str]] = {}
    confirm = StripeGateway.confirm

    def recording(self, intent_id, payment_method, *, idempotency_key, **kwargs):
        keys.setdefault(idempotency_key, set()).add(intent_id)
        return confirm(self, intent_id, payment_method, idempotency_key=idempotency_key, **kwargs)

    monkeypatch.setattr(StripeGateway, "confirm", recording)
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    for _ in range(2):  # the same card declined twice: the second try is a fresh intent
        with pytest.raises(market_payments.PaymentFailed):
            market_payments.pay(buyer, order.id, "pm_card_chargeCustomerFail")
    intents = [intent for used in keys.values() for intent in used]
    assert len(set(intents)) == 2, keys  # two intents were confirmed
    assert all(len(used) == 1 for used in keys.values()), keys
