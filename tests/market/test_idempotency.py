"""Idempotency: the API's Idempotency-Key on orders and bookings, the one-time tokens of
the checkout and refund forms, and the API's order list (a client that lost an answer finds
its order). Sequential repeats here; concurrent ones on PostgreSQL in
test_idempotency_concurrency.py."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Booking, IdempotencyKey, Order, PackState, QuoteRequest, Refund
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import payments as market_payments
from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import Auth, api_headers, csrf_token, submit
from tests.market.support import list_packs, make_admin, make_buyer
from tests.web.test_bookings import body as booking_body

world = worlds.dealer_at_site  # the fixture

TOKEN_RE = re.compile(r'name="(checkout_token|refund_token)" value="([^"]*)"')


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def _post_order(client, headers, lines, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/orders", json={"lines": lines}, headers={**headers, **extra})


def test_an_order_repeated_with_its_key_is_the_same_order_answered_again(client):
    # Depends on checkout_once's claim/replay (before: a second order, or 409 for the packs).
    buyer = make_buyer()
    packs = list_packs(2)
    headers = api_headers(client, buyer)
    lines = [{"pack_id": p.id} for p in packs]
    first = _post_order(client, headers, lines, key="client-order-1")
    again = _post_order(client, headers, list(reversed(lines))[::-1], key="client-order-1")
    assert first.status_code == again.status_code == 201, again.json
    assert again.json["id"] == first.json["id"] and again.json["lines"] == first.json["lines"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.json["payment"]["client_secret"] == first.json["payment"]["client_secret"]
    assert _count(Order) == 1


def test_a_key_reused_with_another_body_is_a_422_and_makes_nothing(client):
    buyer = make_buyer()
    packs = list_packs(2)
    headers = {**api_headers(client, buyer), "Accept-Language": "en"}
    assert _post_order(client, headers, [{"pack_id": packs[0].id}], key="k-1").status_code == 201
    reused = _post_order(client, headers, [{"pack_id": packs[1].id}], key="k-1")
    assert reused.status_code == 422, reused.json
    assert reused.json["error"] == "idempotency_key_reused"
    assert reused.json["field"] == "Idempotency-Key"
    assert "used before with a different request" in reused.json["message"]
    assert _count(Order) == 1
    db.session.expire_all()
    assert db.session.get(type(packs[1]), packs[1].id).state is PackState.FINISHED


def test_keys_belong_to_one_organisation(client):
    packs = list_packs(2)
    from lithloop.services.market import catalog_groups

    group_lines = [{"group_id": catalog_groups.group_id(packs[0]), "quantity": 1}]
    one, other = make_buyer(), make_buyer()
    mine = _post_order(client, api_headers(client, one), group_lines, key="shared-key")
    theirs = _post_order(client, api_headers(client, other), group_lines, key="shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json["id"] != theirs.json["id"] and _count(Order) == 2


def test_a_key_is_forgotten_after_its_time(client):
    buyer = make_buyer()
    packs = list_packs(2)
    headers = api_headers(client, buyer)
    assert _post_order(client, headers, [{"pack_id": packs[0].id}], key="old").status_code == 201
    record = db.session.scalar(sa.select(IdempotencyKey))
    assert record.request_hash and record.expires_at - record.created_at == timedelta(hours=24)
    record.expires_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    fresh = _post_order(client, headers, [{"pack_id": packs[1].id}], key="old")
    assert fresh.status_code == 201 and _count(Order) == 2


def test_a_bad_key_is_a_422_naming_the_header(client):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    headers = api_headers(client, buyer)
    for bad in ("x" * 256, "naïve"):
        response = client.post(
            "/api/v1/orders",
            json={"lines": [{"pack_id": pack.id}]},
            headers={**headers, "Idempotency-Key": bad.encode().decode("latin-1")},
        )
        assert response.status_code == 422 and response.json["field"] == "Idempotency-Key"
    assert _count(Order) == 0


def test_the_api_lists_the_buyers_orders_a_page_at_a_time(client):
    # Depends on GET /api/v1/orders (before: 405).
    buyer, stranger = make_buyer(), make_buyer()
    packs = list_packs(3)
    headers = api_headers(client, buyer)
    ids = [_post_order(client, headers, [{"pack_id": p.id}]).json["id"] for p in packs[:2]]
    _post_order(client, api_headers(client, stranger), [{"pack_id": packs[2].id}])
    first = client.get("/api/v1/orders?page_size=1", headers=headers)
    assert first.status_code == 200
    assert [o["id"] for o in first.json] == [ids[1]]  # newest first
    assert json.loads(first.headers["X-Pagination"])["total"] == 2
    second = client.get("/api/v1/orders?page=2&page_size=1", headers=headers)
    assert [o["id"] for o in second.json] == [ids[0]]
    assert "client_secret" not in second.json[0]["payment"]
    assert client.get("/api/v1/orders?page=99999", headers=headers).json == []
    assert client.get("/api/v1/orders?page=99999999999", headers=headers).status_code == 422
    assert client.get("/api/v1/orders?page_size=201", headers=headers).status_code == 422
    spec = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/orders"]
    assert "X-Pagination" in spec["get"]["responses"]["200"]["headers"]
    assert any(p["name"] == "Idempotency-Key" for p in spec["post"]["parameters"])


def _cart_with(client, buyer, packs):
    client.get("/lang/en")
    Auth(client).login(buyer.email)
    for pack in packs:
        submit(client, "/market/cart/add", {"pack_id": pack.id}, page="/market/")
    page = client.get("/market/cart").get_data(as_text=True)
    return dict(TOKEN_RE.findall(page))["checkout_token"], csrf_token(client, "/market/cart")


def test_a_cart_submitted_twice_is_one_order(client):
    # Depends on the checkout form's one-time token (before: the second submit of the
    # same page, e.g. a double click, made a second order or a 409 for its packs).
    buyer = make_buyer()
    packs = list_packs(2)
    token, csrf = _cart_with(client, buyer, packs)
    form = {"delivery_kind": "pickup", "checkout_token": token, "csrf_token": csrf}
    first = client.post("/market/checkout", data=form)
    second = client.post("/market/checkout", data=form)  # the cart is empty by now
    assert first.status_code == second.status_code == 302
    assert first.location == second.location and first.location.endswith("/pay")
    assert _count(Order) == 1
    assert "ordered already" in client.get(second.location).get_data(as_text=True)


def test_a_tampered_checkout_token_falls_back_to_the_carts_own(client):
    buyer = make_buyer()
    packs = list_packs(1)
    _token, csrf = _cart_with(client, buyer, packs)
    form = {"delivery_kind": "pickup", "checkout_token": "<>" * 300, "csrf_token": csrf}
    first = client.post("/market/checkout", data=form)
    assert first.status_code == 302 and first.location.endswith("/pay")
    assert _count(Order) == 1


def _paid_order(client):
    buyer = make_buyer()
    packs = list_packs(2, price_fen=500_000)
    order = market_checkout.checkout(buyer, [{"pack_id": p.id} for p in packs])
    return market_payments.pay(buyer, order.id, "pm_card_visa")


def test_a_refund_form_submitted_twice_refunds_once(client):
    # Depends on the refund form's one-time token (before: ¥100 refunded twice).
    order = _paid_order(client)
    admin = make_admin()
    client.get("/lang/en")
    Auth(client).login(admin.email)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    token = dict(TOKEN_RE.findall(page))["refund_token"]
    form = {
        "amount": "100",
        "reason": "double click",
        "confirmed": "1",
        "refund_token": token,
        "csrf_token": csrf_token(client, f"/market/orders/{order.id}"),
    }
    url = f"/market/admin/orders/{order.id}/refund"
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    assert _count(Refund) == 1 and db.session.get(Order, order.id).refunded_fen == 10_000
    form["refund_token"] = "another-click-on-a-fresh-page"
    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded_fen == 20_000


def test_a_booking_key_reused_with_another_body_is_a_422(client, world):
    # Depends on book_pickup's claim (before: the first booking, silently).
    headers = {**api_headers(client, world["dealer"]), "Idempotency-Key": "booking-1"}
    client.get("/lang/en")
    first = client.post("/api/v1/bookings", json=booking_body(world["site"]), headers=headers)
    same = client.post("/api/v1/bookings", json=booking_body(world["site"]), headers=headers)
    assert (first.status_code, same.status_code) == (201, 200)
    assert same.json["id"] == first.json["id"]
    other = client.post(
        "/api/v1/bookings",
        json=booking_body(world["site"], window=["13:00", "15:00"]),
        headers=headers,
    )
    assert other.status_code == 422 and other.json["error"] == "idempotency_key_reused"
    assert other.json["field"] == "Idempotency-Key"
    assert _count(Booking) == 1


def test_a_booking_form_sent_again_with_other_values_says_so(client, auth, world):
    client.get("/lang/en")
    auth.login(world["dealer"].email)
    form = {
        **one_lot_form(world["site"], mass_kg="800", slot="10:00-12:00"),
        "idempotency_key": "f-1",
    }
    assert submit(client, "/bookings/new", form).status_code == 302
    changed = submit(client, "/bookings/new", {**form, "lots-0-mass_kg": "900"})
    text = changed.get_data(as_text=True)
    assert changed.status_code == 422 and "sent before with other values" in text
    assert 'value="f-1"' not in text  # a fresh key: confirming again books
    assert _count(Booking) == 1


@pytest.mark.parametrize("key", ["ключ", "a" * 300])
def test_a_booking_form_with_a_changed_key_says_so_and_books_on_the_next_try(
    client, auth, world, key
):
    # Hostile-input finding: a tampered hidden key was a 422 with no message anywhere, and
    # the page kept the bad key, so every later confirm failed the same way.
    client.get("/lang/en")
    auth.login(world["dealer"].email)
    form = {
        **one_lot_form(world["site"], mass_kg="800", slot="10:00-12:00"),
        "idempotency_key": key,
    }
    refused = submit(client, "/bookings/new", form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "one-time key was changed" in text
    assert _count(Booking) == 0
    fresh = re.search(r'name="idempotency_key" value="([^"]*)"', text).group(1)
    assert fresh != key
    again = submit(client, "/bookings/new", {**form, "idempotency_key": fresh})
    assert again.status_code == 302
    assert _count(Booking) == 1


def _rfq_form(client) -> dict:
    """The request-for-quote form as the page gives it (its one-time token), filled in."""
    page = client.get("/market/rfqs/new").get_data(as_text=True)
    token = re.search(r'name="rfq_token" value="([^"]+)"', page).group(1)
    day = (clock.today() + timedelta(days=20)).isoformat()
    return {"quantity": "1", "min_grade": "C", "wanted_by": day, "rfq_token": token}


def test_a_request_for_quote_sent_twice_asks_once(client):
    # Hostile-input finding: a double click (or back and send again) made two requests
    # and mailed every admin twice.
    make_admin()
    Auth(client).login(make_buyer().email)
    client.get("/lang/en")
    form = _rfq_form(client)
    first = submit(client, "/market/rfqs/new", form)
    again = submit(client, "/market/rfqs/new", form)
    assert first.status_code == again.status_code == 302
    assert first.location == again.location
    assert _count(QuoteRequest) == 1
    page = client.get(again.location).get_data(as_text=True)
    assert "it is not sent twice" in page
    other = submit(client, "/market/rfqs/new", {**form, "quantity": "2"})
    text = other.get_data(as_text=True)
    assert other.status_code == 422 and "sent before with other values" in text
    fresh = re.search(r'name="rfq_token" value="([^"]+)"', text).group(1)
    assert fresh != form["rfq_token"]
    assert (
        submit(
            client, "/market/rfqs/new", {**form, "quantity": "2", "rfq_token": fresh}
        ).status_code
        == 302
    )
    assert _count(QuoteRequest) == 2
    changed = submit(client, "/market/rfqs/new", {**_rfq_form(client), "rfq_token": "ключ"})
    assert changed.status_code == 422 and "one-time key was changed" in changed.get_data(
        as_text=True
    )
    assert _count(QuoteRequest) == 2


def test_an_api_request_for_quote_repeated_with_its_key_is_the_same_request(client):
    buyer = make_buyer()
    headers = {**api_headers(client, buyer), "Idempotency-Key": "rfq-1"}
    body = {"quantity": 2, "wanted_by": (clock.today() + timedelta(days=20)).isoformat()}
    first = client.post("/api/v1/rfqs", json=body, headers=headers)
    same = client.post("/api/v1/rfqs", json=body, headers=headers)
    assert (first.status_code, same.status_code) == (201, 201), same.json
    assert same.json["id"] == first.json["id"] and same.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/rfqs", json={**body, "quantity": 3}, headers=headers)
    assert other.status_code == 422 and other.json["error"] == "idempotency_key_reused"
    assert _count(QuoteRequest) == 1


def test_a_cart_page_left_open_while_another_tab_adds_packs_orders_nothing(client):
    # Walk finding: the cart page showed one pack (¥545.68); another tab added two more;
    # "Order and pay" on the first page ordered all three (¥3,571.40), not what it showed.
    buyer = make_buyer()
    first, second = list_packs(2)
    token, csrf = _cart_with(client, buyer, [first])
    submit(client, "/market/cart/add", {"pack_id": second.id}, page="/market/")  # tab two
    form = {"delivery_kind": "pickup", "checkout_token": token, "csrf_token": csrf}
    stale = client.post("/market/checkout", data=form)
    assert stale.status_code == 409
    assert "Your cart changed after this page was shown" in stale.get_data(as_text=True)
    assert _count(Order) == 0 and second.state is PackState.FINISHED
    fresh = dict(TOKEN_RE.findall(stale.get_data(as_text=True)))["checkout_token"]
    ordered = client.post("/market/checkout", data={**form, "checkout_token": fresh})
    assert ordered.status_code == 302 and ordered.location.endswith("/pay")
    order = db.session.scalar(sa.select(Order))
    assert sorted(line.pack_id for line in order.lines) == sorted([first.id, second.id])


def test_the_order_number_is_written_with_a_hash_on_its_pages_in_both_languages(client):
    buyer = make_buyer()
    token, csrf = _cart_with(client, buyer, list_packs(1))
    form = {"delivery_kind": "pickup", "checkout_token": token, "csrf_token": csrf}
    client.get("/lang/zh")
    client.post("/market/checkout", data=form)
    again = client.post("/market/checkout", data=form)
    order_id = db.session.scalar(sa.select(Order.id).where(Order.user_id == buyer.id))
    told = client.get(again.location).get_data(as_text=True)  # the cart ordered already
    assert f"（订单 #{order_id}）" in told
    for lang, words in (("zh", ("支付订单 #", "订单 #")), ("en", ("Pay order #", "Order #"))):
        client.get(f"/lang/{lang}")
        pay = client.get(again.location).get_data(as_text=True)
        assert re.search(r"<h1>([^<]*)</h1>", pay).group(1) == f"{words[0]}{order_id}"
        page = client.get(f"/market/orders/{order_id}").get_data(as_text=True)
        assert re.search(r"<h1>([^<]*)<", page).group(1).strip() == f"{words[1]}{order_id}"
