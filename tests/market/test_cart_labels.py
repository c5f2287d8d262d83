"""The cart's rows name a pack as the catalogue does (chemistry in words, 'Grade A'), in
Chinese and in English, never by its stored chemistry code or its group key."""

from __future__ import annotations

import re

import pytest

from lithloop.extensions import db
from lithloop.models import PackState
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog
from tests.conftest import Auth
from tests.market.support import list_packs, make_buyer


def _rows(page: str) -> str:
    """The text of the cart table's body rows."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def cart_of_three_lines(client):
    """A buyer's cart: one pack, a group on sale and a group sold out since it was added."""
    buyer = make_buyer()
    (single,) = list_packs(1, chemistry="NCM523", grade="B", price_fen=90_000)
    group = list_packs(2, price_fen=100_000)
    (gone,) = list_packs(1, chemistry="LMO", grade="C", rated_wh=30_000, price_fen=80_000)
    gone.state = PackState.SOLD
    db.session.commit()
    sold_out = catalog.group_id(gone)
    market_cart.save(buyer, [single.id], {catalog.group_id(group[0]): 2, sold_out: 1})
    return buyer, sold_out


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh_CN", ["三元 NCM523 · 等级 B", "磷酸铁锂 LFP · 等级 A", "锰酸锂 LMO · 等级 C · 30"]),
        ("en", ["NCM523 · Grade B", "LFP · Grade A", "LMO · Grade C · 30"]),
    ],
)
def test_cart_rows_show_the_catalogue_labels(client, cart_of_three_lines, lang, expected):
    buyer, sold_out = cart_of_three_lines
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    rows = _rows(client.get("/market/cart").get_data(as_text=True))
    for text in expected:
        assert text in rows, rows
    assert sold_out not in rows  # the group key is internal
