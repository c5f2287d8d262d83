"""The API's order says what was given back and what is owed: `refunded_fen` (order, lines,
delivery) is money back to the buyer, a refund that did not go through and is not paid back
yet is in `owed_back_fen`, and the parts add up to the order's. Before, `refunded_fen`
counted the failed refund as refunded. The order list reads the refunds of a page of orders
in one query, however many orders (no query an order)."""

from __future__ import annotations

from lithloop.services.market import refund_payback
from tests.conftest import api_headers
from tests.market.support import make_admin, make_buyer
from tests.market.test_refund_figures import (
    FAILED,
    FAILED_SHARES,
    LINE_REFUND,
    _lines,
    _with_failed_refund,
)
from tests.web.test_query_counts import counted


def test_the_api_says_what_was_given_back_and_what_is_owed(client, monkeypatch):
    order, failed = _with_failed_refund(monkeypatch)
    headers = api_headers(client, order.user)
    body = client.get(f"/api/v1/orders/{order.id}", headers=headers).json
    big, small = _lines(order)
    by_id = {li["id"]: li for li in body["lines"]}
    assert body["refunded_fen"] == LINE_REFUND and body["owed_back_fen"] == FAILED
    assert by_id[big.id]["refunded_fen"] == 0
    assert by_id[big.id]["owed_back_fen"] == FAILED_SHARES[0]
    assert by_id[small.id]["refunded_fen"] == LINE_REFUND
    assert by_id[small.id]["owed_back_fen"] == FAILED_SHARES[1]
    assert body["delivery"]["refunded_fen"] == 0
    assert body["delivery"]["owed_back_fen"] == FAILED_SHARES[2]
    refund_payback.mark_paid_back(make_admin(), order.id, failed.id, "工行转账 A-1")
    body = client.get(f"/api/v1/orders/{order.id}", headers=headers).json
    assert body["refunded_fen"] == LINE_REFUND + FAILED and body["owed_back_fen"] == 0
    parts = [li["refunded_fen"] for li in body["lines"]] + [body["delivery"]["refunded_fen"]]
    assert sum(parts) == body["refunded_fen"]


def test_the_order_list_reads_refunds_in_one_query_for_the_page(app, client, monkeypatch):
    count = 3
    buyer, admin = make_buyer(), make_admin()
    _with_failed_refund(monkeypatch, buyer, admin)
    headers = api_headers(client, buyer)
    app.config["USER_CACHE_S"] = 0  # count the token lookup in both calls alike
    with counted(app) as few:
        assert len(client.get("/api/v1/orders", headers=headers).json) == 1
    for _ in range(count - 1):
        _with_failed_refund(monkeypatch, buyer, admin)
    with counted(app) as many:
        body = client.get("/api/v1/orders", headers=headers).json
    assert [o["owed_back_fen"] for o in body] == [FAILED] * count
    assert len(many) == len(few)
