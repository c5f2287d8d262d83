"""A buyer cancels an order still awaiting payment: its packs go back on sale at once and its
PaymentIntent is cancelled at Stripe; a paid, ended or being-paid order is refused in words."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lithloop import clock, payments
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState, Role
from lithloop.services.errors import Conflict, NotFound
from lithloop.services.market import checkout, order_cancel
from lithloop.services.market import payments as market_payments
from tests.factories import make_user
from tests.market.support import list_packs, make_admin, make_buyer


def _ordered(count: int = 2):
    """A buyer and their order of `count` packs, awaiting payment."""
    buyer = make_buyer()
    packs = list_packs(count)
    order = checkout.checkout(buyer, [{"pack_id": p.id} for p in packs])
    assert order.status is OrderStatus.PENDING_PAYMENT
    return buyer, order, packs


def _refused(user, order_id: int) -> Conflict:
    with pytest.raises(Conflict) as caught:
        order_cancel.cancel(user, order_id)
    return caught.value


def test_a_colleague_of_the_buyer_cancels_and_the_packs_are_on_sale_again(app):
    buyer, order, packs = _ordered()
    colleague = make_user(buyer.organisation, role=Role.BUYER)
    intent_id = order.payment.intent_id
    cancelled = order_cancel.cancel(colleague, order.id)
    db.session.expire_all()
    order = db.session.get(Order, cancelled.id)
    assert order.status is OrderStatus.CANCELLED and order.reserved_until is None
    assert order.cancel_reason == order_cancel.BY_BUYER
    for pack in packs:
        assert pack.state is PackState.FINISHED
        assert pack.events[-1].kind == "released"
        assert pack.events[-1].data["order_id"] == order.id
    assert payments.gateway().retrieve(intent_id).status == "canceled"
    # on sale again: another buyer orders the same packs
    again = checkout.checkout(make_buyer(), [{"pack_id": p.id} for p in packs])
    assert again.status is OrderStatus.PENDING_PAYMENT


def test_an_admin_cancels_for_the_park(app):
    _buyer, order, packs = _ordered(1)
    order_cancel.cancel(make_admin(), order.id)
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel_reason == order_cancel.BY_PARK
    assert packs[0].state is PackState.FINISHED


def test_another_buyers_order_is_not_found_and_stays_reserved(app):
    _buyer, order, packs = _ordered(1)
    with pytest.raises(NotFound):
        order_cancel.cancel(make_buyer(), order.id)
    with pytest.raises(NotFound):
        order_cancel.check_cancellable(make_buyer(), order.id)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PENDING_PAYMENT
    assert packs[0].state is PackState.RESERVED


def test_a_paid_order_is_refused_with_where_to_turn(app):
    buyer, order, packs = _ordered(1)
    market_payments.pay(buyer, order.id, "pm_card_visa")
    refused = _refused(buyer, order.id)
    assert refused.code == "not_cancellable"
    assert str(refused.message) == f"订单 #{order.id} 已付款，已无法取消。如需退款，请联系产业园。"
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PAID
    assert packs[0].state is PackState.SOLD
    assert not order_cancel.cancellable(db.session.get(Order, order.id))


def test_a_cancelled_order_has_nothing_left_to_cancel(app):
    buyer, order, _packs = _ordered(1)
    order_cancel.cancel(buyer, order.id)
    refused = _refused(buyer, order.id)
    assert refused.code == "not_cancellable"
    assert str(refused.message) == f"订单 #{order.id} 已取消，已没有可取消的内容。"


@pytest.mark.parametrize("status", ["confirming", "processing", "succeeded"])
def test_a_payment_under_way_is_refused_and_keeps_the_packs(app, status):
    buyer, order, packs = _ordered(1)
    order.payment.status, order.payment.updated_at = status, clock.now()
    db.session.commit()
    assert not order_cancel.cancellable(order)
    with pytest.raises(Conflict) as caught:
        order_cancel.check_cancellable(buyer, order.id)
    assert caught.value.code == "payment_under_way"
    refused = _refused(buyer, order.id)
    assert refused.code == "payment_under_way"
    assert "正在处理中" in str(refused.message) and "联系产业园" in str(refused.message)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PENDING_PAYMENT
    assert packs[0].state is PackState.RESERVED


def test_a_confirmation_stale_past_its_time_no_longer_holds_the_order(app):
    # as for the expiry sweep: no request is waiting on Stripe any more
    buyer, order, packs = _ordered(1)
    order.payment.status = "confirming"
    order.payment.updated_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    assert order_cancel.cancellable(order)
    order_cancel.cancel(buyer, order.id)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.CANCELLED
    assert packs[0].state is PackState.FINISHED


def test_a_declined_card_leaves_the_order_cancellable(app):
    buyer, order, packs = _ordered(1)
    with pytest.raises(market_payments.PaymentFailed):
        market_payments.pay(buyer, order.id, "pm_card_chargeCustomerFail")
    order_cancel.cancel(buyer, order.id)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.CANCELLED
    assert packs[0].state is PackState.FINISHED


def test_the_reservation_ended_only_for_a_pending_order_past_its_time(app):
    _buyer, order, _packs = _ordered(1)
    assert not order_cancel.reservation_ended(order)
    order.reserved_until = clock.now() - timedelta(seconds=1)
    assert order_cancel.reservation_ended(order)
    order.status = OrderStatus.CANCELLED
    assert not order_cancel.reservation_ended(order)
