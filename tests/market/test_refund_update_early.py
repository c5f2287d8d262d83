"""A refund's update (`charge.refund.updated`, `refund.updated`, `refund.failed`) that comes
before its `charge.refunded` (Stripe does not deliver in order) was used up as
"unknown_refund": the refund was then booked with the charge's older word (pending) and its
failure was lost. Now, for a refund of one of lithloop's payments made in the last day, the
update is refused with a 409 and nothing stored, so Stripe delivers it again; once
`charge.refunded` has booked the refund, it is applied. An update of a refund of a payment
lithloop does not know, or of one never booked for a day, is taken and ignored as before.

Against localstripe (the refund is made there); the refund's later statuses are
Stripe-shaped objects built by the SDK, sent as signed webhooks."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import StripeEvent
from lithloop.services.market import refund_payback
from tests.market.test_order_letters import mails_to
from tests.market.test_refund_status import _pending_dashboard_refund, _refund_object
from tests.market.test_webhooks import _reload, event, post


def _update(order, refund_id: str, status: str, *, age_s: int = 60) -> dict:
    """The refund as Stripe sends it in its update: its PaymentIntent and when it was made."""
    created = int(clock.now().timestamp()) - age_s
    return _refund_object(
        refund_id, status, payment_intent=order.payment.intent_id, created=created
    )


def _stored(event_id: str) -> bool:
    query = sa.select(StripeEvent.id).where(StripeEvent.event_id == event_id)
    return db.session.scalar(query) is not None


def test_a_failure_before_its_refund_is_booked_is_delivered_again_then_applied(client):
    buyer, order, refund_id, charge = _pending_dashboard_refund()
    failed = event("evt_early_fail", "refund.failed", _update(order, refund_id, "failed"))
    first = post(client, failed)
    assert first.status_code == 409 and first.json["error"] == "refund_not_booked_yet"
    assert not _stored("evt_early_fail") and _reload(order).refunds == []
    # charge.refunded comes later, with the refund as it stood when it was made: pending
    assert post(client, event("evt_late_ch", "charge.refunded", charge)).json["outcome"] == (
        "refunded"
    )
    assert _reload(order).refunds[0].status == "pending"
    letters = len(mails_to(buyer))
    again = post(client, failed)  # Stripe's redelivery of the same event
    assert again.status_code == 200 and again.json["outcome"] == "refund_failed"
    (row,) = _reload(order).refunds
    assert row.status == "failed" and _stored("evt_early_fail")
    assert [r.id for r in refund_payback.owed()] == [row.id]  # on the admin's list
    (letter,) = mails_to(buyer)[letters:]
    assert "退款未能完成" in letter.subject


def test_a_success_before_its_refund_is_booked_is_not_left_pending(client):
    _buyer, order, refund_id, charge = _pending_dashboard_refund()
    done = event("evt_early_ok", "charge.refund.updated", _update(order, refund_id, "succeeded"))
    assert post(client, done).status_code == 409
    post(client, event("evt_late_ch_ok", "charge.refunded", charge))
    assert _reload(order).refunds[0].status == "pending"
    assert post(client, done).json["outcome"] == "refund_succeeded"
    assert _reload(order).refunds[0].status == "succeeded"


def test_an_update_of_a_refund_lithloop_has_no_payment_of_is_taken_and_ignored(client):
    refund = _refund_object("re_other", "failed", payment_intent="pi_not_ours", created=1)
    reply = post(client, event("evt_not_ours", "refund.failed", refund))
    assert reply.status_code == 200 and reply.json["outcome"] == "unknown_refund"


def test_an_update_of_a_refund_never_booked_for_a_day_is_taken_with_a_warning(client, caplog):
    _buyer, order, refund_id, _charge = _pending_dashboard_refund()
    old = _update(order, refund_id, "failed", age_s=25 * 3600)
    with caplog.at_level(logging.WARNING):
        reply = post(client, event("evt_old", "refund.failed", old))
    assert reply.status_code == 200 and reply.json["outcome"] == "unknown_refund"
    assert any(refund_id in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
