"""Review finding: when the database refused the commit after Stripe had refunded a late
payment, the next delivery of the webhook found nothing left to refund at Stripe and booked
the whole amount as "refunded at the payment service", with no refund id: the amount was
right, the label wrong. The refund made under the late payment's idempotency key is now
found again and booked as lithloop's own, with its id, and no second refund is asked for
(localstripe ignores idempotency keys and allows over-refunds: a second one would show)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lithloop.extensions import db
from lithloop.models import OrderStatus, Refund, StripeEvent
from lithloop.services.market import order_letters
from lithloop.services.market.release import release
from tests.market.test_order_letters import _order
from tests.market.test_webhooks import _reload, at_stripe, confirm_at_stripe, intent_event, post


class BookingLost:
    """The database refuses the first commit that books a refund (the fault); the refund's
    row is written by an earlier flush, so the flush marks the session for its commit."""

    def __init__(self):
        self.failed = 0

    def flushed(self, session, _context):
        if any(isinstance(row, Refund) for row in session.new):
            session.info["refund_booked"] = True

    def __call__(self, session):
        if session.info.pop("refund_booked", False) and not self.failed:
            self.failed += 1
            raise sa.exc.OperationalError("COMMIT", {}, Exception("connection lost"))

    def __enter__(self):
        sa.event.listen(Session, "after_flush", self.flushed)
        sa.event.listen(Session, "before_commit", self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(Session, "before_commit", self)
        sa.event.remove(Session, "after_flush", self.flushed)


def _refunds_at_stripe(intent_id: str) -> list[tuple[str, int]]:
    made = at_stripe().client.v1.refunds.list(params={"payment_intent": intent_id})
    return [(r.id, r.amount) for r in made.auto_paging_iter()]


def test_a_late_refund_whose_booking_was_lost_is_booked_as_lithloops_with_its_id(app, client):
    buyer, packs, order = _order(1)
    release(order.id, "reservation expired")
    confirm_at_stripe(order)  # the buyer's bank took the money all the same
    intent_id = order.payment.intent_id
    payload = intent_event("evt_late_lost", "payment_intent.succeeded", order)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the 500 Stripe would get, not a raise
    with BookingLost() as fault:
        lost = post(client, payload)
    assert fault.failed == 1 and lost.status_code >= 500, lost.status_code
    ((refund_id, amount),) = _refunds_at_stripe(intent_id)  # Stripe did refund it
    assert amount == order.total_fen
    order = _reload(order)
    assert order.status is OrderStatus.CANCELLED and order.refunded_fen == 0
    assert (
        db.session.scalar(sa.select(StripeEvent).where(StripeEvent.event_id == "evt_late_lost"))
        is None
    )
    again = post(client, payload)  # Stripe delivers the event again
    assert again.status_code == 200, again.json
    order = _reload(order)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    booked = db.session.scalars(sa.select(Refund).where(Refund.order_id == order.id)).all()
    assert [(r.amount_fen, r.reason, r.stripe_refund_id) for r in booked] == [
        (order.total_fen, order_letters.PAID_LATE, refund_id)
    ]
    assert _refunds_at_stripe(intent_id) == [(refund_id, amount)]  # no second refund


def test_a_late_refund_partly_made_in_stripes_dashboard_keeps_both_labels_after_a_lost_commit(
    app, client
):
    """The part refunded in Stripe's dashboard stays "refunded at the payment service"; the
    rest, lithloop's refund whose booking was lost, is booked as lithloop's with its id."""
    buyer, packs, order = _order(1)
    release(order.id, "reservation expired")
    confirm_at_stripe(order)
    intent_id = order.payment.intent_id
    at_stripe().refund(intent_id, 200_000, idempotency_key=f"dashboard-{order.id}")
    payload = intent_event("evt_late_lost_part", "payment_intent.succeeded", order)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with BookingLost():
        assert post(client, payload).status_code >= 500
    assert post(client, payload).status_code == 200
    order = _reload(order)
    booked = db.session.scalars(sa.select(Refund).where(Refund.order_id == order.id)).all()
    made = _refunds_at_stripe(intent_id)
    ids = {amount: refund_id for refund_id, amount in made}
    assert sorted((r.amount_fen, r.reason, r.stripe_refund_id) for r in booked) == sorted(
        [
            (200_000, order_letters.AT_STRIPE, ids[200_000]),
            (order.total_fen - 200_000, order_letters.PAID_LATE, ids[order.total_fen - 200_000]),
        ]
    )
    assert len(made) == 2 and order.refunded_fen == order.total_fen  # no second refund
