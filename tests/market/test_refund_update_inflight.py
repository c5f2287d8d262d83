"""A refund's update that comes while the admin's refund is being booked (Stripe made it;
lithloop's transaction holds the order's row lock and has not committed) waits for the lock
and is applied at once, not refused as "not booked yet". PostgreSQL only (SQLite serialises
writers and ignores row locks)."""

from __future__ import annotations

import threading

import pytest

from lithloop.extensions import db
from lithloop.services.market.refunds import record_refund
from lithloop.services.market.release import lock_order
from tests.market.test_refund_status import _pending_dashboard_refund
from tests.market.test_refund_update_early import _update
from tests.market.test_webhooks import _reload, event, post


@pytest.fixture
def backend():
    """PostgreSQL only."""
    return "postgresql"


def test_an_update_during_the_admins_booking_waits_for_it(app, client):
    _buyer, order, _dashboard_refund, _charge = _pending_dashboard_refund()
    order_id = order.id
    booked, release, errors = threading.Event(), threading.Event(), []

    def admin_books():
        try:
            with app.app_context():
                locked = lock_order(order_id)
                record_refund(
                    locked,
                    100,
                    None,
                    by=None,
                    reason="x",
                    stripe_refund_id="re_inflight",
                    status="pending",
                )
                db.session.flush()
                booked.set()
                release.wait(timeout=2)  # the webhook is sent meanwhile, and waits
                db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
            booked.set()

    thread = threading.Thread(target=admin_books)
    thread.start()
    assert booked.wait(timeout=10)
    timer = threading.Timer(0.5, release.set)
    timer.start()
    update = _update(order, "re_inflight", "failed")
    update["amount"] = 100
    reply = post(client, event("evt_inflight", "refund.failed", update))
    thread.join(timeout=30)
    assert errors == []
    assert reply.status_code == 200 and reply.json["outcome"] == "refund_failed"
    (row,) = _reload(order).refunds
    assert row.stripe_refund_id == "re_inflight" and row.status == "failed"
