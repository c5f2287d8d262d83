"""Suspending a buyer organisation cancels its orders not paid (and not being paid) in the
suspension's transaction: their packs go back on sale, their PaymentIntents are cancelled
at Stripe (the expiry sweep's own code), each buyer is told; paid orders are untouched."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import AuditEntry, OrderStatus, PackState
from lithloop.payments import StripeGateway
from lithloop.services.accounts import org_admin
from lithloop.services.errors import Forbidden
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
from tests.market.conftest import STRIPE_ENV, localstripe_url
from tests.market.support import list_packs, make_admin, make_buyer
from tests.market.test_order_letters import mails_to
from tests.market.test_webhooks import _reload


def _stripe_status(intent_id: str) -> str:
    return (
        StripeGateway(STRIPE_ENV["STRIPE_SECRET_KEY"], localstripe_url()).retrieve(intent_id).status
    )


def _state(pack) -> PackState:
    db.session.refresh(pack)
    return pack.state


def _buy(buyer, count: int = 1):
    packs = list_packs(count)
    return packs, checkout.checkout(buyer, [{"pack_id": p.id} for p in packs])


def test_suspension_cancels_unpaid_orders_and_their_intents_at_once(app):
    buyer = make_buyer("暂停的储能买家")
    unpaid_packs, unpaid = _buy(buyer, 2)
    other_packs, other = _buy(make_buyer("另一买家"))
    assert unpaid.payment is not None

    org_admin.set_suspended(make_admin(), buyer.organisation_id, suspend=True, reason="欠款")

    unpaid = _reload(unpaid)
    assert unpaid.status is OrderStatus.CANCELLED and unpaid.reserved_until is None
    assert [_state(p) for p in unpaid_packs] == [PackState.FINISHED] * 2
    assert _stripe_status(unpaid.payment.intent_id) == "canceled"
    other = _reload(other)
    assert other.status is OrderStatus.PENDING_PAYMENT
    assert _state(other_packs[0]) is PackState.RESERVED
    (entry,) = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "organisation.suspend")
    )
    assert entry.details["orders_cancelled"] == [unpaid.id]
    (letter,) = [m for m in mails_to(buyer) if f"#{unpaid.id}" in m.subject]
    assert letter.body.startswith(
        f"订单 #{unpaid.id}（¥24,000.00）已取消：产业园已暂停贵机构的账户，订单尚未付款。"
    )


def test_suspension_leaves_paid_orders_alone(app):
    buyer = make_buyer()
    packs, paid = _buy(buyer)
    paid = market_payments.pay(buyer, paid.id, "pm_card_visa")
    assert paid.status is OrderStatus.PAID

    org_admin.set_suspended(make_admin(), buyer.organisation_id, suspend=True, reason="欠款")

    assert _reload(paid).status is OrderStatus.PAID and _state(packs[0]) is PackState.SOLD
    assert _stripe_status(paid.payment.intent_id) == "succeeded"


def test_suspension_leaves_an_order_being_paid_and_one_without_an_intent_is_released(app):
    buyer = make_buyer()
    _, paying = _buy(buyer)
    paying.payment.status, paying.payment.updated_at = "confirming", clock.now()
    no_intent_packs, no_intent = _buy(buyer)
    db.session.delete(no_intent.payment)  # Stripe was unreachable at checkout
    db.session.commit()

    org_admin.set_suspended(make_admin(), buyer.organisation_id, suspend=True, reason="欠款")

    assert _reload(paying).status is OrderStatus.PENDING_PAYMENT  # Stripe's to tell
    assert _reload(no_intent).status is OrderStatus.CANCELLED
    assert _state(no_intent_packs[0]) is PackState.FINISHED


def test_a_suspended_buyer_cannot_check_out(app):
    buyer = make_buyer()
    org_admin.set_suspended(make_admin(), buyer.organisation_id, suspend=True, reason="欠款")
    packs = list_packs(1)
    with pytest.raises(Forbidden) as refused:
        checkout.checkout(buyer, [{"pack_id": packs[0].id}])
    assert str(refused.value.message) == "您的机构已被产业园暂停。请致电产业园申请恢复。"
    db.session.rollback()
    assert _state(packs[0]) is PackState.FINISHED
