"""A refund Stripe has not finished (`pending`) is not money back yet, and one that
`failed` or was `canceled` never will be. Before, every refund listed or made counted as
made. Now each booked refund keeps Stripe's status: the order pages say "on its way" until
Stripe reports it succeeded (`charge.refund.updated`), and a failed one is shown to the
buyer as not gone through and to administrators with what to do.

localstripe makes every refund `succeeded` at once and sends no refund events, so the
states it cannot produce come from Stripe-shaped objects built by the SDK
(`stripe.Refund.construct_from`), delivered as signed webhooks or given to the service."""

from __future__ import annotations

import sqlalchemy as sa
import stripe

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import AuditEntry, Role
from lithloop.services.market import payments as market_payments
from lithloop.services.market import refund_status
from tests.conftest import Auth
from tests.market.test_order_letters import mails_to
from tests.market.test_refund_dates import _charge
from tests.market.test_webhooks import _order, _reload, at_stripe, event, post


def _refund_object(refund_id: str, status: str, **extra) -> dict:
    """A refund as Stripe sends it in charge.refund.updated, built through the SDK."""
    fields = {"id": refund_id, "object": "refund", "status": status, "amount": 5000, **extra}
    return stripe.Refund.construct_from(fields, "sk_test_x").to_dict()


def _pending_dashboard_refund():
    """A paid order with a refund made in Stripe's dashboard that Stripe lists as pending."""
    buyer, _packs, order = _order()
    market_payments.pay(buyer, order.id, "pm_card_visa")
    refund_id = at_stripe().refund(order.payment.intent_id, 5000, idempotency_key=f"p-{order.id}")
    charge = _charge(order.payment.intent_id)
    (made,) = charge["refunds"]["data"]
    made["status"] = "pending"  # as Stripe lists a refund whose money is not back yet
    return buyer, order, refund_id, charge


def _page(client, email, order) -> str:
    """The order's page as `email` sees it, logged in on a client of its own."""
    own = client.application.test_client()
    Auth(own).login(email)
    return own.get(f"/market/orders/{order.id}").get_data(as_text=True)


def test_a_pending_refund_is_on_its_way_until_stripe_reports_it_succeeded(client):
    buyer, order, refund_id, charge = _pending_dashboard_refund()
    assert post(client, event("evt_pend", "charge.refunded", charge)).json["outcome"] == "refunded"
    (row,) = _reload(order).refunds
    assert row.status == "pending" and row.stripe_refund_id == refund_id
    letter = mails_to(buyer)[-1]  # asked for, not "refunded" as if the money were back
    assert money(5000) in letter.subject and "已申请退款" in letter.subject
    assert "5–10 个工作日" in letter.body and "已退回" not in letter.body
    assert "退款处理中" in _page(client, buyer.email, order)
    update = event("evt_pend_done", "charge.refund.updated", _refund_object(refund_id, "succeeded"))
    assert post(client, update).json["outcome"] == "refund_succeeded"
    assert post(client, update).json["outcome"] == "duplicate"  # the same event: booked once
    assert _reload(order).refunds[0].status == "succeeded"
    assert "退款处理中" not in _page(client, buyer.email, order)


def test_a_failed_refund_is_shown_to_the_buyer_and_to_admins_with_what_to_do(client, login_as):
    buyer, order, refund_id, charge = _pending_dashboard_refund()
    post(client, event("evt_fail_booked", "charge.refunded", charge))
    failed = _refund_object(refund_id, "failed", failure_reason="expired_or_canceled_card")
    reply = post(client, event("evt_fail", "charge.refund.updated", failed))
    assert reply.json["outcome"] == "refund_failed"
    later = _refund_object(refund_id, "succeeded")  # a final status never moves again
    assert post(client, event("evt_fail_2", "refund.updated", later)).json["outcome"] == "no_change"
    order = _reload(order)
    assert order.refunds[0].status == "failed" and order.refunded_fen == 5000
    (entry,) = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "order.refund_failed")
    )
    assert entry.details["failure_reason"] == "expired_or_canceled_card"
    page = _page(client, buyer.email, order)
    assert "产业园会联系您" in page and 'id="refunds-not-made"' not in page
    login_as(Role.ADMIN)
    admin_page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert 'id="refunds-not-made"' in admin_page and "银行转账" in admin_page


def test_the_service_follows_statuses_forward_only(client):
    buyer, order, refund_id, charge = _pending_dashboard_refund()
    from lithloop.services.market import charge_refunds

    charge_refunds.book(_reload(order), 5000, charge["refunds"]["data"])
    db.session.commit()
    apply = refund_status.apply_update
    assert apply(_refund_object(refund_id, "pending")) == "no_change"
    assert apply(_refund_object(refund_id, "succeeded")) == "refund_succeeded"
    assert apply(_refund_object(refund_id, "pending")) == "no_change"  # never backwards
    assert apply(_refund_object(refund_id, "canceled")) == "refund_failed"
    assert apply(_refund_object("re_unknown", "failed")) == "unknown_refund"
    assert apply({"id": refund_id, "status": 7}) == "ignored"
    db.session.commit()
    assert [r.id for r in refund_status.not_made(_reload(order))] == [
        r.id for r in _reload(order).refunds
    ]


def test_an_admin_refund_keeps_stripes_status(client):
    _buyer, order, _refund_id, _charge_ = _pending_dashboard_refund()
    made = at_stripe().create_refund(order.payment.intent_id, 100, idempotency_key="st-1")
    assert made[0].startswith("re_") and made[1] == "succeeded"  # localstripe's only status
