"""An order the platform cancelled, as its buyer reads it (found walking as a new buyer)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lithloop import clock
from lithloop.services.market import checkout, expiry
from tests.conftest import Auth
from tests.market.support import list_packs, make_buyer
from tests.plain_language import untranslated


@pytest.mark.parametrize("page", ["", "/pay"])
def test_an_order_whose_reservation_ran_out_says_so_in_chinese(client, page):
    """The order and payment pages showed the stored reason as it is kept, in English:
    "已取消 reservation expired"."""
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    assert expiry.sweep_expired(now=clock.now() + timedelta(minutes=31)) == 1
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    body = client.get(f"/market/orders/{order.id}{page}").get_data(as_text=True)
    assert "reservation expired" not in body
    assert "预留到期前未付款：电池包已重新上架。" in body
    main = re.sub(r"<[^>]+>", " ", body.split("<main>", 1)[1].split("</main>", 1)[0])
    assert not untranslated(main), untranslated(main)
    assert "等待填写银行卡" not in main  # the payment waits for nothing any more


def test_a_quoted_request_is_said_to_be_quoted_in_chinese(client):
    """The status of a request the park has quoted read 报价 ("quote", the settlement
    column's word) in the heading and the lists, not 已报价 as the other states read."""
    from tests.market.support import make_admin
    from tests.market.test_rfq import _quoted

    buyer = make_buyer()
    list_packs(3, soh="88", price_fen=1_200_000)  # what the request asks for
    rfq = _quoted(buyer, make_admin())
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    heading = client.get(f"/market/rfqs/{rfq.id}").get_data(as_text=True).split("</h1>")[0]
    assert re.search(r">已报价</span>$", heading), heading[-200:]
    assert ">已报价<" in client.get("/market/rfqs").get_data(as_text=True)


def test_the_percent_after_a_state_of_health_label_is_in_full_width_brackets(client):
    """The catalog's and the request form's labels read "健康状态不低于 (%)": a space and
    half-width brackets on a Chinese page."""
    client.get("/lang/zh_CN")
    Auth(client).login(make_buyer().email)
    catalog = client.get("/market/").get_data(as_text=True)
    assert "健康状态不低于（%）" in catalog and "健康状态不高于（%）" in catalog
    assert "健康度至少（%）" in client.get("/market/rfqs/new").get_data(as_text=True)
    assert " (%)" not in catalog


def test_the_pack_pages_test_kind_is_in_full_width_brackets_in_chinese(client, demo):
    """A listing's test report read "2026-11-27 13:30 (出厂检测)" on a Chinese page."""
    client.get("/lang/zh_CN")
    Auth(client).login(make_buyer().email)
    listing = re.search(r'href="(/market/packs/\d+)"', client.get("/market/").text).group(1)
    page = client.get(listing).get_data(as_text=True)
    tested_at = page.split("<dt>已检测</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d（[^（）()]+）", tested_at), tested_at
