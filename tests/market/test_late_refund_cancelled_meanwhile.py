"""Review finding: a payment reported while the expiry sweep cancels its order reached
Stripe under the order's row lock. refund_late_payment looked first and found the order
still pending (nothing to refund); the sweep cancelled it and committed; the report then
took the lock, found the order cancelled and unrefunded, and settle_paid asked Stripe for
the refund there. Now the transaction is rolled back and the news applied again: the
refund is asked before the lock, as for any late payment (PostgreSQL only: SQLite ignores
FOR UPDATE)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, Refund
from lithloop.payments import StripeGateway
from lithloop.services.market import payment_outcome
from lithloop.services.market import payments as market_payments
from lithloop.services.market.release import release
from tests.market.test_order_letters import _order
from tests.market.test_webhooks import (
    _reload,
    at_stripe,
    confirm_at_stripe,
    event,
    intent_event,
    post,
)

#: Every call the gateway makes to Stripe (each checked for the order's lock while it runs).
STRIPE_CALLS = (
    "retrieve",
    "cancel",
    "create_refund",
    "unrefunded",
    "refund_made",
    "intent_refunds",
    "charge_refunds",
)


@pytest.fixture
def backend():
    return "postgresql"


def _watch_the_lock(monkeypatch, order_id: int) -> list[tuple[str, bool]]:
    """(call, order locked by another transaction meanwhile) for each Stripe call made."""
    seen: list[tuple[str, bool]] = []

    def watched(name, call):
        def run(gateway, *args, **options):
            with db.engine.connect() as other:  # another request wanting the order meanwhile
                lock = sa.select(Order.id).where(Order.id == order_id).with_for_update(nowait=True)
                try:
                    other.execute(lock)
                    seen.append((name, False))
                except sa.exc.OperationalError:
                    seen.append((name, True))
                other.rollback()
            return call(gateway, *args, **options)

        return run

    for name in STRIPE_CALLS:
        monkeypatch.setattr(StripeGateway, name, watched(name, getattr(StripeGateway, name)))
    return seen


def _sweep_right_after_the_first_look(app, monkeypatch, order_id: int) -> list[str]:
    """The sweep cancels the order (in its own thread, session and commit) just after the
    first look of refund_late_payment found it pending."""
    looked = payment_outcome.refund_late_payment
    swept: list[str] = []

    def look_then_sweep(order_id_seen: int) -> None:
        looked(order_id_seen)
        if swept:
            return

        def sweep():
            with app.app_context():
                release(order_id, "reservation expired")
                db.session.remove()

        thread = threading.Thread(target=sweep)
        thread.start()
        thread.join(timeout=30)
        swept.append("cancelled")

    monkeypatch.setattr(payment_outcome, "refund_late_payment", look_then_sweep)
    return swept


def _webhook(client, buyer, order) -> None:
    answer = post(client, intent_event("evt_paid_meanwhile", "payment_intent.succeeded", order))
    assert answer.status_code == 200, answer.json


def _return_page(client, buyer, order) -> None:
    market_payments.refresh(buyer, order.id)  # the 3-D Secure return asks Stripe


@pytest.mark.parametrize("news", [_webhook, _return_page], ids=["webhook", "return_page"])
def test_a_payment_reported_while_the_sweep_cancels_is_refunded_outside_the_lock(
    app, client, monkeypatch, news
):
    buyer, packs, order = _order(1)
    confirm_at_stripe(order)  # the buyer's bank took the money; lithloop not told yet
    swept = _sweep_right_after_the_first_look(app, monkeypatch, order.id)
    seen = _watch_the_lock(monkeypatch, order.id)
    news(client, buyer, order)
    assert swept == ["cancelled"]
    assert ("create_refund", False) in seen and all(not locked for _call, locked in seen), seen
    order = _reload(order)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    refunds = db.session.scalars(sa.select(Refund).where(Refund.order_id == order.id)).all()
    assert [(r.amount_fen, bool(r.stripe_refund_id)) for r in refunds] == [(order.total_fen, True)]
    assert at_stripe().unrefunded(order.payment.intent_id) == 0  # one refund, of the total


def test_a_dashboard_refund_reported_while_the_sweep_cancels_is_settled_outside_the_lock(
    app, client, monkeypatch
):
    """charge.refunded looks at a pending order, the sweep cancels it before the row lock:
    the lock meets a cancelled order with a payment (CancelledMeanwhile), and the event is
    applied again as news of a late payment (the rest refunded at Stripe, not under it)."""
    from lithloop.services.market import charge_refunds
    from tests.market.test_refund_dates import _charge

    _buyer, _packs, order = _order(1)
    confirm_at_stripe(order)
    intent_id = order.payment.intent_id
    dash = at_stripe().refund(intent_id, 1000, idempotency_key=f"dash-meanwhile-{order.id}")
    listed, swept = charge_refunds.of_charge, []

    def list_then_sweep(charge):
        found = listed(charge)
        if not swept:
            thread = threading.Thread(target=lambda: _release_in(app, order.id))
            thread.start()
            thread.join(timeout=30)
            swept.append("cancelled")
        return found

    monkeypatch.setattr(charge_refunds, "of_charge", list_then_sweep)
    seen = _watch_the_lock(monkeypatch, order.id)
    answer = post(client, event("evt_dash_meanwhile", "charge.refunded", _charge(intent_id)))
    assert answer.status_code == 200 and answer.json["outcome"] == "refunded", answer.json
    assert swept == ["cancelled"]
    assert ("create_refund", False) in seen and all(not locked for _call, locked in seen), seen
    order = _reload(order)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    assert sorted((r.amount_fen, r.stripe_refund_id == dash) for r in order.refunds) == sorted(
        [(1000, True), (order.total_fen - 1000, False)]
    )
    assert at_stripe().unrefunded(intent_id) == 0


def _release_in(app, order_id: int) -> None:
    """The sweep's release, in its own thread, session and commit."""
    with app.app_context():
        release(order_id, "reservation expired")
        db.session.remove()
