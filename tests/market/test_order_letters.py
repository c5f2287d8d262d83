"""Buyers' mails about their orders: paid, payment failed, refunded, handed over; each once
per event whoever reports it, in the buyer's language, and only once its commit is done."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import OrderStatus, OutboxMessage, StripeEvent
from lithloop.public_urls import base_url
from lithloop.services.market import checkout
from lithloop.services.market import orders as market_orders
from lithloop.services.market import payments as market_payments
from lithloop.services.market import refunds as market_refunds
from lithloop.services.market.release import release
from tests.fake_smtp import FakeSMTP
from tests.market.support import list_packs, make_admin, make_buyer
from tests.market.test_webhooks import (
    _reload,
    at_stripe,
    confirm_at_stripe,
    event,
    intent_event,
    post,
)
from tests.plain_language import untranslated


def mails_to(user) -> list[OutboxMessage]:
    """The outbox messages to a user, oldest first."""
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _order(count: int = 2, locale: str | None = None, delivery=None):
    buyer = make_buyer()
    buyer.locale = locale
    db.session.commit()
    packs = list_packs(count, price_fen=1_234_500)
    return buyer, packs, checkout.checkout(buyer, [{"pack_id": p.id} for p in packs], delivery)


def test_a_paid_order_is_confirmed_once_in_chinese_though_the_webhook_and_the_page_both_report_it(
    app, client
):
    buyer, packs, order = _order()
    confirm_at_stripe(order)
    for event_id in ("evt_paid_a", "evt_paid_b"):  # Stripe's news twice, under two ids
        paid = post(client, intent_event(event_id, "payment_intent.succeeded", order))
        assert paid.status_code == 200
    market_payments.refresh(buyer, order.id)  # the buyer's return page asks as well
    assert _reload(order).status is OrderStatus.PAID
    (mail,) = mails_to(buyer)
    assert mail.subject == f"[lithloop] 订单 #{order.id} 已付款：{money(order.total_fen)}"
    assert money(order.total_fen) == "¥24,690.00"
    for pack in packs:
        assert f"- {pack.code}：磷酸铁锂 LFP，A 级，51.2 kWh，¥12,345.00\n" in mail.body
    assert "在产业园自提：免费" in mail.body
    # what to do at the park, as the order page says it (before: the day alone, no full stop)
    day = order.delivery_eta.isoformat()
    ready = f"{day} 起可提货。在门卫处报出订单 #{order.id}，并出示提货人身份证件。"
    assert ready in mail.body
    assert f"{base_url(app)}/market/orders/{order.id}\n" in mail.body
    assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body


def test_an_english_buyer_gets_the_confirmation_in_english_with_the_delivery(app):
    delivery = {"kind": "address", "city": "海林市", "address": "A 1", "phone": "13904531234"}
    buyer, packs, order = _order(1, locale="en", delivery=delivery)
    market_payments.pay(buyer, order.id, "pm_card_visa")
    (mail,) = mails_to(buyer)
    assert mail.subject == f"[lithloop] Order #{order.id} paid: {money(order.total_fen)}"
    assert mail.body.startswith(f"Thank you. Order #{order.id} is paid: ")
    line = f"- {packs[0].code}: LFP (lithium iron phosphate), grade A, 51.2 kWh, ¥12,345.00\n"
    assert line in mail.body
    fee = money(order.delivery_fee_fen)
    day = order.delivery_eta.isoformat()
    assert f"Delivery to A 1, Hailin: {fee}, expected on {day}." in mail.body  # with its city


def test_the_delivery_mails_name_the_city_of_the_address(app):
    """The street as typed ("林海路 8 号") is no address without the city chosen beside it."""
    delivery = {
        "kind": "address",
        "city": "海林市",
        "address": "林海路 8 号",
        "phone": "13904531234",
    }
    buyer, packs, order = _order(1, delivery=delivery)
    market_payments.pay(buyer, order.id, "pm_card_visa")
    admin = make_admin()
    market_orders.advance(admin, order.id)  # packed
    market_orders.advance(admin, order.id)  # shipped
    market_orders.advance(admin, order.id)  # delivered
    paid, shipped, delivered = (mail.body for mail in mails_to(buyer))
    assert "送货至 海林市林海路 8 号：运费" in paid, paid
    assert "已从产业园发出，送往 海林市林海路 8 号。" in shipped, shipped
    assert "已送达 海林市林海路 8 号。" in delivered, delivered
    typed_with_city = {**delivery, "address": "海林市林海路 8 号"}  # not named twice
    buyer, packs, order = _order(1, delivery=typed_with_city)
    market_payments.pay(buyer, order.id, "pm_card_visa")
    (mail,) = mails_to(buyer)
    assert "送货至 海林市林海路 8 号：运费" in mail.body, mail.body


def test_a_paid_order_whose_commit_fails_mails_nothing_and_its_retry_mails_once(app, client):
    buyer, packs, order = _order(1)
    confirm_at_stripe(order)

    def refuse(session):
        if any(isinstance(obj, StripeEvent) for obj in session.new):
            raise sa.exc.OperationalError("COMMIT", {}, Exception("the disk is full"))

    with FakeSMTP() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        payload = intent_event("evt_paid_once", "payment_intent.succeeded", order)
        sa.event.listen(sa.orm.Session, "before_commit", refuse)
        try:
            with pytest.raises(sa.exc.OperationalError):  # the test client re-raises the 500
                post(client, payload)
        finally:
            sa.event.remove(sa.orm.Session, "before_commit", refuse)
        assert server.messages == [] and mails_to(buyer) == []
        assert post(client, payload).json["outcome"] == "applied"  # Stripe tries again
        assert post(client, payload).json["outcome"] == "duplicate"
    assert [m["To"] for m in server.messages] == [buyer.email]
    (mail,) = mails_to(buyer)
    assert mail.sent_at is not None


def _failed(order, event_id: str) -> str:
    error = {"code": "payment_intent_authentication_failure", "message": "3DS failed"}
    return intent_event(event_id, "payment_intent.payment_failed", order, last_payment_error=error)


def test_a_payment_failing_after_the_buyer_left_is_mailed_once_in_their_language(client):
    for locale in (None, "en"):
        buyer, packs, order = _order(1, locale=locale)
        order = market_payments.pay(buyer, order.id, "4000002760003184")  # off to 3-D Secure
        assert order.payment.status == "requires_action"
        stripe = at_stripe()  # the buyer fails the check at the bank, lithloop not told
        stripe.test_authenticate(stripe.retrieve(order.payment.intent_id), success=False)
        for event_id in (f"evt_fail_{order.id}_a", f"evt_fail_{order.id}_b"):
            assert post(client, _failed(order, event_id)).status_code == 200
        order = _reload(order)
        assert order.status is OrderStatus.PENDING_PAYMENT
        (mail,) = mails_to(buyer)
        link = f"/market/orders/{order.id}\n"
        if locale is None:
            assert mail.subject == f"[lithloop] 订单 #{order.id}：付款未成功"
            assert "银行验证（3-D Secure）未通过。未扣任何款项" in mail.body and link in mail.body
            assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body
        else:
            assert mail.subject == f"[lithloop] Order #{order.id}: the payment did not go through"
            assert "the bank's confirmation (3-D Secure) failed. Nothing was charged." in mail.body


def test_a_decline_the_buyer_saw_on_the_page_is_not_mailed(client):
    buyer, packs, order = _order(1)
    with pytest.raises(market_payments.PaymentFailed):
        market_payments.pay(buyer, order.id, "pm_card_chargeCustomerFail")
    assert post(client, _failed(_reload(order), "evt_seen_fail")).status_code == 200
    assert mails_to(buyer) == []


def _refund_mails(buyer) -> list[OutboxMessage]:
    return [m for m in mails_to(buyer) if "退款" in m.subject or "refunded" in m.subject]


def test_a_refunded_line_is_mailed_once_with_its_pack_and_amount(client):
    buyer, packs, order = _order(2)
    order = market_payments.pay(buyer, order.id, "pm_card_visa")
    line = order.lines[1]
    market_refunds.refund(make_admin(), order.id, line_id=line.id, amount_fen=1_000_00)
    charge = {
        "id": "ch_r",
        "object": "charge",
        "payment_intent": order.payment.intent_id,
        "amount": order.total_fen,
        "amount_refunded": 1_000_00,
    }
    refunded = post(client, event("evt_refund_known", "charge.refunded", charge))  # Stripe's echo
    assert refunded.json["outcome"] == "no_change"
    (mail,) = _refund_mails(buyer)
    assert mail.subject == f"[lithloop] 订单 #{order.id}：已退款 ¥1,000.00"
    assert f"- {line.pack.code}：磷酸铁锂 LFP，A 级，51.2 kWh，¥1,000.00\n" in mail.body
    assert (
        packs[0].code not in mail.body and "累计已退款：¥1,000.00，订单总额 ¥24,690.00" in mail.body
    )
    assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body


def test_a_refund_made_at_stripe_is_mailed_in_english_once_per_amount(client):
    buyer, packs, order = _order(1, locale="en")
    order = market_payments.pay(buyer, order.id, "pm_card_visa")
    charge = {
        "id": "ch_s",
        "object": "charge",
        "payment_intent": order.payment.intent_id,
        "amount": order.total_fen,
        "amount_refunded": order.total_fen,
    }
    for event_id in ("evt_refund_a", "evt_refund_b"):
        assert post(client, event(event_id, "charge.refunded", charge)).status_code == 200
    assert _reload(order).status is OrderStatus.REFUNDED
    (mail,) = _refund_mails(buyer)
    assert mail.subject == f"[lithloop] Order #{order.id}: ¥12,345.00 refunded"
    line = f"- {packs[0].code}: LFP (lithium iron phosphate), grade A, 51.2 kWh, ¥12,345.00\n"
    assert line in mail.body
    assert "Refunded so far: ¥12,345.00 of ¥12,345.00." in mail.body


def test_a_payment_after_the_order_was_cancelled_is_refunded_and_mailed_once(client):
    buyer, packs, order = _order(1)
    release(order.id, "reservation expired")
    confirm_at_stripe(order)  # the buyer's bank took the money all the same
    for event_id in ("evt_late_a", "evt_late_b"):
        assert (
            post(client, intent_event(event_id, "payment_intent.succeeded", order)).status_code
            == 200
        )
    assert _reload(order).status is OrderStatus.REFUNDED
    (mail,) = mails_to(buyer)  # no confirmation: it was never paid for the buyer
    assert mail.subject == f"[lithloop] 订单 #{order.id}：已退款 ¥12,345.00"
    assert f"- {packs[0].code}：" in mail.body


def test_packs_handed_over_at_the_park_are_mailed_once(app):
    buyer, packs, order = _order(1)
    market_payments.pay(buyer, order.id, "pm_card_visa")
    admin = make_admin()
    for _ in range(3):  # packed, shipped (collected), delivered
        market_orders.advance(admin, order.id)
    subjects = [m.subject for m in mails_to(buyer)]
    assert subjects == [
        f"[lithloop] 订单 #{order.id} 已付款：¥12,345.00",
        f"[lithloop] 订单 #{order.id} 已交付",
    ]
    mail = mails_to(buyer)[-1]
    assert mail.body.startswith(f"订单 #{order.id} 已在产业园提货。\n\n- {packs[0].code}：")
    assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body
