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

import logging

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.services.market import payments as market_payments
from tests.market.test_order_letters import mails_to
from tests.market.test_refund_dates import _charge
from tests.market.test_refund_status import _refund_object
from tests.market.test_webhooks import _order, _reload, at_stripe, event, post
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


def _failed_once(client, caplog, locale, status, *, setting=PHONE):
    client.application.config["SELLER_PHONE"] = setting
    buyer, order, charge = _dashboard_refunds(locale, "pending")
    post(client, event(f"evt_hn_booked_{status}", "charge.refunded", charge))
    refund_id = _reload(order).refunds[0].stripe_refund_id
    before = len(mails_to(buyer))
    failed = _refund_object(refund_id, status, amount=2000, failure_reason="lost_or_stolen_card")
    with caplog.at_level(logging.WARNING):
        first = post(client, event(f"evt_hn_{status}", "charge.refund.updated", failed))
        # the same news again: redelivered, and in Stripe's other refund events
        post(client, event(f"evt_hn_{status}", "charge.refund.updated", failed))
        again = post(client, event(f"evt_hn_{status}_2", "refund.failed", failed))
        post(client, event(f"evt_hn_{status}_3", "refund.updated", failed))
    assert first.json["outcome"] == "refund_failed" and again.json["outcome"] == "no_change"
    letters = mails_to(buyer)[before:]
    assert len(letters) == 1, [m.subject for m in letters]
    warnings = [r for r in caplog.records if refund_id in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    return letters[0]


def test_a_failed_refund_is_one_letter_in_chinese_with_the_parks_phone(client, caplog):
    letter = _failed_once(client, caplog, None, "failed")
    assert "退款未能完成" in letter.subject and money(2000) in letter.subject
    assert "产业园会联系您" in letter.body and PHONE in letter.body
    assert untranslated(letter.body) == []


def test_a_canceled_refund_is_one_letter_in_english_with_the_parks_phone(client, caplog):
    letter = _failed_once(client, caplog, "en", "canceled")
    assert "did not go through" in letter.subject
    assert "The park will contact you" in letter.body and PHONE in letter.body


def test_without_the_setting_the_letter_gives_the_phone_the_park_saved(client, caplog):
    """SELLER_PHONE unset (as in the demo): the phone the park saved with its company
    details, as its invoices show (the letter said only 'contact the park')."""
    from lithloop.models import InvoiceDetails, OrgKind
    from tests.factories import make_org

    park = make_org(OrgKind.PARK_OPERATOR)
    db.session.add(
        InvoiceDetails(organisation=park, company_name="园区", taxpayer_id="", phone="0453-6100777")
    )
    db.session.commit()
    letter = _failed_once(client, caplog, "en", "failed", setting="")
    assert "Questions: call the park on 0453-6100777." in letter.body


def test_a_refund_stripe_answers_failed_at_once_is_told_as_not_gone_through(client):
    """Stripe may answer a refund's creation with `failed`: booked as such, its letter is
    the one saying it did not go through, not one saying it was asked for."""
    from lithloop.services.market.refunds import record_refund

    buyer, order, _charge_ = _dashboard_refunds(None)
    made = _refund_object("re_failed_at_once", "failed", amount=2000)
    before = len(mails_to(buyer))
    record_refund(
        _reload(order),
        made["amount"],
        None,
        by=None,
        reason="",
        stripe_refund_id=made["id"],
        status=made["status"],
    )
    db.session.commit()
    (letter,) = mails_to(buyer)[before:]
    assert "退款未能完成" in letter.subject and "产业园会联系您" in letter.body
