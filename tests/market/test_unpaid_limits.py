"""Unpaid holds: a buyer organisation may hold only so many orders and packs awaiting
payment, fewer before its first payment (against one buyer emptying the catalog)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import payments as market_payments
from tests.conftest import Auth, api_headers, submit
from tests.market.support import list_packs, make_buyer


def configure(app, **settings) -> None:
    """Settings for the served app (requests) and the test's own app context (services)."""
    app.config.update(settings)
    current_app.config.update(settings)


def _order(client, headers, packs):
    return client.post(
        "/api/v1/orders", json={"lines": [{"pack_id": p.id} for p in packs]}, headers=headers
    )


def test_a_buyer_who_never_paid_holds_few_orders_and_packs_unpaid(app, client):
    # Depends on market_holds.check_and_lock in place_order (before: any number).
    configure(app, UNPAID_MAX_ORDERS_NEW_BUYER=2, UNPAID_MAX_PACKS_NEW_BUYER=3)
    buyer = make_buyer()
    packs = list_packs(8)
    headers = {**api_headers(client, buyer), "Accept-Language": "en"}
    too_many_packs = _order(client, headers, packs[:4])
    assert too_many_packs.status_code == 409, too_many_packs.json
    assert too_many_packs.json["error"] == "unpaid_limit"
    assert "hold 4 packs unpaid; at most 3" in too_many_packs.json["message"]
    assert "Until your organisation has paid for an order once" in too_many_packs.json["message"]
    assert _order(client, headers, packs[:1]).status_code == 201
    assert _order(client, headers, packs[1:3]).status_code == 201
    third = _order(client, headers, packs[3:4])
    assert (
        third.status_code == 409
        and "already has 2 orders awaiting payment" in third.json["message"]
    )
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 2
    other = make_buyer()  # another organisation is not held back by this one
    assert _order(client, api_headers(client, other), packs[3:4]).status_code == 201


def test_a_buyer_who_has_paid_gets_the_higher_limits(app, client):
    configure(
        app,
        UNPAID_MAX_ORDERS_NEW_BUYER=1,
        UNPAID_MAX_PACKS_NEW_BUYER=1,
        UNPAID_MAX_ORDERS=3,
        UNPAID_MAX_PACKS=4,
    )
    buyer = make_buyer()
    packs = list_packs(6)
    first = market_checkout.checkout(buyer, [{"pack_id": packs[0].id}])
    market_payments.pay(buyer, first.id, "pm_card_visa")
    headers = api_headers(client, buyer)
    assert _order(client, headers, packs[1:4]).status_code == 201
    assert _order(client, headers, packs[4:6]).status_code == 409  # 5 packs > 4
    assert _order(client, headers, packs[4:5]).status_code == 201


def test_expired_reservations_do_not_count(app, client):
    configure(app, UNPAID_MAX_ORDERS_NEW_BUYER=1)
    buyer = make_buyer()
    packs = list_packs(2)
    headers = api_headers(client, buyer)
    first = _order(client, headers, packs[:1]).json
    assert _order(client, headers, packs[1:]).status_code == 409
    from datetime import timedelta

    order = db.session.get(Order, first["id"])
    order.reserved_until = clock.now() - timedelta(seconds=1)
    db.session.commit()
    assert _order(client, headers, packs[1:]).status_code == 201


def test_the_cart_page_says_why(app, client):
    configure(app, UNPAID_MAX_PACKS_NEW_BUYER=1)
    buyer = make_buyer()
    packs = list_packs(2)
    client.get("/lang/en")
    Auth(client).login(buyer.email)
    for pack in packs:
        submit(client, "/market/cart/add", {"pack_id": pack.id}, page="/market/")
    page = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert page.status_code == 409
    assert "at most 1 may be held awaiting payment" in page.get_data(as_text=True)
