"""A refund made in Stripe's dashboard of a cancelled order's late payment is booked when
lithloop learns of the payment (its success, or the refund's report, which shows it was
paid): a review asked whether the books then read right to a finance person. They do.
Until the payment is known,
lithloop has booked neither the money taken nor any of it given back (the order is
cancelled, nothing refunded: net nothing, as at Stripe once the rest is refunded); once it
is known, the dashboard's part is booked as refunded at the payment service, the rest as
lithloop's refund with its id, together the whole payment. Each dashboard refund is one
row with Stripe's id, amount and date (in UTC), as a dashboard refund of a paid order is
booked. (The dashboard of lithloop itself sums no refunds: services/reporting reads
intake, processing and second life.)"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OrderStatus, Refund
from lithloop.services.market import order_letters
from lithloop.services.market.release import release
from tests.market.test_order_letters import _order
from tests.market.test_refund_dates import _charge
from tests.market.test_webhooks import (
    _reload,
    at_stripe,
    confirm_at_stripe,
    event,
    intent_event,
    post,
)


def test_a_dashboard_refund_reported_before_the_late_payment_is_booked_with_it(client):
    buyer, packs, order = _order(1)
    release(order.id, "reservation expired")
    confirm_at_stripe(order)  # the bank took the money; lithloop's news of it is late
    intent_id = order.payment.intent_id
    at_stripe().refund(intent_id, 200_000, idempotency_key=f"dashboard-{order.id}")
    charge = {
        "id": "ch_dashboard",
        "object": "charge",
        "payment_intent": intent_id,
        "amount": order.total_fen,
        "amount_refunded": 200_000,
    }
    first = post(client, event("evt_dash_refund", "charge.refunded", charge))
    assert first.status_code == 200 and first.json["outcome"] == "refunded"  # news of payment
    paid = post(client, intent_event("evt_dash_paid", "payment_intent.succeeded", order))
    assert paid.status_code == 200, paid.json
    order = _reload(order)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    booked = db.session.scalars(sa.select(Refund).where(Refund.order_id == order.id)).all()
    assert sorted((r.amount_fen, r.reason, bool(r.stripe_refund_id)) for r in booked) == sorted(
        [
            (200_000, order_letters.AT_STRIPE, True),
            (order.total_fen - 200_000, order_letters.PAID_LATE, True),
        ]
    )
    assert at_stripe().unrefunded(intent_id) == 0  # all of it back, as booked
    again = post(client, event("evt_dash_refund_2", "charge.refunded", charge))
    assert again.json["outcome"] == "no_change" and _reload(order).refunded_fen == order.total_fen


def test_each_dashboard_refund_of_a_late_payment_is_its_own_row_with_stripes_id_and_date(client):
    _buyer, _packs, order = _order(1)
    release(order.id, "reservation expired")
    confirm_at_stripe(order)
    intent_id = order.payment.intent_id
    at_stripe().refund(intent_id, 150_000, idempotency_key=f"dash-a-{order.id}")
    at_stripe().refund(intent_id, 50_000, idempotency_key=f"dash-b-{order.id}")
    made = sorted(
        (r["id"], r["amount"], datetime.fromtimestamp(r["created"], UTC))
        for r in _charge(intent_id)["refunds"]["data"]
    )
    paid = post(client, intent_event("evt_late_two_dash", "payment_intent.succeeded", order))
    assert paid.status_code == 200, paid.json
    order = _reload(order)
    at_stripe_rows = sorted(
        (r.stripe_refund_id, r.amount_fen, r.at)
        for r in order.refunds
        if r.reason == order_letters.AT_STRIPE
    )
    assert at_stripe_rows == made
    assert all(at.tzinfo is not None and at.utcoffset().total_seconds() == 0 for *_x, at in made)
    (ours,) = [r for r in order.refunds if r.reason == order_letters.PAID_LATE]
    assert ours.amount_fen == order.total_fen - 200_000 and ours.stripe_refund_id
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    assert at_stripe().unrefunded(intent_id) == 0
