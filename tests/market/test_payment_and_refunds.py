"""Paying with localstripe test cards, 3-D Secure, declines, refunds and returns."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState
from lithloop.services.errors import Conflict, Forbidden, Invalid, NotFound
from lithloop.services.market import checkout
from lithloop.services.market import orders as market_orders
from lithloop.services.market import payments as market_payments
from lithloop.services.market import refunds as market_refunds
from tests.market.support import list_packs, make_admin, make_buyer
from tests.plain_language import untranslated


def _state(pack):
    db.session.refresh(pack)
    return pack.state


def _paid_order(packs, buyer=None):
    buyer = buyer or make_buyer()
    order = checkout.checkout(buyer, [{"pack_id": p.id} for p in packs])
    return buyer, market_payments.pay(buyer, order.id, "pm_card_visa")


def test_visa_pays_and_sells_the_packs_to_the_buyer(app):
    packs = list_packs(2)
    buyer, order = _paid_order(packs)
    assert order.status is OrderStatus.PAID and order.payment.status == "succeeded"
    for pack in packs:
        assert _state(pack) is PackState.SOLD and pack.buyer_id == buyer.organisation_id
        assert pack.events[-1].kind == "sold" and pack.events[-1].report_due is not None
    with pytest.raises(Conflict) as again:
        market_payments.pay(buyer, order.id, "pm_card_visa")
    with force_locale("en"):  # the status in a sentence, not a badge's capital
        assert str(again.value.message) == f"Order #{order.id} is paid; there is nothing to pay."
    with force_locale("zh_CN"):
        assert str(again.value.message) == f"订单 #{order.id} 已付款，无需付款。"


def test_3d_secure_requires_action_then_approval_pays(app):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    order = market_payments.pay(buyer, order.id, "4000002760003184")
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.payment.status == "requires_action" and order.payment.next_action
    assert _state(pack) is PackState.RESERVED
    order = market_payments.authenticate(buyer, order.id, success=True)
    assert order.status is OrderStatus.PAID and _state(pack) is PackState.SOLD


def test_3d_secure_refused_keeps_the_order_and_another_card_pays(app):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    market_payments.pay(buyer, order.id, "4000002760003184")
    with pytest.raises(market_payments.PaymentFailed) as caught:
        market_payments.authenticate(buyer, order.id, success=False)
    assert "银行验证（3-D Secure）未通过" in str(caught.value.message)
    assert db.session.get(Order, order.id).status is OrderStatus.PENDING_PAYMENT
    assert _state(pack) is PackState.RESERVED
    order = market_payments.pay(buyer, order.id, "pm_card_visa")
    assert order.status is OrderStatus.PAID and _state(pack) is PackState.SOLD


def test_declined_card_keeps_the_order_reserved_and_a_retry_pays(app):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    first_intent = order.payment.intent_id
    with pytest.raises(market_payments.PaymentFailed) as caught:
        market_payments.pay(buyer, order.id, "pm_card_chargeCustomerFail")
    assert caught.value.status == 402 and caught.value.code == "card_declined"
    text = str(caught.value.message)  # Chinese: Stripe's English stays out of it
    assert "发卡行拒绝了这张卡" in text and untranslated(text) == [], text
    with force_locale("en"):
        assert "the bank refused the card" in str(caught.value.message)
    order = db.session.get(Order, order.id)
    assert "declined" in order.payment.last_error  # Stripe's own words kept for support
    assert order.status is OrderStatus.PENDING_PAYMENT and order.payment.status == "declined"
    assert _state(pack) is PackState.RESERVED
    order = market_payments.pay(buyer, order.id, "pm_card_visa")  # a fresh PaymentIntent
    assert order.status is OrderStatus.PAID and _state(pack) is PackState.SOLD
    assert order.payment.intent_id != first_intent and order.payment.status == "succeeded"


def test_card_setup_gives_a_client_secret_for_a_pending_order_only(app):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    secret = market_payments.start_card_setup(buyer, order.id)
    assert secret.startswith("seti_") and "_secret_" in secret
    market_payments.pay(buyer, order.id, "pm_card_visa")
    with pytest.raises(Conflict):
        market_payments.start_card_setup(buyer, order.id)
    with pytest.raises(NotFound):
        market_payments.start_card_setup(make_buyer(), order.id)


def test_another_buyers_order_is_not_found(app):
    (pack,) = list_packs(1)
    buyer, order = _paid_order([pack])
    other = make_buyer()
    with pytest.raises(NotFound):
        market_orders.get_order(other, order.id)
    with pytest.raises(NotFound):
        market_payments.pay(other, order.id, "pm_card_visa")
    assert market_orders.get_order(make_admin(), order.id).id == order.id


def test_refund_a_line_then_the_rest_never_more_than_paid(app):
    admin = make_admin()
    packs = list_packs(2, price_fen=500_000)
    buyer, order = _paid_order(packs)
    line = order.lines[0]
    with pytest.raises(Invalid) as caught:
        market_refunds.refund(admin, order.id, line_id=line.id, amount_fen=500_001)
    assert caught.value.field == "amount" and "5,000.00" in str(caught.value.message)
    market_refunds.refund(admin, order.id, line_id=line.id, amount_fen=200_000, reason="dent")
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.PAID and order.refunded_fen == 200_000
    with pytest.raises(Invalid):  # 800,000 left; localstripe would allow more, we do not
        market_refunds.refund(admin, order.id, amount_fen=800_001)
    market_refunds.refund(admin, order.id, reason="cancelled by buyer")
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == 1_000_000
    assert [li.refunded_fen for li in order.lines] == [500_000, 500_000]
    assert all(r.stripe_refund_id.startswith("re_") for r in order.refunds)
    with pytest.raises(Conflict):
        market_refunds.refund(admin, order.id, amount_fen=1)
    # the stock comes back only with the pack itself
    assert _state(packs[0]) is PackState.SOLD
    market_orders.mark_returned(admin, order.lines[0].id)
    assert _state(packs[0]) is PackState.FINISHED and packs[0].events[-1].kind == "returned"
    with pytest.raises(Conflict):
        market_orders.mark_returned(admin, order.lines[0].id)


def test_a_paid_pack_comes_back_only_once_the_buyer_has_it_or_its_price_is_refunded(app):
    admin = make_admin()
    packs = list_packs(2, price_fen=500_000)
    buyer, order = _paid_order(packs)
    line = order.lines[0]
    for step in ("paid", "packed"):  # still at the park, still owed to the buyer
        with pytest.raises(Conflict) as refused:
            market_orders.mark_returned(admin, line.id)
        with force_locale("zh_CN"):
            said = str(refused.value.message)
        assert packs[0].code in said and "全额退款" in said and not untranslated(said), step
        with force_locale("en"):
            said = str(refused.value.message)
        assert f"(Order #{order.id} is {step})" in said, said  # its status in words
        assert _state(packs[0]) is PackState.SOLD and packs[0].buyer_id == buyer.organisation_id
        if step == "paid":
            market_orders.advance(admin, order.id)
    market_refunds.refund(admin, order.id, line_id=line.id, amount_fen=1)  # not the whole price
    with pytest.raises(Conflict):
        market_orders.mark_returned(admin, line.id)
    with pytest.raises(Conflict):
        market_orders.returnable_line(admin, line.id)
    market_orders.advance(admin, order.id)  # shipped: the buyer has it
    market_orders.mark_returned(admin, line.id)
    assert _state(packs[0]) is PackState.FINISHED and packs[0].events[-1].kind == "returned"
    # delivered, then refunded in full: the buyer had the packs, so the other comes back too
    market_orders.advance(admin, order.id)
    market_refunds.refund(admin, order.id)
    assert db.session.get(Order, order.id).status is OrderStatus.REFUNDED
    market_orders.mark_returned(admin, order.lines[1].id)
    assert _state(packs[1]) is PackState.FINISHED


def test_refunds_and_fulfilment_are_for_admins_and_paid_orders(app):
    admin = make_admin()
    (pack,) = list_packs(1)
    buyer = make_buyer()
    pending = checkout.checkout(buyer, [{"pack_id": pack.id}])
    with pytest.raises(Conflict) as unpaid:
        market_refunds.refund(admin, pending.id)
    with force_locale("en"):
        assert str(unpaid.value.message) == (
            f"Order #{pending.id} is still awaiting payment; only a paid order can be refunded."
        )
    with pytest.raises(Forbidden):
        market_refunds.refund(buyer, pending.id)
    market_payments.pay(buyer, pending.id, "pm_card_visa")
    steps = [market_orders.advance(admin, pending.id).status for _ in range(3)]
    assert steps == [OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED]
    with pytest.raises(Conflict) as done:
        market_orders.advance(admin, pending.id)
    with force_locale("zh_CN"):
        said = str(done.value.message)
    assert "已送达" in said and "delivered" not in said  # the state in words, not its code
    with force_locale("en"):
        assert (
            str(done.value.message)
            == f"Order #{pending.id} has been delivered: nothing to do next."
        )
