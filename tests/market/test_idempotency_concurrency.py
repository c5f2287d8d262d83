"""Two requests at once on PostgreSQL: one cart checked out twice, one refund form sent
twice, one Idempotency-Key sent twice, and two orders against an unpaid limit of one.

Each request is held at its commit until the other gets there too (or, when the other is
rightly waiting on a lock or on the first one's key, for a few seconds): without the
control both would commit.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, Refund, User
from lithloop.services.market import catalog_groups
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import payments as market_payments
from tests.commit_gate import CommitGate, together
from tests.conftest import Auth, api_headers, csrf_token, submit
from tests.market.support import list_packs, make_admin, make_buyer
from tests.market.test_idempotency import TOKEN_RE


@pytest.fixture
def backend():
    """PostgreSQL only: SQLite serialises writers, so the race cannot happen there."""
    return "postgresql"


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def _twin(app, client):
    """A second client with the first one's cookies (the same browser session)."""
    twin = app.test_client()
    for cookie in client._cookies.values():
        twin.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return twin


def test_one_cart_checked_out_twice_at_once_is_one_order(app, client):
    # Depends on the checkout form's one-time token: without it each request takes one
    # of the group's free packs (SKIP LOCKED) and both commit an order.
    buyer = make_buyer()
    packs = list_packs(3)
    client.get("/lang/en")
    Auth(client).login(buyer.email)
    submit(
        client,
        "/market/cart/add",
        {"group_id": catalog_groups.group_id(packs[0]), "quantity": "1"},
        page="/market/",
    )
    token = dict(TOKEN_RE.findall(client.get("/market/cart").get_data(as_text=True)))[
        "checkout_token"
    ]
    form = {
        "delivery_kind": "pickup",
        "checkout_token": token,
        "csrf_token": csrf_token(client, "/market/cart"),
    }
    twin = _twin(app, client)
    with CommitGate(Order, patience=3.0):
        first, second = together(
            lambda: client.post("/market/checkout", data=form),
            lambda: twin.post("/market/checkout", data=form),
        )
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert _count(Order) == 1


def test_one_refund_form_sent_twice_at_once_refunds_once(app, client):
    # Depends on the refund form's one-time token: the order's row lock alone lets the
    # second request refund ¥100 again once the first has committed.
    buyer = make_buyer()
    packs = list_packs(1, price_fen=500_000)
    order = market_checkout.checkout(buyer, [{"pack_id": packs[0].id}])
    market_payments.pay(buyer, order.id, "pm_card_visa")
    admin = make_admin()
    client.get("/lang/en")
    Auth(client).login(admin.email)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    form = {
        "amount": "100",
        "reason": "double click",
        "confirmed": "1",
        "refund_token": dict(TOKEN_RE.findall(page))["refund_token"],
        "csrf_token": csrf_token(client, f"/market/orders/{order.id}"),
    }
    url = f"/market/admin/orders/{order.id}/refund"
    twin = _twin(app, client)
    with CommitGate(Refund, patience=3.0):
        first, second = together(
            lambda: client.post(url, data=form), lambda: twin.post(url, data=form)
        )
    assert first.status_code == second.status_code == 302
    assert _count(Refund) == 1
    assert db.session.get(Order, order.id).refunded_fen == 10_000


def test_one_idempotency_key_sent_twice_at_once_is_one_order(app, client):
    # Depends on the unique key row: the second request waits for the first one's commit,
    # then answers with its order.
    buyer = make_buyer()
    packs = list_packs(3)
    headers = {**api_headers(client, buyer), "Idempotency-Key": "at-once"}
    body = {"lines": [{"group_id": catalog_groups.group_id(packs[0]), "quantity": 1}]}
    twin = app.test_client()
    with CommitGate(Order, patience=3.0):
        first, second = together(
            lambda: client.post("/api/v1/orders", json=body, headers=headers),
            lambda: twin.post("/api/v1/orders", json=body, headers=headers),
        )
    assert first.status_code == second.status_code == 201, (first.json, second.json)
    assert first.json["id"] == second.json["id"] and _count(Order) == 1
    assert {
        first.headers.get("Idempotent-Replayed"),
        second.headers.get("Idempotent-Replayed"),
    } == {None, "true"}


def test_two_orders_at_once_cannot_both_pass_an_unpaid_limit_of_one(app, client):
    # Depends on market_holds.check_and_lock locking the organisation's row: without it
    # both requests count no unpaid order and both commit.
    app.config.update(UNPAID_MAX_ORDERS_NEW_BUYER=1)
    buyer = make_buyer()
    colleague = User(
        email="colleague@example.com",
        name="同事",
        role=buyer.role,
        organisation_id=buyer.organisation_id,
        password_hash=buyer.password_hash,
    )
    db.session.add(colleague)
    db.session.commit()
    ids = [p.id for p in list_packs(2)]
    heads = [api_headers(client, buyer), api_headers(client, colleague)]
    twin = app.test_client()
    with CommitGate(Order, patience=3.0):
        answers = together(
            lambda: client.post(
                "/api/v1/orders", json={"lines": [{"pack_id": ids[0]}]}, headers=heads[0]
            ),
            lambda: twin.post(
                "/api/v1/orders", json={"lines": [{"pack_id": ids[1]}]}, headers=heads[1]
            ),
        )
    assert sorted(a.status_code for a in answers) == [201, 409], [a.json for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert refused.json["error"] == "unpaid_limit"
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Order.id)).where(Order.status == OrderStatus.PENDING_PAYMENT)
        )
        == 1
    )
