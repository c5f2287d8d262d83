"""Adding packs to the cart: a quantity the buyer typed is kept or refused, never replaced,
and a line that cannot be ordered says why at checkout."""

from __future__ import annotations

import re

import pytest

from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog_groups
from tests.conftest import Auth, submit
from tests.market.support import list_packs, make_buyer


@pytest.fixture
def buyer_with_three(client):
    buyer = make_buyer()
    client.get("/lang/en")
    Auth(client).login(buyer.email)
    packs = list_packs(3, price_fen=1_000_00)
    return buyer, catalog_groups.group_id(packs[0])


@pytest.mark.parametrize("quantity", ["-5", "0", "nan", "1e999999", "٣", "1.5"])
def test_a_quantity_that_is_not_a_count_is_refused_not_set_to_one(
    client, buyer_with_three, quantity
):
    buyer, group = buyer_with_three
    page = _add(client, group, quantity)
    assert "Added to the cart" not in page
    # the reason beside it, e.g. "Enter a whole number (digits 0-9).", or for 1e999999,
    # a number written with an exponent, "This is too large: enter at most 3."
    assert re.search(r'class="error[^"]*"[^>]*>[^<]*[Ee]nter', page), page
    assert group not in _groups_in_cart(buyer)


def test_more_than_the_stock_is_refused_naming_the_stock(client, buyer_with_three):
    buyer, group = buyer_with_three
    page = _add(client, group, "4")
    assert "Only 3 of these packs are on sale" in page
    assert group not in _groups_in_cart(buyer)
    assert "Added to the cart" in _add(client, group, "3")
    assert _groups_in_cart(buyer) == {group: 3}


def test_a_group_that_does_not_exist_is_not_added(client, buyer_with_three):
    buyer, _group = buyer_with_three
    page = _add(client, "NOPE.X.1", "1")
    assert "Added to the cart" not in page
    assert "NOPE.X.1" not in _groups_in_cart(buyer)


def _add(client, group: str, quantity: str) -> str:
    """Add `quantity` of a group from the catalog; the page the buyer lands on."""
    response = submit(
        client,
        "/market/cart/add",
        {"group_id": group, "quantity": quantity},
        page="/market/",
        follow_redirects=True,
    )
    return response.get_data(as_text=True)


def _groups_in_cart(buyer) -> dict:
    """The groups of the buyer's server-side cart."""
    return dict(market_cart.read(buyer)["groups"])


def test_a_line_that_can_no_longer_be_ordered_is_explained_at_checkout(client, buyer_with_three):
    buyer, group = buyer_with_three
    market_cart.save(buyer, [], {group: 1, "NOPE.X.1": 1})  # e.g. its price changed since
    response = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error form-error" role="alert"' in page, page[:3000]


def test_a_line_of_two_shows_its_amount_and_the_packs_total_adds_the_lines(
    client, buyer_with_three
):
    import re

    _buyer, group = buyer_with_three
    _add(client, group, "2")
    page = client.get("/market/cart").get_data(as_text=True)
    lines = re.findall(r'class="num line-total">([^<]*)<', page)
    assert lines == ["¥2,000.00"], lines  # the price each is ¥1,000.00
    assert '<th colspan="3">Packs</th><td class="num money">¥2,000.00</td>' in page


@pytest.mark.parametrize(
    ("stock", "said"),
    [
        (0, "These packs are no longer on sale."),
        (1, "Only 1 of these packs is on sale: choose at most that one."),
        (3, "Only 3 of these packs are on sale: choose at most that many."),
    ],
)
def test_too_many_is_told_the_stock_in_a_sentence_that_fits_it(app, stock, said):
    """walk: one pack left read "Only 1 of these packs are on sale", none left "Only 0"."""
    from flask_babel import force_locale

    from lithloop.services.errors import Invalid

    with pytest.raises(Invalid) as refused, force_locale("en"):
        market_cart.quantity_of("5", stock)
    with force_locale("en"):
        assert str(refused.value.message) == said and refused.value.field == "quantity"
