"""A refund mail says why: an administrator's note as typed (labelled as theirs), or the
platform's own reason in the buyer's words, never its internal English."""

from __future__ import annotations

from lithloop.services.market import payments as market_payments
from lithloop.services.market import refunds as market_refunds
from lithloop.services.market.release import release
from tests.market.support import make_admin
from tests.market.test_order_letters import _order, _refund_mails
from tests.market.test_webhooks import confirm_at_stripe, event, intent_event, post
from tests.plain_language import untranslated


def _paid(locale=None):
    buyer, packs, order = _order(1, locale=locale)
    return buyer, market_payments.pay(buyer, order.id, "pm_card_visa")


def test_an_administrators_note_is_quoted_as_typed_under_a_label(app):
    buyer, order = _paid()
    market_refunds.refund(
        make_admin(), order.id, amount_fen=100_00, reason=" 外壳磕碰，按约定退款 "
    )
    (mail,) = _refund_mails(buyer)
    assert (
        "已退回付款所用的银行卡（银行入账可能需要几天）。\n办理退款的管理员留言：外壳磕碰，按约定退款\n\n"
        in (mail.body)
    )
    assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body
    english_buyer, english = _paid("en")
    market_refunds.refund(make_admin(), english.id, amount_fen=100_00, reason="Dented casing")
    (mail,) = _refund_mails(english_buyer)
    assert "\nNote from the administrator who made the refund: Dented casing\n\n" in mail.body


def test_a_refund_without_a_note_gives_no_reason_line(app):
    buyer, order = _paid()
    market_refunds.refund(make_admin(), order.id, amount_fen=100_00)
    (mail,) = _refund_mails(buyer)
    assert "管理员留言" not in mail.body and "原因" not in mail.body


def test_the_platforms_own_refunds_give_their_reason_in_words(client):
    buyer, order = _paid()
    charge = {
        "id": "ch_why",
        "object": "charge",
        "payment_intent": order.payment.intent_id,
        "amount": order.total_fen,
        "amount_refunded": 100_00,
    }
    assert post(client, event("evt_refund_why", "charge.refunded", charge)).status_code == 200
    (mail,) = _refund_mails(buyer)
    assert "\n原因：退款直接在支付服务处办理。\n" in mail.body and "Stripe" not in mail.body
    assert untranslated(mail.body) == [], mail.body

    late_buyer, packs, late = _order(1, locale="en")
    release(late.id, "reservation expired")
    confirm_at_stripe(late)
    assert (
        post(client, intent_event("evt_late_why", "payment_intent.succeeded", late)).status_code
        == 200
    )
    (mail,) = _refund_mails(late_buyer)
    assert (
        "\nWhy: the payment arrived after the order had been cancelled, so all of it is given "
        "back.\n" in mail.body
    )
    assert "refunded in full" not in mail.body


def test_a_line_refund_names_its_pack_in_the_pages_brackets(client, auth):
    """The order page's refund list put the pack's code in ASCII brackets on Chinese pages
    ("¥100.00 (LLPP…)"), beside Chinese text written with full-width ones."""
    buyer, order = _paid()
    line = order.lines[0]
    market_refunds.refund(make_admin(), order.id, line_id=line.id, amount_fen=100_00)
    auth.login(buyer.email)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    refunds = page.split("</h2><ul>", 1)[1].split("</ul>", 1)[0]
    assert f"\uff08{line.pack.code}\uff09" in refunds, refunds
    client.get("/lang/en")
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert f" ({line.pack.code})" in page
