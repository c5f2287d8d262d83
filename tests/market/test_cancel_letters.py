"""An unpaid order cancelled from its page or the API: the buyer who placed it is mailed
once the cancel commits (which order, who cancelled it, that nothing was charged, the packs
released), in their language; a refused cancel mails nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lithloop import clock
from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import Role
from lithloop.public_urls import base_url
from lithloop.services.errors import Conflict
from lithloop.services.market import order_cancel
from lithloop.services.market import payments as market_payments
from tests.factories import make_user
from tests.market.support import make_admin
from tests.market.test_order_letters import _order, mails_to
from tests.plain_language import untranslated


def test_the_buyer_is_mailed_their_cancel_in_chinese_with_the_packs_released(app):
    buyer, packs, order = _order(2)
    order_cancel.cancel(buyer, order.id)
    (mail,) = mails_to(buyer)
    assert mail.subject == f"[lithloop] 订单 #{order.id} 已取消"
    assert mail.body.startswith(
        f"订单 #{order.id}（¥24,690.00）已由{buyer.name}在付款前取消。未扣任何款项。\n"
    )
    assert "已释放，重新上架" in mail.body
    for pack in packs:
        assert f"- {pack.code}：磷酸铁锂 LFP，A 级，51.2 kWh，¥12,345.00\n" in mail.body
    assert f"{base_url(app)}/market/\n" in mail.body
    assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body


def test_a_colleagues_cancel_is_mailed_in_english_to_the_buyer_who_ordered(app):
    buyer, packs, order = _order(1, locale="en")
    colleague = make_user(buyer.organisation, role=Role.BUYER)
    order_cancel.cancel(colleague, order.id)
    (mail,) = mails_to(buyer)
    assert mail.subject == f"[lithloop] Order #{order.id} cancelled"
    assert mail.body.startswith(
        f"Order #{order.id} (¥12,345.00) was cancelled by {colleague.name} before it was "
        "paid. Nothing was charged.\n"
    )
    assert f"- {packs[0].code}: " in mail.body and "released and back on sale" in mail.body
    assert mails_to(colleague) == []


def test_an_admins_cancel_tells_the_buyer_the_park_cancelled_it(app):
    buyer, _packs, order = _order(1, locale="en")
    order_cancel.cancel(make_admin(), order.id)
    (mail,) = mails_to(buyer)
    assert "was cancelled: the park cancelled it before it was paid. Nothing was" in mail.body


def test_a_stale_confirmation_cancelled_does_not_say_nothing_was_charged(app):
    buyer, _packs, order = _order(1, locale="en")
    order.payment.status = "confirming"
    order.payment.updated_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    order_cancel.cancel(buyer, order.id)
    (mail,) = mails_to(buyer)
    assert "Nothing was charged" not in mail.body
    assert "refunded in full" in mail.body


def test_a_refused_cancel_mails_nothing_more(app):
    buyer, _packs, order = _order(1)
    market_payments.pay(buyer, order.id, "pm_card_visa")
    before = len(mails_to(buyer))  # the payment's confirmation
    with pytest.raises(Conflict):
        order_cancel.cancel(buyer, order.id)
    assert len(mails_to(buyer)) == before


def test_a_cancelled_delivery_order_lists_its_fee_in_chinese(app):
    delivery = {"kind": "address", "city": "海林市", "address": "A 1", "phone": "13904531234"}
    buyer, _packs, order = _order(2, delivery=delivery)
    order_cancel.cancel(buyer, order.id)
    (mail,) = mails_to(buyer)
    assert f"- 运费：{money(order.delivery_fee_fen)}\n" in mail.body
    assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body
