"""The cart's rows name a pack as the catalogue does (chemistry in words, 'Grade A'), in
Chinese and in English, never by its stored chemistry code or its group key."""

from __future__ import annotations

import re

import pytest

from lithloop.extensions import db
from lithloop.models import PackState
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog_groups
from tests.conftest import Auth, submit
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
    sold_out = catalog_groups.group_id(gone)
    market_cart.save(buyer, [single.id], {catalog_groups.group_id(group[0]): 2, sold_out: 1})
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


def _row_of(page: str, group: str) -> str:
    """The cart row whose remove form names this group."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    (row,) = [r for r in body.split("<tr") if f'name="group_id" value="{group}"' in r]
    return row


@pytest.mark.parametrize("backend", ["sqlite"])  # page words, no locking: one backend
@pytest.mark.parametrize(
    ("lang", "tag", "remove", "stock", "refusal"),
    [
        ("zh_CN", "已不可购买", "移除", "库存", "锰酸锂 LMO，等级 C，30 kWh：已不再出售"),
        ("en", "no longer available", "Remove", "in stock", "grade C, 30 kWh: no longer on sale"),
    ],
)
def test_a_sold_out_group_offers_only_its_tag_and_remove(
    client, cart_of_three_lines, lang, tag, remove, stock, refusal
):
    buyer, sold_out = cart_of_three_lines
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    page = client.get("/market/cart").get_data(as_text=True)
    row = _row_of(page, sold_out)
    assert tag in row and remove in row
    assert 'name="quantity"' not in row and "cart/add" not in row  # nothing to choose
    assert stock not in row  # no "0 in stock", no "only 0 in stock"
    assert 'name="quantity"' in page  # the group still on sale keeps its box
    response = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert response.status_code == 409
    (refused,) = re.findall(
        r'<p class="error form-error" role="alert">([^<]*)</p>', response.get_data(as_text=True)
    )
    assert refusal in refused and sold_out not in refused  # in words, not by its key
