"""A payment Stripe would not cancel, listed to administrators on the orders page, leaves
the list once settled in Stripe's dashboard: by an administrator's button (audited), or by
Stripe's charge.refunded showing a cancelled order's payment refunded (the rest is then
given back and the order booked refunded). Against
localstripe."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import AuditEntry, Role
from lithloop.services.market import expiry
from tests.conftest import submit
from tests.market.test_cancel_due import _backdate, _missing_at_stripe, _released_with_cancel_due
from tests.market.test_cancel_retry import _due
from tests.market.test_refund_dates import _charge
from tests.market.test_webhooks import at_stripe, confirm_at_stripe, event, post

PAGE = "/market/orders"


def _stuck():
    order = _released_with_cancel_due()
    intent_id = _missing_at_stripe(order)
    _backdate(order, 25)
    return order, intent_id


def test_an_admin_marks_a_stuck_payment_settled_and_it_leaves_the_warning(client, login_as):
    order, intent_id = _stuck()
    admin = login_as(Role.ADMIN)
    url = f"/market/admin/orders/{order.id}/settled-in-stripe"
    assert f'action="{url}"' in client.get(PAGE).get_data(as_text=True)
    reply = submit(client, url, {}, page=PAGE)
    assert reply.status_code == 302
    assert _due(order) is None and expiry.stuck_cancels() == []
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="stuck-cancels"' not in page
    (entry,) = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "order.settled_in_stripe")
    )
    assert entry.actor_id == admin.id and entry.object_id == str(order.id)
    assert entry.details["intent_id"] == intent_id
    again = submit(client, url, {}, page=PAGE)  # a second click: nothing more, no entry
    assert again.status_code == 302
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                AuditEntry.action == "order.settled_in_stripe"
            )
        )
        == 1
    )


def test_a_buyer_cannot_mark_a_payment_settled(client, login_as):
    order, _intent_id = _stuck()
    login_as(Role.BUYER)
    reply = submit(client, f"/market/admin/orders/{order.id}/settled-in-stripe", {}, page=PAGE)
    assert reply.status_code == 403
    assert _due(order) is not None


def test_a_payment_the_sweep_still_asks_about_is_not_cleared(client, login_as):
    order = _released_with_cancel_due()  # due, but not given up on yet
    login_as(Role.ADMIN)
    reply = submit(client, f"/market/admin/orders/{order.id}/settled-in-stripe", {}, page=PAGE)
    assert reply.status_code == 302
    assert _due(order) is not None


def test_without_csrf_nothing_is_cleared(client, login_as):
    order, _intent_id = _stuck()
    login_as(Role.ADMIN)
    reply = client.post(f"/market/admin/orders/{order.id}/settled-in-stripe")
    assert reply.status_code == 400
    assert _due(order) is not None


def test_a_cancelled_orders_payment_refunded_at_stripe_clears_the_mark(client):
    """A refund shows the cancelled order was paid: the rest is given back and booked
    (tests/market/test_cancelled_dashboard_refund.py), nothing is left to cancel."""
    order = _released_with_cancel_due()
    intent_id = order.payment.intent_id
    confirm_at_stripe(order)  # the wallet paid before the cancel reached Stripe
    at_stripe().refund(intent_id, 1000, idempotency_key=f"dash-part-{order.id}")
    _backdate(order, 25)
    part = post(client, event("evt_part_refund", "charge.refunded", _charge(intent_id)))
    assert part.json["outcome"] == "refunded"
    assert _due(order) is None and expiry.stuck_cancels() == []
    assert at_stripe().unrefunded(intent_id) == 0
