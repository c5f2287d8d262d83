"""A pack put in the cart by itself (from its own page) is ordered at the price the cart
showed, or not at all: its price may change between the cart page and the order (a new
price index reprices every pack on sale), and the buyer would be charged a price never
shown. (Lines of a group are keyed by their price: test_cart_repriced.py.)"""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import Order
from lithloop.services.market import cart as market_cart
from tests.conftest import Auth, submit
from tests.market.support import list_packs, make_buyer


def _checkout_fields(page: str) -> dict:
    """The hidden fields of the cart's order form, as the browser sends them."""
    form = page[page.index('action="/market/checkout"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _orders(buyer) -> list[Order]:
    return list(db.session.scalars(sa.select(Order).where(Order.user_id == buyer.id)))


def test_a_pack_repriced_after_the_cart_was_shown_is_not_ordered_at_the_new_price(client):
    buyer = make_buyer()
    client.get("/lang/en")
    Auth(client).login(buyer.email)
    (pack,) = list_packs(1, price_fen=1_200_000)
    market_cart.save(buyer, [pack.id], {})
    page = client.get("/market/cart").get_data(as_text=True)
    assert money(1_200_000) in page
    fields = _checkout_fields(page)
    pack.price_fen = 1_350_000  # a new index while the buyer looks at the cart
    db.session.commit()
    answer = submit(client, "/market/checkout", {**fields, "delivery_kind": "pickup"})
    assert _orders(buyer) == []  # nothing reserved, nothing to charge at a price not shown
    assert answer.status_code == 409
    said = answer.get_data(as_text=True)
    assert money(1_200_000) in said and money(1_350_000) in said, said[:3000]
    again = submit(  # the cart page now shows the new price: ordering from it orders
        client,
        "/market/checkout",
        {**_checkout_fields(said), "delivery_kind": "pickup"},
    )
    assert again.status_code == 302, again.data[:400]
    (order,) = _orders(buyer)
    assert [line.price_fen for line in order.lines] == [1_350_000]
