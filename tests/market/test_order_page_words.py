"""The buyer's order page in Chinese: its lines name the packs as the catalogue does."""

from __future__ import annotations

import re

import pytest

from lithloop.extensions import db
from lithloop.models import Order
from lithloop.services.market import checkout
from lithloop.services.market import payments as market_payments
from tests.conftest import Auth
from tests.market.support import list_packs, make_buyer


@pytest.fixture
def backend():
    """SQLite only: page words are the same whatever database holds the data."""
    return "sqlite"


def _text(page: str) -> str:
    """The page's main text, without tags."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


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
    text = _text(client.get(f"/market/orders/{order.id}").get_data(as_text=True))
    assert expected in text, text
