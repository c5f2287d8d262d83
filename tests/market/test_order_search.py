"""The orders list searched by order number as a buyer writes it: 12, #12 (as the pages and
letters write it), and with a Chinese keyboard's full-width digits (１２, ＃１２)."""

from __future__ import annotations

import pytest

from lithloop.extensions import db
from lithloop.services.market import checkout, order_list
from tests.market.support import list_packs, make_buyer


def _found(buyer, search: str) -> list[int]:
    return [o.id for o in db.session.scalars(order_list.filtered(buyer, search=search))]


@pytest.mark.parametrize("written", ["{n}", "#{n}", "# {n}", "＃{n}", "{wide}", "＃{wide}"])
def test_an_order_is_found_by_its_number_however_it_is_typed(app, written):
    buyer = make_buyer()
    first, second = list_packs(2)
    wanted = checkout.checkout(buyer, [{"pack_id": first.id}])
    checkout.checkout(buyer, [{"pack_id": second.id}])
    wide = "".join(chr(ord(c) + 0xFEE0) for c in str(wanted.id))  # １２ for 12
    assert _found(buyer, written.format(n=wanted.id, wide=wide)) == [wanted.id]


def test_a_name_is_still_searched_as_typed_and_text_finds_no_number(app):
    buyer = make_buyer(name="北疆（牡丹江）储能")
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    assert _found(buyer, "（牡丹江）") == [order.id]  # full-width brackets as stored
    assert _found(buyer, "abc") == []
    assert _found(buyer, f"{order.id}.0") == []
