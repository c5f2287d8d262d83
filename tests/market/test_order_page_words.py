"""The buyer's order page in Chinese: its lines name the packs as the catalogue does, and a
declined payment is told by its status, never by Stripe's English message (which stays for
the administrators, who see it on the same page)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lithloop.extensions import db
from lithloop.models import Order
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
from lithloop.web.payment_text import payment_status
from tests.conftest import Auth
from tests.market.support import list_packs, main_text, make_admin, make_buyer


@pytest.fixture
def backend():
    """SQLite only: page words are the same whatever database holds the data."""
    return "sqlite"


@pytest.fixture
def declined_order(app):
    """A buyer's order of one LFP grade A pack whose card was declined."""
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    with pytest.raises(market_payments.PaymentFailed):
        market_payments.pay(buyer, order.id, "pm_card_chargeCustomerFail")
    order = db.session.get(Order, order.id)
    assert order.payment.last_error  # Stripe's English, kept for support
    return buyer, order


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh_CN", "磷酸铁锂 LFP · 等级 A · 51.2 kWh"), ("en", "LFP · Grade A · 51.2")],
)
def test_the_order_lines_name_the_packs_as_the_catalogue(client, declined_order, lang, expected):
    buyer, order = declined_order
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    text = main_text(client.get(f"/market/orders/{order.id}").get_data(as_text=True))
    assert expected in text, text


def test_a_declined_payment_is_told_in_chinese_not_in_stripes_english(client, declined_order):
    buyer, order = declined_order
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    text = main_text(client.get(f"/market/orders/{order.id}").get_data(as_text=True))
    assert order.payment.last_error not in text and "declined" not in text, text
    assert "付款：发卡行拒绝了这张卡" in text  # the payment's status, in words


def test_the_admin_still_sees_stripes_message(app, client, declined_order):
    _buyer, order = declined_order
    client.get("/lang/en")
    Auth(client).login(make_admin().email)
    text = main_text(client.get(f"/market/orders/{order.id}").get_data(as_text=True))
    assert order.payment.last_error in text


@pytest.mark.parametrize("status", ["confirming", "declined"])
def test_the_parks_own_payment_states_have_words(app, status):
    with app.test_request_context(), force_locale("zh"):
        assert not payment_status(status).isascii()


def test_a_refund_the_platform_made_is_told_in_words_and_a_persons_note_as_typed(
    client, declined_order
):
    from lithloop.models import Refund
    from lithloop.services.market.order_letters import AT_STRIPE

    buyer, order = declined_order
    db.session.add_all(
        [
            Refund(order_id=order.id, amount_fen=100, reason=AT_STRIPE),
            Refund(order_id=order.id, amount_fen=200, reason="外包装破损，部分退款"),
        ]
    )
    db.session.commit()
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    text = main_text(client.get(f"/market/orders/{order.id}").get_data(as_text=True))
    assert "已在支付服务处退款" in text and AT_STRIPE not in text, text
    assert "外包装破损，部分退款" in text


def test_an_order_picked_up_at_the_park_is_collected_not_shipped(client, declined_order):
    from lithloop.models import OrderStatus

    buyer, order = declined_order
    assert order.delivery_kind == "pickup"
    order.status = OrderStatus.SHIPPED
    db.session.commit()
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    text = main_text(client.get(f"/market/orders/{order.id}").get_data(as_text=True))
    assert "已在产业园提货" in text and "已发货" not in text, text
    listed = main_text(client.get("/market/orders").get_data(as_text=True))
    rows = listed.split("发票单", 1)[1]  # the table's rows (the status filter lists every one)
    assert "已在产业园提货" in rows and "已发货" not in rows
    Auth(client).logout()
    Auth(client).login(make_admin().email)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert "下一步：已完成" in page


def test_the_payment_line_tells_a_partial_then_a_full_refund(app, client):
    """Stripe's intent stays "succeeded" after a refund: the line says what came back."""
    from lithloop.services.market import refunds as market_refunds

    buyer = make_buyer()
    (pack,) = list_packs(1, price_fen=100_000)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    market_payments.pay(buyer, order.id, "pm_card_visa")
    admin = make_admin()
    market_refunds.refund(admin, order.id, amount_fen=25_000)
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    # the amount in the money macro, which keeps it on one line
    assert '付款：已部分退款（<span class="money">¥250.00</span>）' in page, page
    # made without a reason: the refund's line leaves the reason out, no empty " ·  · "
    assert f"¥250.00 · {admin.name}</li>" in page, page
    market_refunds.refund(admin, order.id)  # the rest
    text = main_text(client.get(f"/market/orders/{order.id}").get_data(as_text=True))
    assert "付款：已全额退款" in text and "付款：已付款" not in text, text
    Auth(client).logout()
    client.get("/lang/en")
    Auth(client).login(admin.email)
    text = main_text(client.get(f"/market/orders/{order.id}").get_data(as_text=True))
    assert "Payment: refunded in full" in text and "Payment: paid" not in text, text
