"""A buyer's cancel racing a payment of the same order (PostgreSQL only: SQLite ignores FOR
UPDATE). Both lock the order's row first, so exactly one wins: a payment behind a cancel is
refused before it reaches Stripe, and a cancel behind a payment is refused while Stripe
takes the money. Either way the order, its pack and the PaymentIntent agree."""

from __future__ import annotations

import time

import pytest

from lithloop import payments
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, Pack, PackState, Payment
from lithloop.services.market import checkout, order_cancel
from lithloop.services.market import payments as market_payments
from tests.commit_gate import CommitGate, together_as
from tests.market.support import list_packs, make_buyer

HOLD_S = 3.0  # how long the first request waits at its flush for the other one
HEAD_START_S = 0.5  # the first request has locked the order by then


@pytest.fixture
def backend():
    """PostgreSQL only."""
    return "postgresql"


@pytest.fixture
def ordered(app) -> dict:
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    return {
        "buyer": buyer.id,
        "order": order.id,
        "pack": pack.id,
        "intent": order.payment.intent_id,
    }


def _together(app, user_id: int, *calls) -> list:
    """Each call(user) at once in its own thread (commit_gate.together_as)."""
    return together_as(app, user_id, *calls, said=True)


def _state(ordered: dict) -> tuple:
    db.session.expire_all()
    order = db.session.get(Order, ordered["order"])
    pack = db.session.get(Pack, ordered["pack"])
    return order.status, pack.state, payments.gateway().retrieve(ordered["intent"]).status


def test_a_payment_behind_a_cancel_is_refused_and_charges_nothing(app, ordered):
    # Depends on pay() locking the order before it marks the payment "confirming" and on
    # cancel() locking it before it reads the status: otherwise the payment read "awaiting
    # payment" while the cancel waited at its flush, and the card was charged for an order
    # whose packs were back on sale.
    order_id = ordered["order"]

    def cancel(user):
        return order_cancel.cancel(user, order_id).status

    def pay(user):
        time.sleep(HEAD_START_S)  # the cancel holds the order's row
        return market_payments.pay(user, order_id, "pm_card_visa").status

    with CommitGate(Order, patience=HOLD_S, dirty=True, at="before_flush"):
        cancelled, paid = _together(app, ordered["buyer"], cancel, pay)
    assert cancelled is OrderStatus.CANCELLED, cancelled
    assert isinstance(paid, tuple), f"the payment went through too: {paid}"
    assert paid[0] == "not_payable" and "已取消" in paid[1], paid
    assert _state(ordered) == (OrderStatus.CANCELLED, PackState.FINISHED, "canceled")


def test_a_cancel_behind_a_payment_is_refused_and_the_payment_goes_through(app, ordered):
    # The other order: the cancel waits for the payment's "confirming" and is refused, so
    # the packs are not put back on sale while Stripe takes the money.
    order_id = ordered["order"]

    def pay(user):
        return market_payments.pay(user, order_id, "pm_card_visa").status

    def cancel(user):
        time.sleep(HEAD_START_S)  # the payment holds the order's row
        return order_cancel.cancel(user, order_id).status

    with CommitGate(Payment, patience=HOLD_S, dirty=True, at="before_flush"):
        paid, cancelled = _together(app, ordered["buyer"], pay, cancel)
    assert paid is OrderStatus.PAID, paid
    assert isinstance(cancelled, tuple), f"the cancel went through too: {cancelled}"
    assert cancelled[0] == "payment_under_way" and "正在处理中" in cancelled[1], cancelled
    assert _state(ordered) == (OrderStatus.PAID, PackState.SOLD, "succeeded")
