"""Buyers' mails when the platform ends or finishes an order for them: a reservation run out
(the expiry sweep), a payment cancelled at Stripe, an order marked delivered by an
administrator; once per event, in the buyer's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lithloop import clock
from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import OrderStatus
from lithloop.payments.stripe_adapter import StripeGateway
from lithloop.public_urls import base_url
from lithloop.services.errors import Conflict
from lithloop.services.market import expiry
from lithloop.services.market import orders as market_orders
from lithloop.services.market import payments as market_payments
from tests.market.support import make_admin
from tests.market.test_deliveries import paid_delivery
from tests.market.test_order_letters import _order, mails_to
from tests.market.test_webhooks import _reload, at_stripe, intent_event, post
from tests.plain_language import untranslated


def _sweep_late() -> int:
    return expiry.sweep_expired(now=clock.now() + timedelta(hours=2))


def test_an_expired_reservation_is_mailed_once_in_chinese_with_the_packs_and_the_catalogue(app):
    buyer, packs, order = _order(2)
    assert _sweep_late() == 1 and _sweep_late() == 0  # a second sweep finds nothing to do
    assert _reload(order).status is OrderStatus.CANCELLED
    (mail,) = mails_to(buyer)
    assert mail.subject == f"[lithloop] 订单 #{order.id} 已取消：电池包已重新上架"
    assert mail.body.startswith(
        f"订单 #{order.id}（¥24,690.00）已取消：预留期限已过，订单仍未付款。未扣任何款项。\n"
    )
    for pack in packs:
        assert f"- {pack.code}：磷酸铁锂 LFP，A 级，51.2 kWh，¥12,345.00\n" in mail.body
    assert f"{base_url(app)}/market/\n" in mail.body
    assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body


def test_an_expired_reservation_is_mailed_in_english(app):
    buyer, packs, order = _order(1, locale="en")
    _sweep_late()
    (mail,) = mails_to(buyer)
    assert mail.subject == f"[lithloop] Order #{order.id} cancelled: its packs are back on sale"
    assert mail.body.startswith(
        f"Order #{order.id} (¥12,345.00) was cancelled: the reservation ran out before the "
        "order was paid. Nothing was charged.\n"
    )
    line = f"- {packs[0].code}: LFP (lithium iron phosphate), grade A, 51.2 kWh, ¥12,345.00\n"
    assert line in mail.body
    assert "add the packs you want to the cart from the catalogue" in mail.body


def test_an_expired_order_left_at_3d_secure_does_not_say_nothing_was_charged(app):
    buyer, packs, order = _order(1)
    order = market_payments.pay(buyer, order.id, "4000002760003184")  # off to 3-D Secure
    assert order.payment.status == "requires_action"
    _sweep_late()  # the check may have passed at the bank without lithloop being told
    (mail,) = mails_to(buyer)
    assert "如果银行仍扣了款，该款项将全额退还。" in mail.body and "未扣任何款项" not in mail.body


def test_a_payment_cancelled_at_stripe_is_mailed_once(client):
    for locale in (None, "en"):
        buyer, packs, order = _order(1, locale=locale)
        at_stripe().cancel(order.payment.intent_id)  # in Stripe's dashboard, say
        for event_id in (f"evt_cancel_{order.id}_a", f"evt_cancel_{order.id}_b"):
            payload = intent_event(event_id, "payment_intent.canceled", order)
            assert post(client, payload).status_code == 200
        assert _reload(order).status is OrderStatus.CANCELLED
        (mail,) = mails_to(buyer)
        if locale is None:
            assert "已取消：付款已在支付服务处取消。未扣任何款项。" in mail.body
            assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body
        else:
            assert "was cancelled: the payment was cancelled at the payment service." in mail.body


def test_the_sweeps_own_cancellation_reported_by_stripe_mails_nothing_more(client):
    buyer, packs, order = _order(1)
    _sweep_late()  # releases the order and cancels its PaymentIntent at Stripe
    payload = intent_event("evt_sweep_echo", "payment_intent.canceled", order)
    assert post(client, payload).status_code == 200
    assert len(mails_to(buyer)) == 1


def test_the_sweeps_cancel_of_a_stale_confirmation_is_recorded_when_stripe_reports_it(client):
    buyer, packs, order = _order(1)
    order.payment.status = "confirming"  # its answer never came
    order.payment.updated_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    _sweep_late()
    payload = intent_event("evt_stale_cancel", "payment_intent.canceled", order)
    assert post(client, payload).json["outcome"] == "no_change"
    assert _reload(order).payment.status == "canceled"  # not "being confirmed" any more


def test_an_order_an_administrator_marks_delivered_is_mailed_once(app):
    order = paid_delivery(status=OrderStatus.SHIPPED)
    admin = make_admin()
    market_orders.advance(admin, order.id)
    with pytest.raises(Conflict):  # delivered is the end: no second move, no second mail
        market_orders.advance(admin, order.id)
    (mail,) = mails_to(order.user)
    assert mail.subject == f"[lithloop] 订单 #{order.id} 已送达"
    assert mail.body.startswith(f"订单 #{order.id} 已送达 牡丹江市东安区江滨大道1号。\n")
    assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body
    english = paid_delivery(status=OrderStatus.SHIPPED)
    english.user.locale = "en"
    db.session.commit()
    market_orders.advance(admin, english.id)
    (mail,) = mails_to(english.user)
    assert mail.subject == f"[lithloop] Order #{english.id} delivered"
    address = english.delivery_address
    assert mail.body.startswith(f"Order #{english.id} was delivered to {address}.\n")


def test_the_cancelled_intent_of_a_declined_card_does_not_cancel_the_buyers_new_try(
    client, monkeypatch
):
    """Stripe reports the spent intent cancelled before the new one is stored: no effect."""
    buyer, packs, order = _order(1)
    with pytest.raises(market_payments.PaymentFailed):
        market_payments.pay(buyer, order.id, "pm_card_chargeCustomerFail")
    cancel, outcomes = StripeGateway.cancel, []

    def cancel_reported_at_once(gateway, intent_id):
        cancelled = cancel(gateway, intent_id)
        payload = intent_event("evt_spent_intent", "payment_intent.canceled", _reload(order))
        outcomes.append(post(client, payload).json["outcome"])
        return cancelled

    monkeypatch.setattr(StripeGateway, "cancel", cancel_reported_at_once)
    paid = market_payments.pay(buyer, order.id, "pm_card_visa")
    assert outcomes == ["stale"]
    assert paid.status is OrderStatus.PAID and paid.refunded_fen == 0
    assert [m.subject for m in mails_to(buyer)] == [
        f"[lithloop] 订单 #{order.id} 已付款：¥12,345.00"
    ]


def test_an_expired_delivery_order_lists_its_fee_so_the_lines_add_up_to_the_total(app):
    delivery = {"kind": "address", "city": "海林市", "address": "A 1", "phone": "13904531234"}
    buyer, packs, order = _order(1, locale="en", delivery=delivery)
    assert order.delivery_fee_fen > 0
    _sweep_late()
    (mail,) = mails_to(buyer)
    assert f"- Delivery fee: {money(order.delivery_fee_fen)}\n" in mail.body
    assert f"({money(packs[0].price_fen + order.delivery_fee_fen)})" in mail.body


def test_paying_after_the_reservation_expired_mails_as_the_sweep_and_cancels_the_intent(app):
    buyer, packs, order = _order(1)
    order.reserved_until = clock.now() - timedelta(seconds=1)  # before the sweep came by
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        market_payments.pay(buyer, order.id, "pm_card_visa")
    assert caught.value.code == "reservation_expired"
    assert _reload(order).status is OrderStatus.CANCELLED
    (mail,) = mails_to(buyer)  # the sweep's letter, once
    assert mail.subject == f"[lithloop] 订单 #{order.id} 已取消：电池包已重新上架"
    assert "预留期限已过，订单仍未付款。未扣任何款项。" in mail.body
    assert _sweep_late() == 0  # nothing left for the sweep to release or mail
    assert len(mails_to(buyer)) == 1
    # no wallet can charge it now (the webhook would have had to refund it in full)
    assert at_stripe().retrieve(order.payment.intent_id).status == "canceled"
