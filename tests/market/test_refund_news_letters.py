"""A refund's letter says one honest thing. A pending refund (Stripe has not finished it)
was announced as "refunded to the card" with a note that the payment service was still
processing it: both at once. Now it says the refund was asked for and when the bank usually
shows it; a succeeded one keeps the usual text. A refund that failed or was canceled at
Stripe changed only the order's page: now the buyer gets one letter (once, however many
events say it) saying it did not go through and that the park will contact them, with the
park's phone, and administrators a warning in the log.

localstripe makes every refund `succeeded`, so pending and failed refunds are Stripe-shaped
objects built by the SDK (`stripe.Refund.construct_from`), sent as signed webhooks."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.services.market import payments as market_payments
from tests.market.test_order_letters import mails_to
from tests.market.test_refund_dates import _charge
from tests.market.test_webhooks import _order, at_stripe, event, post
from tests.plain_language import untranslated

PHONE = "0453-6123456"


def _dashboard_refunds(locale: str | None, *statuses: str):
    """A paid order (its buyer in `locale`) with one dashboard refund of 2000 fen per status,
    listed in the charge with those statuses."""
    buyer, _packs, order = _order()
    buyer.locale = locale
    db.session.commit()
    market_payments.pay(buyer, order.id, "pm_card_visa")
    for n, _status in enumerate(statuses):
        at_stripe().refund(order.payment.intent_id, 2000, idempotency_key=f"hn-{order.id}-{n}")
    charge = _charge(order.payment.intent_id)
    for made, status in zip(
        sorted(charge["refunds"]["data"], key=lambda r: r["id"]), statuses, strict=True
    ):
        made["status"] = status
    return buyer, order, charge


def _letter(client, buyer, charge, event_id: str):
    before = len(mails_to(buyer))
    assert post(client, event(event_id, "charge.refunded", charge)).json["outcome"] == "refunded"
    (letter,) = mails_to(buyer)[before:]
    return letter


def test_a_pending_refund_is_said_to_be_asked_for_not_returned_in_chinese(client):
    buyer, _order_, charge = _dashboard_refunds(None, "pending")
    letter = _letter(client, buyer, charge, "evt_hn_zh")
    assert "已申请退款" in letter.subject and money(2000) in letter.subject
    assert "5–10 个工作日" in letter.body
    assert "已退回" not in letter.body and "仍在处理" not in letter.body
    assert untranslated(letter.body) == []


def test_a_pending_refund_is_said_to_be_asked_for_not_returned_in_english(client):
    buyer, _order_, charge = _dashboard_refunds("en", "pending")
    letter = _letter(client, buyer, charge, "evt_hn_en")
    assert "refund of" in letter.subject and "requested" in letter.subject
    assert "We have asked the payment service" in letter.body
    assert "5-10 working days" in letter.body and "is refunded to the card" not in letter.body
    assert "still processing" not in letter.body


def test_a_succeeded_refund_keeps_the_usual_letter(client):
    buyer, _order_, charge = _dashboard_refunds("en", "succeeded")
    letter = _letter(client, buyer, charge, "evt_hn_ok")
    assert "is refunded to the card" in letter.body and "requested" not in letter.subject


def test_several_refunds_one_pending_are_one_letter_saying_they_are_asked_for(client):
    buyer, _order_, charge = _dashboard_refunds(None, "succeeded", "pending")
    letter = _letter(client, buyer, charge, "evt_hn_two")
    assert "已申请退款" in letter.subject and money(4000) in letter.subject
    assert "2 笔退款" in letter.body and "5–10 个工作日" in letter.body
    assert "已退回" not in letter.body
    assert untranslated(letter.body) == []
