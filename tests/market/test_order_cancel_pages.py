"""Cancelling an unpaid order from its page (asked first, refusals told) and the API, and the
payment page of an order whose reservation ended before the sweep released it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
from tests.conftest import Auth, api_headers, submit
from tests.market.support import list_packs, main_text, make_buyer


@pytest.fixture
def backend():
    """SQLite only: the words and answers are the same whatever database holds the data."""
    return "sqlite"


@pytest.fixture
def ordered(app):
    """A buyer and their order of one pack, awaiting payment."""
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    return buyer, order.id, pack.id


def _state(order_id: int, pack_id: int):
    db.session.expire_all()
    from lithloop.models import Pack

    return db.session.get(Order, order_id).status, db.session.get(Pack, pack_id).state


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "zh_CN",
            ("取消订单", "取消订单 #{id}？", "是，取消订单", "不，保留订单", "买家已取消订单"),
        ),
        (
            "en",
            (
                "Cancel order",
                "Cancel order #{id}?",
                "Yes, cancel the order",
                "No, keep the order",
                "The buyer cancelled the order",
            ),
        ),
    ],
)
def test_the_buyer_cancels_from_the_order_page_after_being_asked(client, ordered, lang, words):
    button, question, yes, no, reason = words
    buyer, order_id, pack_id = ordered
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    url = f"/market/orders/{order_id}"
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/cancel"' in page and button in main_text(page)
    asked = submit(client, f"{url}/cancel", {}, page=url)
    assert asked.status_code == 200
    text = main_text(asked.get_data(as_text=True))
    assert question.format(id=order_id) in text and yes in text and no in text
    assert buyer.email in text  # where the confirmation is mailed
    assert _state(order_id, pack_id) == (OrderStatus.PENDING_PAYMENT, PackState.RESERVED)
    done = submit(client, f"{url}/cancel", {"confirmed": "1"}, page=url)
    assert done.status_code == 302 and done.headers["Location"].endswith(url)
    assert _state(order_id, pack_id) == (OrderStatus.CANCELLED, PackState.FINISHED)
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/cancel"' not in page  # nothing left to cancel
    assert reason in main_text(page)
    if lang == "zh_CN":
        assert f"订单 #{order_id} 已取消：电池包已重新上架" in main_text(page)  # the flash
        assert "cancel" not in main_text(page).lower()


def test_a_paid_order_shows_no_button_and_a_late_post_is_told_in_words(client, ordered):
    buyer, order_id, _pack_id = ordered
    url = f"/market/orders/{order_id}"
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    page = client.get(url).get_data(as_text=True)  # the button, and the form's token
    assert f'action="{url}/cancel"' in page
    market_payments.pay(buyer, order_id, "pm_card_visa")
    assert f'action="{url}/cancel"' not in client.get(url).get_data(as_text=True)
    late = submit(client, f"{url}/cancel", {"confirmed": "1"}, page=url, follow_redirects=True)
    text = main_text(late.get_data(as_text=True))
    assert f"订单 #{order_id} 已付款，已无法取消。如需退款，请联系产业园。" in text
    db.session.expire_all()
    assert db.session.get(Order, order_id).status is OrderStatus.PAID


def test_a_payment_under_way_hides_the_button_and_refuses_the_question(client, ordered):
    buyer, order_id, pack_id = ordered
    order = db.session.get(Order, order_id)
    order.payment.status, order.payment.updated_at = "confirming", clock.now()
    db.session.commit()
    url = f"/market/orders/{order_id}"
    Auth(client).login(buyer.email)
    assert f'action="{url}/cancel"' not in client.get(url).get_data(as_text=True)
    asked = submit(client, f"{url}/cancel", {}, page=url, follow_redirects=True)
    assert "付款正在处理中" in main_text(asked.get_data(as_text=True))
    assert _state(order_id, pack_id) == (OrderStatus.PENDING_PAYMENT, PackState.RESERVED)


def test_another_buyer_gets_404_on_the_page(client, ordered):
    _buyer, order_id, pack_id = ordered
    Auth(client).login(make_buyer().email)
    answer = submit(client, f"/market/orders/{order_id}/cancel", {"confirmed": "1"}, page="/")
    assert answer.status_code == 404
    assert _state(order_id, pack_id) == (OrderStatus.PENDING_PAYMENT, PackState.RESERVED)


def test_the_api_cancels_once_and_hides_other_buyers_orders(client, ordered):
    buyer, order_id, pack_id = ordered
    url = f"/api/v1/orders/{order_id}/cancel"
    foreign = client.post(url, headers=api_headers(client, make_buyer()))
    assert foreign.status_code == 404
    assert _state(order_id, pack_id) == (OrderStatus.PENDING_PAYMENT, PackState.RESERVED)
    headers = api_headers(client, buyer)
    done = client.post(url, headers=headers)
    assert done.status_code == 200, done.json
    assert done.json["id"] == order_id and done.json["status"] == "cancelled"
    assert _state(order_id, pack_id) == (OrderStatus.CANCELLED, PackState.FINISHED)
    again = client.post(url, headers=headers)
    assert again.status_code == 409 and again.json["error"] == "not_cancellable"
    assert again.json["message"] == f"订单 #{order_id} 已取消，已没有可取消的内容。"
    assert client.post(url).status_code == 401


def test_the_api_refuses_while_stripe_takes_the_payment(client, ordered):
    buyer, order_id, pack_id = ordered
    order = db.session.get(Order, order_id)
    order.payment.status, order.payment.updated_at = "processing", clock.now()
    db.session.commit()
    answer = client.post(f"/api/v1/orders/{order_id}/cancel", headers=api_headers(client, buyer))
    assert answer.status_code == 409 and answer.json["error"] == "payment_under_way"
    assert _state(order_id, pack_id) == (OrderStatus.PENDING_PAYMENT, PackState.RESERVED)


def test_the_api_document_describes_the_cancel(client):
    operation = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/orders/{order_id}/cancel"]
    answers = operation["post"]["responses"]
    assert {"200", "401", "404", "409"} <= set(answers)
    assert "payment_under_way" in answers["409"]["description"]
    assert "mailed a confirmation" in operation["post"]["summary"]  # as it now is


@pytest.mark.parametrize(
    ("lang", "ended", "kept"),
    [
        ("zh_CN", "您的预留已于", "为您保留至"),
        ("en", "Your reservation ended at", "Reserved for you until"),
    ],
)
def test_the_pay_page_of_an_ended_reservation_says_so_and_offers_no_card(
    client, ordered, lang, ended, kept
):
    buyer, order_id, pack_id = ordered
    order = db.session.get(Order, order_id)
    order.reserved_until = clock.now() - timedelta(minutes=5)
    db.session.commit()
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    page = client.get(f"/market/orders/{order_id}/pay").get_data(as_text=True)
    assert ended in main_text(page) and kept not in main_text(page)
    assert 'id="pay-form"' not in page and "card-element" not in page
    # a GET writes nothing: the order stays as it was until the sweep (or a try to pay)
    assert _state(order_id, pack_id) == (OrderStatus.PENDING_PAYMENT, PackState.RESERVED)


def test_the_pay_page_of_a_running_reservation_still_offers_the_card(client, ordered):
    buyer, order_id, _pack_id = ordered
    Auth(client).login(buyer.email)
    page = client.get(f"/market/orders/{order_id}/pay").get_data(as_text=True)
    assert "为您保留至" in main_text(page) and "您的预留已于" not in main_text(page)
    assert 'id="pay-form"' in page


def test_the_pay_page_lists_the_test_cards_only_while_there_is_something_to_pay(client, ordered):
    # Walk finding: a cancelled (or paid) order's pay page still listed the test cards to
    # type, with no card field to type them in.
    buyer, order_id, _pack_id = ordered
    Auth(client).login(buyer.email)
    assert "4242 4242 4242 4242" in client.get(f"/market/orders/{order_id}/pay").text
    submit(client, f"/market/orders/{order_id}/cancel", {"confirmed": "1"})
    page = client.get(f"/market/orders/{order_id}/pay").get_data(as_text=True)
    assert "已取消" in main_text(page) and 'id="pay-form"' not in page
    assert "4242 4242 4242 4242" not in page


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh_CN", ("正在进行中", "一分钟后打开订单", "请勿再次付款")), ("en", ("Do not pay again",))],
)
def test_paying_while_a_payment_is_under_way_says_what_to_do(client, ordered, lang, words):
    # Walk finding: a second Pay (another window, a second click) was told only "a payment
    # of this order is already under way", above the card form, as if to pay again.
    buyer, order_id, _pack_id = ordered
    order = db.session.get(Order, order_id)
    order.payment.status, order.payment.updated_at = "confirming", clock.now()
    db.session.commit()
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    answer = submit(client, f"/market/orders/{order_id}/pay", {"method": "pm_card_visa"})
    assert answer.status_code == 409
    refused = main_text(answer.get_data(as_text=True))
    assert f"#{order_id}" in refused and all(w in refused for w in words), refused


def test_the_order_page_says_until_when_the_packs_are_reserved_and_when_that_ended(client, ordered):
    # Walk finding: a buyer back on an unpaid order's page saw "Pay" and "Cancel order" but
    # not how long the packs were held (only the pay page said it).
    buyer, order_id, _pack_id = ordered
    order = db.session.get(Order, order_id)
    Auth(client).login(buyer.email)
    page = main_text(client.get(f"/market/orders/{order_id}").get_data(as_text=True))
    assert "为您保留至" in page and "您的预留已于" not in page
    order.reserved_until = clock.now() - timedelta(minutes=5)
    db.session.commit()
    page = main_text(client.get(f"/market/orders/{order_id}").get_data(as_text=True))
    assert "您的预留已于" in page and "为您保留至" not in page
