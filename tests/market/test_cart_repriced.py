"""A cart line whose packs a new price index repriced says so, with the price seen and the
price now, and the buyer updates it; nothing is ordered or charged at a price not shown.

Cart groups are keyed by price, so such a line used to read "no longer available" in the
cart and "no longer on sale" at checkout, though the same packs were on sale at a new price."""

from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from lithloop import clock, pricing
from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import Order
from lithloop.services.booking import price_versions
from lithloop.services.booking import prices as price_service
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog_groups, repricing
from tests.conftest import Auth, submit
from tests.market.support import list_packs, make_admin, make_buyer


def _priced_group(count: int) -> list:
    """`count` identical packs on sale, priced under the index in force."""
    price_service.ensure_default_index()
    packs = list_packs(count)
    index = price_service.current_index()
    for pack in packs:
        pack.price_fen = pricing.price_second_life(repricing._item(pack), index).price_fen
        pack.price_index_version = index.version
    db.session.commit()
    return packs


def _cheaper_index_today() -> None:
    index = price_service.current_index()
    price_versions.add_version(
        make_admin(),
        version="new-pack-less",
        effective_date=clock.today(),
        note="",
        prices={"new_pack.LFP": index.prices["new_pack.LFP"].value * Decimal("0.9")},
    )


def _buyer_with_a_repriced_line(client):
    buyer = make_buyer()
    client.get("/lang/en")
    Auth(client).login(buyer.email)
    packs = _priced_group(3)
    old_key, was = catalog_groups.group_id(packs[0]), packs[0].price_fen
    market_cart.save(buyer, [], {old_key: 2})
    _cheaper_index_today()
    db.session.refresh(packs[0])
    assert packs[0].price_fen < was  # the listing follows the new index
    return buyer, old_key, was, packs[0]


def _orders(buyer) -> list[Order]:
    return list(db.session.scalars(sa.select(Order).where(Order.user_id == buyer.id)))


def test_checkout_says_the_line_was_repriced_with_both_prices_and_orders_nothing(client):
    buyer, old_key, was, pack = _buyer_with_a_repriced_line(client)
    answer = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert f"repriced from {money(was)} to {money(pack.price_fen)} each" in page, page[:3000]
    assert "Update the cart line" in page and "no longer on sale" not in page
    assert _orders(buyer) == []  # nothing reserved nor charged at either price


def test_the_cart_shows_the_new_price_and_updating_orders_at_it(client):
    buyer, old_key, was, pack = _buyer_with_a_repriced_line(client)
    page = client.get("/market/cart").get_data(as_text=True)
    assert f"{money(was)} each then, {money(pack.price_fen)} each now" in page, page[:4000]
    assert "no longer available" not in page
    new_key = catalog_groups.group_id(pack)
    assert f'name="group_id" value="{new_key}"' in page and f'value="{old_key}"' in page
    submit(
        client,
        "/market/cart/add",
        {"group_id": new_key, "replaces": old_key, "quantity": "2"},
        page="/market/cart",
    )
    assert market_cart.read(buyer)["groups"] == {new_key: 2}  # the old line replaced
    ordered = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert ordered.status_code == 302 and "/pay" in ordered.location, ordered.data[:400]
    (order,) = _orders(buyer)
    assert [line.price_fen for line in order.lines] == [pack.price_fen] * 2  # the price shown


def test_adding_from_a_page_shown_before_the_new_index_points_to_the_new_price(client):
    buyer, old_key, was, pack = _buyer_with_a_repriced_line(client)
    market_cart.save(buyer, [], {})
    page = submit(
        client,
        "/market/cart/add",
        {"group_id": old_key, "quantity": "1"},
        page="/market/",
        follow_redirects=True,
    ).get_data(as_text=True)
    said = re.sub(r"<[^>]+>", "", page)  # the amount is kept whole in a span of its own
    assert f"These packs were repriced: now from {money(pack.price_fen)} each." in said
    assert "no longer on sale" not in page
    assert market_cart.read(buyer)["groups"] == {}


def test_a_line_sold_out_at_its_price_is_not_called_repriced(client):
    buyer = make_buyer()
    client.get("/lang/en")
    Auth(client).login(buyer.email)
    (pack,) = _priced_group(1)
    key = catalog_groups.group_id(pack)
    market_cart.save(buyer, [], {key: 1})
    other = list_packs(1, price_fen=pack.price_fen + 100)  # same kind, another price, not moved
    assert catalog_groups.group_id(other[0]) != key
    pack.price_fen = None  # out of the catalogue, not repriced
    db.session.commit()
    assert repricing.repriced(key) == []
    answer = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert "no longer on sale" in answer.get_data(as_text=True)
