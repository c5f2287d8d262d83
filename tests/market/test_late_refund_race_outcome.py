"""Review finding: two deliveries of the same cancelled order's `charge.refunded` (news of
its late payment) racing. Both looked at the order while it was cancelled; the first booked
the refunds and committed; the second found them booked under the row lock and booked
nothing, yet answered `refunded` (the order had ended refunded), so logs and the webhook
metrics counted two refunds for one. Now the one that booked nothing says `no_change`
(PostgreSQL only: SQLite ignores FOR UPDATE)."""

from __future__ import annotations

import threading

import pytest

from lithloop.models import OrderStatus, StripeEvent
from lithloop.payments import StripeGateway
from lithloop.services.market.release import release
from tests.market.test_order_letters import _order, mails_to
from tests.market.test_refund_dates import _charge
from tests.market.test_webhooks import _reload, at_stripe, confirm_at_stripe, event, post


@pytest.fixture
def backend():
    return "postgresql"


def test_the_delivery_that_booked_nothing_says_no_change(client, monkeypatch):
    buyer, _packs, order = _order(1)
    release(order.id, "reservation expired")
    confirm_at_stripe(order)  # paid all the same, then part refunded in Stripe's dashboard
    intent_id = order.payment.intent_id
    at_stripe().refund(intent_id, 1000, idempotency_key=f"dash-race-{order.id}")
    charge = _charge(intent_id)
    letters_before = len(mails_to(buyer))
    made, first = StripeGateway.refund_made, []

    def the_other_delivery_wins_meanwhile(gateway, *args, **kwargs):
        if not first:  # the second delivery has looked (cancelled): the first one runs now
            first.append(None)
            other = client.application.test_client()
            thread = threading.Thread(
                target=lambda: first.append(
                    post(other, event("evt_race_1", "charge.refunded", charge))
                )
            )
            thread.start()
            thread.join(timeout=60)
        return made(gateway, *args, **kwargs)

    monkeypatch.setattr(StripeGateway, "refund_made", the_other_delivery_wins_meanwhile)
    second = post(client, event("evt_race_2", "charge.refunded", charge))
    assert first[1].json["outcome"] == "refunded", first[1].json
    assert second.status_code == 200 and second.json["outcome"] == "no_change", second.json
    order = _reload(order)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    assert sum(r.amount_fen for r in order.refunds) == order.total_fen  # booked once
    assert at_stripe().unrefunded(intent_id) == 0
    outcomes = {e.event_id: e.outcome for e in StripeEvent.query.all()}
    assert outcomes == {"evt_race_1": "refunded", "evt_race_2": "no_change"}
    assert len(mails_to(buyer)) - letters_before == 2  # the dashboard's refund and the rest
