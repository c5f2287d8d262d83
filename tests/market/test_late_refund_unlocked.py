"""A payment made after its order was cancelled is refunded at Stripe while the order's row
is not locked (PostgreSQL only: SQLite ignores FOR UPDATE). A Stripe call under the lock
keeps every request on the order (the buyer's page, the sweep, an administrator) waiting
for Stripe, up to its timeout and retries."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus
from lithloop.payments import StripeGateway
from lithloop.services.market.release import release
from tests.market.test_order_letters import _order
from tests.market.test_webhooks import _reload, confirm_at_stripe, intent_event, post


@pytest.fixture
def backend():
    return "postgresql"


def test_the_late_payments_refund_is_asked_of_stripe_outside_the_orders_lock(client, monkeypatch):
    buyer, packs, order = _order(1)
    release(order.id, "reservation expired")
    confirm_at_stripe(order)  # the buyer's bank took the money all the same
    locked_during_refund = []
    refund = StripeGateway.create_refund

    def refund_while_trying_the_lock(gateway, intent_id, amount_fen, **options):
        with db.engine.connect() as other:  # another request wanting the order meanwhile
            try:
                lock = sa.select(Order.id).where(Order.id == order.id).with_for_update(nowait=True)
                other.execute(lock)
                locked_during_refund.append(False)
            except sa.exc.OperationalError:
                locked_during_refund.append(True)
            other.rollback()
        return refund(gateway, intent_id, amount_fen, **options)

    monkeypatch.setattr(StripeGateway, "create_refund", refund_while_trying_the_lock)
    answer = post(client, intent_event("evt_late_unlocked", "payment_intent.succeeded", order))
    assert answer.status_code == 200, answer.json
    assert locked_during_refund == [False]
    order = _reload(order)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
