"""A released order's PaymentIntent due to be cancelled (cancel_due_since) stops being due
when Stripe reports it cancelled (a webhook), and stops being asked when Stripe keeps
refusing: then an administrator sees it on the orders page. Against localstripe."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, Payment, Role
from lithloop.services.market import expiry
from tests.market.test_cancel_retry import _due, _ordered, _sweep, stripe_down
from tests.market.test_webhooks import at_stripe, confirm_at_stripe, intent_event, post


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


def test_a_cancel_stripe_keeps_refusing_is_asked_until_the_limit_then_no_more(app, caplog):
    order = _released_with_cancel_due()
    intent_id = _missing_at_stripe(order)
    caplog.set_level(logging.INFO)
    _backdate(order, 23)
    _sweep(0)
    assert f"intent {intent_id} not cancelled" in caplog.text  # still asked
    assert _due(order) is not None and expiry.stuck_cancels() == []
    caplog.clear()
    _backdate(order, app.config["PAYMENT_CANCEL_RETRY_HOURS"] + 1)
    _sweep(0)
    given_up = [r.getMessage() for r in caplog.records if intent_id in r.getMessage()]
    assert [m.endswith("given up") for m in given_up] == [True]  # no call, one warning
    caplog.clear()
    _sweep(0)
    assert intent_id not in caplog.text  # given up: no call, no further log line
    assert [p.intent_id for p in expiry.stuck_cancels()] == [intent_id]


def test_a_stuck_cancel_is_shown_to_admins_on_the_orders_page(client, login_as):
    order = _released_with_cancel_due()
    intent_id = _missing_at_stripe(order)
    _backdate(order, 25)
    login_as(Role.ADMIN)
    page = client.get("/market/orders").get_data(as_text=True)
    assert 'id="stuck-cancels"' in page and intent_id in page
    assert "Stripe 管理后台" in page  # what to check, in the park's language


def test_a_buyer_does_not_see_stuck_cancels(client, login_as):
    order = _released_with_cancel_due()
    _backdate(order, 25)
    login_as(Role.BUYER)
    assert 'id="stuck-cancels"' not in client.get("/market/orders").get_data(as_text=True)


def test_a_late_payment_refunded_from_its_webhook_leaves_nothing_due(client):
    order = _released_with_cancel_due()
    confirm_at_stripe(order)  # the wallet paid before the cancel reached Stripe
    reply = post(client, intent_event("evt_paid_due", "payment_intent.succeeded", order))
    assert reply.status_code == 200
    assert _due(order) is None
    assert db.session.get(Order, order.id).refunded_fen == order.total_fen
