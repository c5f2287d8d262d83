"""A cancelled order whose payment went through all the same, then refunded in Stripe's
dashboard: `charge.refunded` is news of the late payment. Before, it booked nothing (the
order stayed cancelled, nothing refunded, on the buyer's and the admin's pages alike); now
the dashboard's refunds are booked with their ids, whatever is left is given back as for
any late payment, and the order ends refunded. Nothing is counted twice when lithloop had
refunded the late payment itself. Against localstripe."""

from __future__ import annotations

from lithloop.i18n import money
from lithloop.models import OrderStatus, Role
from lithloop.services.market import order_letters
from lithloop.services.market.release import release
from tests.conftest import Auth
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


def _cancelled_and_paid():
    buyer, _packs, order = _order(1)
    release(order.id, "reservation expired")
    confirm_at_stripe(order)  # the bank took the money; lithloop has not heard
    return buyer, order


def _rows(order) -> list[tuple]:
    return sorted((r.reason, r.amount_fen, r.stripe_refund_id) for r in _reload(order).refunds)


def test_a_cancelled_order_refunded_in_full_in_the_dashboard_is_booked_refunded(client, login_as):
    buyer, order = _cancelled_and_paid()
    intent_id = order.payment.intent_id
    refund_id = at_stripe().refund(intent_id, order.total_fen, idempotency_key=f"d-{order.id}")
    reply = post(client, event("evt_cancelled_dash", "charge.refunded", _charge(intent_id)))
    assert reply.status_code == 200 and reply.json["outcome"] == "refunded"
    order = _reload(order)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    assert _rows(order) == [(order_letters.AT_STRIPE, order.total_fen, refund_id)]
    assert order.payment.cancel_due_since is None
    again = post(client, event("evt_cancelled_dash_2", "charge.refunded", _charge(intent_id)))
    assert again.json["outcome"] == "no_change" and len(_rows(order)) == 1
    Auth(client).login(buyer.email)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert "已全额退款" in page and "在支付服务处退款" in page
    assert money(order.total_fen) in page.split("退款</h2>", 1)[-1]
    login_as(Role.ADMIN)
    admin_page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert "已全额退款" in admin_page and "在支付服务处退款" in admin_page


def test_a_partial_dashboard_refund_of_a_cancelled_order_gives_back_the_rest(client):
    _buyer, order = _cancelled_and_paid()
    intent_id = order.payment.intent_id
    dash = at_stripe().refund(intent_id, 150_000, idempotency_key=f"d-part-{order.id}")
    reply = post(client, event("evt_cancelled_part", "charge.refunded", _charge(intent_id)))
    assert reply.status_code == 200 and reply.json["outcome"] == "refunded"
    order = _reload(order)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    rows = _rows(order)
    assert (order_letters.AT_STRIPE, 150_000, dash) in rows
    (ours,) = [r for r in rows if r[0] == order_letters.PAID_LATE]
    assert ours[1] == order.total_fen - 150_000 and ours[2]
    assert at_stripe().unrefunded(intent_id) == 0
    paid = post(client, intent_event("evt_cancelled_part_paid", "payment_intent.succeeded", order))
    assert paid.status_code == 200 and _rows(order) == rows  # the success, late: nothing more


def test_a_late_payment_lithloop_refunded_is_not_counted_again_from_charge_refunded(client):
    _buyer, order = _cancelled_and_paid()
    intent_id = order.payment.intent_id
    paid = post(client, intent_event("evt_late_then_charge", "payment_intent.succeeded", order))
    assert paid.status_code == 200
    rows = _rows(order)
    assert [r[0] for r in rows] == [order_letters.PAID_LATE]
    reply = post(client, event("evt_late_charge", "charge.refunded", _charge(intent_id)))
    assert reply.json["outcome"] == "no_change"
    assert _rows(order) == rows and _reload(order).refunded_fen == order.total_fen
