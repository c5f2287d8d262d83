"""An order whose spent PaymentIntent succeeded after all (a wallet paid it in the browser)
is paid by it: paying again with a card does not open and charge a second one.

After a refused payment, paying again cancels the order's PaymentIntent and opens a fresh
one. When that cancel is refused because the intent succeeded meanwhile, the money is
there: a second intent charged the buyer twice, and the first one's success (no longer the
order's intent) was never booked nor refunded."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState
from lithloop.payments import StripeGateway
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
from tests.market.support import list_packs, make_buyer
from tests.market.test_webhooks import confirm_at_stripe


def test_a_spent_intent_that_succeeded_pays_the_order_and_no_second_is_charged(app, monkeypatch):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    first = order.payment.intent_id
    order.payment.status, order.payment.last_error = "requires_payment_method", "declined"
    db.session.commit()  # a wallet's first try failed; the buyer tries the wallet again ...
    confirm_at_stripe(order)  # ... and it goes through, lithloop not told yet
    confirmed: list[str] = []
    confirm = StripeGateway.confirm

    def recording(self, intent_id, *args, **kwargs):
        confirmed.append(intent_id)
        return confirm(self, intent_id, *args, **kwargs)

    monkeypatch.setattr(StripeGateway, "confirm", recording)
    paid = market_payments.pay(buyer, order.id, "pm_card_visa")  # the card, in another tab
    assert confirmed == []  # no second PaymentIntent charged
    db.session.expire_all()
    paid = db.session.get(Order, order.id)
    assert paid.status is OrderStatus.PAID and paid.payment.intent_id == first
    assert paid.payment.status == "succeeded" and pack.state is PackState.SOLD
