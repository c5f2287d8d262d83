"""The market API with bearer tokens: packs, orders with client secret, isolation."""

from __future__ import annotations

from lithloop.services.market import catalog_groups
from tests.conftest import api_headers
from tests.market.support import list_packs, make_buyer


def test_packs_are_listed_with_filters_and_one_by_id(client):
    headers = api_headers(client, make_buyer())
    lfp = list_packs(2, soh="90", price_fen=1_500_000)
    list_packs(1, chemistry="NCM523", soh="65", grade="B", price_fen=400_000)
    everything = client.get("/api/v1/packs", headers=headers).json
    assert {p["chemistry"] for p in everything} == {"LFP", "NCM523"}
    first = everything[0]
    assert set(first) >= {
        "id",
        "code",
        "chemistry",
        "usable_kwh",
        "soh_pct",
        "grade",
        "price_fen",
        "status",
    }
    assert first["price_fen"] == 400_000 and first["status"] == "finished"
    cheap = client.get("/api/v1/packs?max_price_fen=500000", headers=headers).json
    assert [p["chemistry"] for p in cheap] == ["NCM523"]
    good = client.get("/api/v1/packs?min_soh=80&chemistry=LFP", headers=headers).json
    assert sorted(p["id"] for p in good) == [p.id for p in lfp]
    assert client.get("/api/v1/packs?min_soh=abc", headers=headers).status_code == 422
    one = client.get(f"/api/v1/packs/{lfp[0].id}", headers=headers).json
    assert one["code"] == lfp[0].code and one["stock"] == 2 and one["test"]["soh_pct"] == "90.00"
    assert one["usable_kwh"] == "46.08" and one["passport_url"] == f"/p/{lfp[0].code}"
    assert client.get("/api/v1/packs", headers={}).status_code == 401


def test_order_by_id_and_group_returns_the_client_secret_and_refuses_a_sold_pack(client):
    buyer, other = make_buyer(), make_buyer()
    headers = api_headers(client, buyer)
    packs = list_packs(3)
    body = {
        "lines": [
            {"pack_id": packs[2].id},
            {"group_id": catalog_groups.group_id(packs[0]), "quantity": 2},
        ],
        "delivery": {"kind": "address", "address": "牡丹江市西安区 1 号", "phone": "13800000000"},
    }
    created = client.post("/api/v1/orders", json=body, headers=headers)
    assert created.status_code == 201, created.json
    order = created.json
    fee = order["delivery"]["fee_fen"]  # 西安区: a few km from the park, three packs
    assert 3 * 5000 < fee < 3 * 5000 + 20 * 800
    assert order["status"] == "pending_payment" and order["total_fen"] == 3_600_000 + fee
    assert order["delivery"]["city"] == "西安区" and order["delivery"]["eta"]
    assert order["payment"]["client_secret"].startswith(order["payment"]["intent_id"])
    assert sorted(li["pack_id"] for li in order["lines"]) == sorted(p.id for p in packs)
    again = client.post(
        "/api/v1/orders",
        json={"lines": [{"pack_id": packs[0].id}]},
        headers=api_headers(client, other),
    )
    assert again.status_code == 409 and packs[0].code in again.json["message"]
    more = client.post(
        "/api/v1/orders",
        json={"lines": [{"group_id": catalog_groups.group_id(packs[0]), "quantity": 1}]},
        headers=headers,
    )
    assert more.status_code == 409 and more.json["error"] == "not_enough_stock"
    shown = client.get(f"/api/v1/orders/{order['id']}", headers=headers)
    assert shown.status_code == 200 and "client_secret" not in shown.json["payment"]
    assert shown.json["delivery"]["kind"] == "address"
    foreign = client.get(f"/api/v1/orders/{order['id']}", headers=api_headers(client, other))
    assert foreign.status_code == 404


def test_the_payment_is_given_by_a_post_to_a_buyer_of_the_ordering_organisation(client):
    from tests.factories import make_user
    from tests.market.support import make_admin

    buyer, stranger = make_buyer(), make_buyer()
    colleague = make_user(buyer.organisation, role=buyer.role)
    headers = api_headers(client, buyer)
    (pack,) = list_packs(1)
    order = client.post("/api/v1/orders", json={"lines": [{"pack_id": pack.id}]}, headers=headers)
    url = f"/api/v1/orders/{order.json['id']}/payment"
    opened = client.post(url, headers=headers)
    assert opened.status_code == 200
    assert opened.json["payment"] == order.json["payment"]  # the same PaymentIntent
    by_colleague = client.post(url, headers=api_headers(client, colleague))  # in finance, say
    assert by_colleague.status_code == 200, by_colleague.json
    assert by_colleague.json["payment"] == order.json["payment"]
    assert client.post(url, headers=api_headers(client, make_admin())).status_code == 403
    assert client.post(url, headers=api_headers(client, stranger)).status_code == 404
    client.post(f"/api/v1/orders/{order.json['id']}/cancel", headers=headers)
    ended = client.post(url, headers=headers)
    assert ended.status_code == 409 and ended.json["error"] == "not_payable"


def test_an_api_delivery_outside_the_region_is_told_where_the_park_delivers(client):
    """Beijing's 朝阳区 was answered "did you mean 阳明区?"; now it is told the park
    delivers within its region only, and to name a city there or pick up at the park."""
    headers = api_headers(client, make_buyer())
    (pack,) = list_packs(1)
    where = {"kind": "address", "address": "北京市朝阳区建国路 1 号", "phone": "13800000000"}
    body = {"lines": [{"pack_id": pack.id}], "delivery": where}
    answer = client.post("/api/v1/orders", json=body, headers=headers)
    assert answer.status_code == 422 and answer.json["field"] == "address", answer.json
    said = answer.json["message"]
    assert "只配送到本地区" in said and "自提" in said and "阳明区" not in said, said
